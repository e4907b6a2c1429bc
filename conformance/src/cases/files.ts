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

/**
 * Copies `rel` (a file or a directory tree, expectations left out) from `fromDir` to `toDir`, and
 * creates the directories of `dirs` (paths relative to `fromDir`) that lie under `rel`: the empty
 * directories git cannot keep are part of a sample too. Returns false when nothing exists at
 * `rel` afterwards — a sample the suite lacks, which the caller must report as its own defect.
 */
export function copyTree(fromDir: string, toDir: string, rel: string, dirs: readonly string[] = []): boolean {
  for (const d of dirs) {
    if (d === rel || d.startsWith(`${rel}/`)) mkdirSync(join(toDir, ...d.split('/')), { recursive: true });
  }
  const src = join(fromDir, rel);
  if (!existsSync(src)) return existsSync(join(toDir, rel));
  if (statSync(src).isFile()) {
    mkdirSync(dirname(join(toDir, rel)), { recursive: true });
    copyFileSync(src, join(toDir, rel));
    return true;
  }
  mkdirSync(join(toDir, rel), { recursive: true });
  for (const f of listFiles(src, isExpectFile)) {
    const to = join(toDir, rel, ...f.split('/'));
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(join(src, ...f.split('/')), to);
  }
  return true;
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

/**
 * Directories of a sample: those `dirs` (relative to the producer) lists under `root` must exist
 * under `actualDir`, and no other directory may. Only checked when the producer lists its tree.
 */
export function compareDirs(dirs: readonly string[], root: string, actualDir: string): string[] {
  if (dirs.length === 0) return [];
  const want = new Set(dirs.filter((d) => d === root || d.startsWith(`${root}/`)));
  if (want.size === 0) return [];
  const got = new Set(listDirs(actualDir));
  return [
    ...[...want].filter((d) => !got.has(d)).map((d) => `missing directory ${d}`),
    ...[...got].filter((d) => !want.has(d)).map((d) => `unexpected directory ${d}`),
  ];
}

/** Every directory under `root` (not following links), as sorted `/`-separated relative paths. */
export function listDirs(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const ent of readdirSync(dir, { withFileTypes: true })) {
      if (!ent.isDirectory()) continue;
      const r = rel === '' ? ent.name : `${rel}/${ent.name}`;
      out.push(r);
      walk(join(dir, ent.name), r);
    }
  };
  if (existsSync(root) && statSync(root).isDirectory()) walk(root, '');
  return out.sort();
}
