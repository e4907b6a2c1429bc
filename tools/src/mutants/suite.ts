/**
 * Runs the conformance CLI (`conformance/src/cli/main.ts`) against a binary's `serve` adapter for
 * one format and reads back its JSON report. Flags the suite may or may not have yet
 * (`--profile`, `--fc-seed`) are passed only when its `--help` lists them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface SuiteOptions {
  repoRoot: string;
  /** Extra flags for every run, e.g. `['--profile', 'original', '--fc-seed', '1']`. */
  extraArgs: string[];
  timeoutMs: number;
}

export interface SuiteRun {
  ok: boolean;
  seconds: number;
  /** The parsed report, when the suite wrote one. */
  report?: unknown;
  /** Why there is no report (suite crashed, timed out, wrote nothing). */
  problem?: string;
}

export function cliMain(repoRoot: string): string {
  return join(repoRoot, 'conformance', 'src', 'cli', 'main.ts');
}

/** The flags `--help` mentions (`--profile`, `--fc-seed`, …). */
export function suiteFlags(repoRoot: string): Set<string> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', cliMain(repoRoot), '--help'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`conformance --help failed: ${r.stderr}`);
  return new Set([...r.stdout.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]));
}

/** A shell word for the adapter command line (`sh -c`). */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function runSuite(opts: SuiteOptions, binary: string, format: string, reportFile: string): Promise<SuiteRun> {
  rmSync(reportFile, { force: true });
  const args = [
    '--import',
    'tsx',
    cliMain(opts.repoRoot),
    '--adapter',
    `${shellQuote(binary)} serve`,
    '--formats',
    format,
    '--json-report',
    reportFile,
    ...opts.extraArgs,
  ];
  const t0 = performance.now();
  return new Promise((resolve) => {
    const p = spawn(process.execPath, args, {
      cwd: opts.repoRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    let err = '';
    p.stderr.setEncoding('utf8');
    p.stderr.on('data', (c: string) => {
      err = (err + c).slice(-4000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (p.pid !== undefined) process.kill(-p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, opts.timeoutMs);
    p.on('exit', (code) => {
      clearTimeout(timer);
      const seconds = (performance.now() - t0) / 1000;
      // exit 1 only means "some case failed": the report decides
      if (timedOut) return resolve({ ok: false, seconds, problem: `suite timed out after ${opts.timeoutMs} ms` });
      if (!existsSync(reportFile)) {
        return resolve({ ok: false, seconds, problem: `suite exited ${code} without a report: ${err.trim()}` });
      }
      try {
        resolve({ ok: true, seconds, report: JSON.parse(readFileSync(reportFile, 'utf8')) as unknown });
      } catch (e) {
        resolve({ ok: false, seconds, problem: `unreadable report: ${(e as Error).message}` });
      }
    });
  });
}
