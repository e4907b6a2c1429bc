import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { hexEncode } from '@logspec/core';

/** Every regular file under `root`, as sorted `/`-separated relative paths (directories, empty or not, are not listed). */
export function listFiles(root: string, skip: (rel: string) => boolean = () => false): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const abs = join(dir, name);
      const r = rel === '' ? name : `${rel}/${name}`;
      const st = statSync(abs);
      if (st.isDirectory()) walk(abs, r);
      else if (st.isFile() && !skip(r)) out.push(r);
    }
  };
  if (existsSync(root) && statSync(root).isFile()) return [''];
  walk(root, '');
  return out.sort();
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'logspec-conformance-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The first path component of a corpus path: the file or directory a sample lives in. */
export function sampleRoot(samplePath: string): string {
  return samplePath.split('/')[0] as string;
}

export const isExpectFile = (rel: string) => rel.endsWith('.expect.json');

/** Copies `rel` (a file or a directory tree, expectations left out) from `fromDir` to `toDir`. */
export function copyTree(fromDir: string, toDir: string, rel: string): void {
  const src = join(fromDir, rel);
  if (!existsSync(src)) return;
  if (statSync(src).isFile()) {
    mkdirSync(dirname(join(toDir, rel)), { recursive: true });
    copyFileSync(src, join(toDir, rel));
    return;
  }
  mkdirSync(join(toDir, rel), { recursive: true });
  for (const f of listFiles(src, isExpectFile)) {
    const to = join(toDir, rel, ...f.split('/'));
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(src, ...f.split('/')), to);
  }
}

/**
 * Compares the files a writer produced (everything under `actualDir`) with the expected ones,
 * byte for byte. Files only: empty directories are ignored on both sides. Returns the problems
 * found, empty when the trees agree.
 */
export function compareTrees(expected: Map<string, Uint8Array>, actualDir: string): string[] {
  const problems: string[] = [];
  const actual = listFiles(actualDir);
  for (const rel of actual) {
    const want = expected.get(rel);
    if (!want) {
      problems.push(`unexpected file ${rel}`);
      continue;
    }
    const got = new Uint8Array(readFileSync(join(actualDir, ...rel.split('/'))));
    const d = firstByteDifference(want, got);
    if (d !== null) problems.push(`${rel}: ${d}`);
  }
  for (const rel of expected.keys()) if (!actual.includes(rel)) problems.push(`missing file ${rel}`);
  return problems;
}

export function firstByteDifference(want: Uint8Array, got: Uint8Array): string | null {
  const n = Math.min(want.length, got.length);
  for (let i = 0; i < n; i++) {
    if (want[i] !== got[i]) {
      const from = Math.max(0, i - 4);
      return `byte ${i} differs (expected ${hexEncode(want.subarray(from, i + 8))}…, got ${hexEncode(got.subarray(from, i + 8))}… from byte ${from})${want.length !== got.length ? `; size ${got.length}, expected ${want.length}` : ''}`;
    }
  }
  if (want.length !== got.length) return `size ${got.length}, expected ${want.length} (identical up to byte ${n})`;
  return null;
}

/** Files under `dir/root` keyed by their path relative to `dir`, expectations left out. */
export function readTree(dir: string, root: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const base = join(dir, root);
  if (!existsSync(base)) return out;
  if (statSync(base).isFile()) {
    out.set(root, new Uint8Array(readFileSync(base)));
    return out;
  }
  for (const f of listFiles(base, isExpectFile)) {
    out.set(`${root}/${f}`, new Uint8Array(readFileSync(join(base, ...f.split('/')))));
  }
  return out;
}

export function toPosix(p: string): string {
  return p.split(sep).join('/');
}
