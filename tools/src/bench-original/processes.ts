/**
 * The two kinds of timed child process of a round: `original bench <workload>` and one logspec
 * driver (`child.ts`), each a fresh process, as `original bench all` runs its workloads.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Workload } from './sizes.js';
import type { DriverResult, PathName } from './spec.js';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = join(here, '..', '..', '..');

/** `original bench`'s result line. */
export interface OriginalResult {
  workload: string;
  n: number;
  seconds: number;
  per_sec: number;
  mb_per_sec: number | null;
  bytes: number | null;
  runs_s: number[];
  notes: string;
}

export type Outcome<T> = { ok: T } | { error: string };

export interface RunOptions {
  /** `--n` for both sides. */
  n?: number | undefined;
  /** Where the temp directories go (`--dir`). */
  dir: string;
  /** The driver writes the CPU profiles of its timed repetitions here. */
  profile?: string;
}

/** The last stdout line as JSON, or why there is none. */
function lastJson<T>(stdout: string, stderr: string, status: number | null, signal: string | null): Outcome<T> {
  const line = stdout.trim().split('\n').pop() ?? '';
  let parsed: (T & { error?: string }) | undefined;
  try {
    parsed = JSON.parse(line) as T & { error?: string };
  } catch {
    parsed = undefined;
  }
  if (parsed && status === 0 && parsed.error === undefined) return { ok: parsed };
  const why = parsed?.error ?? `exit ${status ?? signal}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`;
  return { error: why };
}

const MAX_BUFFER = 64 * 1024 * 1024;

export function runOriginal(bin: string, workload: Workload, opts: RunOptions): Outcome<OriginalResult> {
  const args = ['bench', workload, '--dir', opts.dir, ...(opts.n === undefined ? [] : ['--n', String(opts.n)])];
  const r = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: MAX_BUFFER });
  if (r.error) return { error: r.error.message };
  return lastJson<OriginalResult>(r.stdout, r.stderr, r.status, r.signal);
}

export function runDriver(workload: Workload, path: PathName, opts: RunOptions): Outcome<DriverResult> {
  const args = [
    '--expose-gc',
    '--import',
    'tsx',
    join(here, 'child.ts'),
    workload,
    path,
    '--dir',
    opts.dir,
    ...(opts.n === undefined ? [] : ['--n', String(opts.n)]),
    ...(opts.profile === undefined ? [] : ['--profile', opts.profile]),
  ];
  const r = spawnSync(process.execPath, args, { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: MAX_BUFFER });
  if (r.error) return { error: r.error.message };
  return lastJson<DriverResult>(r.stdout, r.stderr, r.status, r.signal);
}
