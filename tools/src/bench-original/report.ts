/**
 * Rounds → the table (`workload | original/s | logspec default/s | ratio | fast path/s |
 * ratio`, with the load) and the JSON lines appended to `bench-results/`. A ratio is the
 * original's seconds over logspec's in the same round (> 1: logspec is faster); the table shows
 * the median over the rounds, of the seconds and of the per-round ratios.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CheckResult } from './check.js';
import type { Machine } from './machine.js';
import { median } from './measure.js';
import type { OriginalResult, Outcome } from './processes.js';
import type { Workload } from './sizes.js';
import type { DriverResult, PathName } from './spec.js';

export interface Round {
  /** 1-minute load average before and after the round. */
  load: [number, number];
  original: Outcome<OriginalResult>;
  default: Outcome<DriverResult>;
  fast?: Outcome<DriverResult>;
}

export interface WorkloadRun {
  workload: Workload;
  apis: Partial<Record<PathName, string>>;
  check: CheckResult[];
  rounds: Round[];
}

export interface PathSummary {
  seconds: number | null;
  /** Median of the per-round ratios (original seconds / logspec seconds). */
  ratio: number | null;
  /** Each round's ratio (null where a side failed). */
  ratios: (number | null)[];
  error?: string;
}

export interface Summary {
  workload: Workload;
  original: number | null;
  originalError?: string;
  default: PathSummary;
  fast: PathSummary | null;
  load: [number, number];
}

const secondsOf = (o: Outcome<{ seconds: number }> | undefined): number | null =>
  o && 'ok' in o ? o.ok.seconds : null;
const errorOf = (o: Outcome<unknown> | undefined): string | undefined => (o && 'error' in o ? o.error : undefined);

function pathSummary(run: WorkloadRun, path: PathName): PathSummary {
  const ratios = run.rounds.map((r) => {
    const o = secondsOf(r.original);
    const l = secondsOf(r[path]);
    return o !== null && l !== null && l > 0 ? o / l : null;
  });
  const secs = run.rounds.map((r) => secondsOf(r[path])).filter((s): s is number => s !== null);
  const good = ratios.filter((x): x is number => x !== null);
  const error = run.rounds.map((r) => errorOf(r[path])).find((e) => e !== undefined);
  return {
    seconds: secs.length ? median(secs) : null,
    ratio: good.length ? median(good) : null,
    ratios,
    ...(error === undefined ? {} : { error }),
  };
}

export function summarize(run: WorkloadRun): Summary {
  const orig = run.rounds.map((r) => secondsOf(r.original)).filter((s): s is number => s !== null);
  const loads = run.rounds.flatMap((r) => r.load);
  const originalError = run.rounds.map((r) => errorOf(r.original)).find((e) => e !== undefined);
  return {
    workload: run.workload,
    original: orig.length ? median(orig) : null,
    ...(originalError === undefined ? {} : { originalError }),
    default: pathSummary(run, 'default'),
    fast: run.apis.fast === undefined ? null : pathSummary(run, 'fast'),
    load: [Math.min(...loads), Math.max(...loads)],
  };
}

export function formatSeconds(s: number | null): string {
  if (s === null) return '—';
  return s >= 10 ? s.toFixed(1) : s >= 1 ? s.toFixed(2) : s >= 0.01 ? s.toFixed(3) : s.toPrecision(2);
}

export function formatRatio(r: number | null): string {
  if (r === null) return '—';
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
}

function cell(p: PathSummary | null): [string, string] {
  if (p === null) return ['—', '—'];
  if (p.seconds === null) return [p.error ? 'failed' : '—', '—'];
  return [formatSeconds(p.seconds), formatRatio(p.ratio)];
}

/** The table, one row per workload, as Markdown. */
export function table(rows: readonly Summary[]): string[] {
  const out = [
    '| workload | original/s | logspec default/s | ratio | fast path/s | ratio | load (1 min) |',
    '|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    const [ds, dr] = cell(r.default);
    const [fs, fr] = cell(r.fast);
    const load = `${r.load[0].toFixed(1)}–${r.load[1].toFixed(1)}`;
    out.push(`| ${r.workload} | ${formatSeconds(r.original)} | ${ds} | ${dr} | ${fs} | ${fr} | ${load} |`);
  }
  return out;
}

/** Every round of every workload: how steady the ratios were, and the load each ran under. */
export function roundsTable(runs: readonly WorkloadRun[]): string[] {
  const out = [
    '| workload | round | load | original/s | default/s | ratio | fast/s | ratio |',
    '|---|---:|---|---:|---:|---:|---:|---:|',
  ];
  for (const run of runs) {
    const s = summarize(run);
    run.rounds.forEach((r, i) => {
      const o = secondsOf(r.original);
      const d = secondsOf(r.default);
      const f = secondsOf(r.fast);
      out.push(
        `| ${run.workload} | ${i + 1} | ${r.load[0].toFixed(1)}→${r.load[1].toFixed(1)} | ${formatSeconds(o)} | ${formatSeconds(d)} | ${formatRatio(s.default.ratios[i] ?? null)} | ${formatSeconds(f)} | ${formatRatio(s.fast?.ratios[i] ?? null)} |`,
      );
    });
  }
  return out;
}

/** `bench-results/original-<date>.jsonl` under the repo root (or `$LOGSPEC_BENCH_OUT`). */
export function resultsFile(repoRoot: string, date = new Date()): string {
  const dir = process.env.LOGSPEC_BENCH_OUT ? resolve(process.env.LOGSPEC_BENCH_OUT) : join(repoRoot, 'bench-results');
  return join(dir, `original-${date.toISOString().slice(0, 10)}.jsonl`);
}

/** Appends one line per workload: machine, check, every round (both sides' full result lines), summary. */
export function appendResults(file: string, machine: Machine, runs: readonly WorkloadRun[], at = new Date()): void {
  mkdirSync(resolve(file, '..'), { recursive: true });
  const lines = runs.map((run) =>
    JSON.stringify({ at: at.toISOString(), kind: 'bench-original', machine, ...run, summary: summarize(run) }),
  );
  appendFileSync(file, `${lines.join('\n')}\n`);
}
