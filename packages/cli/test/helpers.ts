import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReferenceCorpusEntry } from '@logspec/core/testing';
import { build } from 'esbuild';

/** The package directory and the in-repo golden corpus. */
export const PKG = fileURLToPath(new URL('..', import.meta.url));
export const GOLDEN = join(PKG, '..', '..', 'conformance', 'golden');

export const RING = join(GOLDEN, 'ring', 'original-vyre-runtime-0.6.1');
export const WAL = join(GOLDEN, 'wal', 'original-xerv');
export const HOTFRAME = join(GOLDEN, 'hotframe', 'original-kaizen');
export const HOTLOG = join(GOLDEN, 'hotlog', 'original-kaizen-rkyv-0.8.16');
export const SEGMENT = join(GOLDEN, 'segment', 'original-rivven-core-0.0.10');
export const SESSION = join(GOLDEN, 'session', 'original-pi_agent_rust-0.1.11');

const scratch: string[] = [];

export function tempDir(prefix = 'logspec-cli-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(d);
  return d;
}

export function cleanup(): void {
  for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true });
}

/**
 * Builds the bin as it is published: `src/bin.ts` bundled (with the workspace packages it
 * imports) to `<tmp>/dist/bin.js`, `package.json` beside `dist/` as in the tarball.
 */
export async function buildBin(): Promise<string> {
  const root = tempDir('logspec-cli-bin-');
  mkdirSync(join(root, 'dist'));
  copyFileSync(join(PKG, 'package.json'), join(root, 'package.json'));
  const out = join(root, 'dist', 'bin.js');
  await build({
    entryPoints: [join(PKG, 'src', 'bin.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    logLevel: 'error',
  });
  return out;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built bin as a subprocess (stdin closed, stdout/stderr pipes: not a terminal). */
export function run(bin: string, args: readonly string[], env: Record<string, string> = {}): RunResult {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    cwd: PKG,
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `run` with `--json` output parsed. */
export function runJson<T = Record<string, unknown>>(
  bin: string,
  args: readonly string[],
): { code: number | null; value: T; stderr: string } {
  const r = run(bin, args);
  let value: T;
  try {
    value = JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\nstderr: ${r.stderr}`);
  }
  return { code: r.code, value, stderr: r.stderr };
}

/** JSON lines of stdout. */
export function lines(stdout: string): unknown[] {
  return stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as unknown);
}

/** Copies a sample (file or directory) into a fresh temp dir; returns the copy's path. */
export function copySample(src: string, name = src.split('/').at(-1) as string): string {
  const d = tempDir();
  const dest = join(d, name);
  cpSync(src, dest, { recursive: true });
  return dest;
}

/** Every file under `root` with its SHA-256, for "nothing changed" checks. */
export function treeHash(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const n of readdirSync(p)) walk(join(p, n));
    } else {
      out[relative(root, p) || '.'] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(root);
  return out;
}

export function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** The entries of a reference corpus directory's `corpus.json`. */
export function corpusOf(dir: string): ReferenceCorpusEntry[] {
  return readJson<{ entries: ReferenceCorpusEntry[] }>(join(dir, 'corpus.json')).entries;
}

/** Spawns the bin without waiting (for `tail -f`). */
export function start(bin: string, args: readonly string[]) {
  return spawn(process.execPath, [bin, ...args], { cwd: PKG, stdio: ['ignore', 'pipe', 'pipe'] });
}
