/**
 * The benchmark harness behind every `*.bench.ts` (`@logspec/bench`).
 *
 * Each case is timed by its own copy of the timing loop, compiled with `new Function`:
 * V8 keys optimisation feedback on the function, so one loop shared by every case goes
 * megamorphic at its `fn()` call site and ran the later cases 1.5–2× slower here.
 * Figures are reported as a ratio to the suite's baseline, measured in the same run.
 */
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchCase {
  name: string;
  /** How many `unit`s one call of `fn` processes (records, bytes, …). */
  units: number;
  /** One operation; may be async (awaited each call). */
  fn: () => unknown;
}

export interface SuiteOptions {
  /** What `units` counts, e.g. `'records'` or `'bytes'`. */
  unit: string;
  baseline: BenchCase;
  cases: BenchCase[];
  setup?: () => void | Promise<void>;
  teardown?: () => void | Promise<void>;
  /** Measuring time per case in ms (default 1000 × `LOGSPEC_BENCH_TIME`). */
  timeMs?: number;
  /** Warm-up time per case in ms (default a fifth of `timeMs`). */
  warmupMs?: number;
  /** Rounds the measuring time is split into, visiting every case in turn (default 5). */
  rounds?: number;
  /** `false`: do not append to `bench-results/` (default: append). */
  record?: boolean;
  /** Where the table goes (default `console.log`); `null` prints nothing. */
  print?: ((line: string) => void) | null;
}

export interface CaseResult {
  name: string;
  baseline: boolean;
  units: number;
  /** Calls of `fn` per second (median over the samples). */
  opsPerSec: number;
  unitsPerSec: number;
  /** `unitsPerSec` divided by the baseline's (1 for the baseline). */
  ratio: number;
  /** Relative spread of the samples (standard deviation / mean, in %). */
  rsd: number;
  iterations: number;
  samples: number;
  async: boolean;
}

export interface SuiteResult {
  title: string;
  unit: string;
  results: CaseResult[];
}

type SyncLoop = (fn: () => unknown, n: number, sink: { v: unknown }) => number;
type AsyncLoop = (fn: () => unknown, n: number, sink: { v: unknown }) => Promise<number>;

// The loop bodies; each case gets a freshly compiled copy (see the module comment).
const SYNC_BODY = `
  let v;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) v = fn();
  const t1 = performance.now();
  sink.v = v;
  return t1 - t0;`;
const ASYNC_BODY = `
  return (async () => {
    let v;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) v = await fn();
    const t1 = performance.now();
    sink.v = v;
    return t1 - t0;
  })();`;

function compileSyncLoop(): SyncLoop {
  return new Function('fn', 'n', 'sink', SYNC_BODY) as SyncLoop;
}
function compileAsyncLoop(): AsyncLoop {
  return new Function('fn', 'n', 'sink', ASYNC_BODY) as AsyncLoop;
}

/**
 * `() => fn(...args)` as a freshly compiled function: use it to build many cases from one
 * helper without them sharing a closure (and its JIT feedback).
 */
export function freshCall<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): () => R {
  const names = args.map((_, i) => `a${i}`);
  return new Function('fn', ...names, `return () => fn(${names.join(', ')});`)(fn, ...args) as () => R;
}

/** `LOGSPEC_BENCH_TIME` scales every case's time budget (e.g. 0.2 for a quick look). */
export function benchTimeScale(): number {
  const s = Number(process.env.LOGSPEC_BENCH_TIME ?? 1);
  return Number.isFinite(s) && s > 0 ? s : 1;
}

/** Median duration of one batch we aim for: long enough to dwarf timer resolution. */
const TARGET_BATCH_MS = 25;

export interface Measured {
  opsPerSec: number;
  rsd: number;
  iterations: number;
  samples: number;
  async: boolean;
}

/** A case with its own compiled loop, calibrated and warmed up, collecting samples. */
interface Prepared {
  run: (n: number) => Promise<number> | number;
  n: number;
  async: boolean;
  rates: number[];
  iterations: number;
}

/** Compiles the case's loop, sizes its batch to about TARGET_BATCH_MS, and warms it up. */
async function prepare(c: BenchCase, warmupMs: number): Promise<Prepared> {
  const sink = { v: undefined as unknown };
  const first = c.fn();
  const isAsync = typeof (first as PromiseLike<unknown> | undefined)?.then === 'function';
  if (isAsync) await first;
  const loop = isAsync ? compileAsyncLoop() : compileSyncLoop();
  const run = (n: number): Promise<number> | number => loop(c.fn, n, sink);
  let n = 1;
  const warmEnd = performance.now() + warmupMs;
  let last = await run(n);
  while (last < TARGET_BATCH_MS && n < 2 ** 30) {
    n = last <= 0 ? n * 8 : Math.max(n + 1, Math.min(n * 8, Math.ceil((n * TARGET_BATCH_MS) / last)));
    last = await run(n);
  }
  while (performance.now() < warmEnd) await run(n);
  return { run, n, async: isAsync, rates: [], iterations: 0 };
}

/** Runs batches for about `budgetMs` (at least one). */
async function sample(p: Prepared, budgetMs: number): Promise<void> {
  let spent = 0;
  do {
    const ms = await p.run(p.n);
    spent += ms;
    p.iterations += p.n;
    p.rates.push((p.n * 1000) / Math.max(ms, 1e-6));
  } while (spent < budgetMs);
}

function finish(p: Prepared): Measured {
  const rates = [...p.rates].sort((a, b) => a - b);
  const mid = rates.length >> 1;
  const median = rates.length % 2 ? (rates[mid] as number) : ((rates[mid - 1] as number) + (rates[mid] as number)) / 2;
  const mean = rates.reduce((s, r) => s + r, 0) / rates.length;
  const sd = Math.sqrt(rates.reduce((s, r) => s + (r - mean) ** 2, 0) / rates.length);
  return { opsPerSec: median, rsd: (100 * sd) / mean, iterations: p.iterations, samples: rates.length, async: p.async };
}

/**
 * Times cases against each other: each is compiled, calibrated and warmed up, then the
 * measuring time is split into `rounds` rounds that visit every case in turn, so a change
 * in machine load (other processes, thermal) hits all cases alike instead of whichever ran
 * last. The figure is the median batch rate.
 */
export async function measureAll(
  cases: readonly BenchCase[],
  timeMs: number,
  warmupMs: number,
  rounds = 5,
): Promise<Measured[]> {
  const prepared: Prepared[] = [];
  for (const c of cases) prepared.push(await prepare(c, warmupMs));
  for (let r = 0; r < rounds; r++) {
    for (const p of prepared) {
      (globalThis as { gc?: () => void }).gc?.();
      await sample(p, timeMs / rounds);
    }
  }
  return prepared.map(finish);
}

/** Times one case (see `measureAll`). */
export async function measure(c: BenchCase, timeMs: number, warmupMs: number, rounds = 5): Promise<Measured> {
  return (await measureAll([c], timeMs, warmupMs, rounds))[0] as Measured;
}

/** `1234567` → `1.23 M`; used for ops/s and units/s. */
export function formatRate(v: number): string {
  const abs = Math.abs(v);
  const [d, s] = abs >= 1e9 ? [1e9, ' G'] : abs >= 1e6 ? [1e6, ' M'] : abs >= 1e3 ? [1e3, ' k'] : [1, ' '];
  const x = v / d;
  return `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)}${s}`.trimEnd();
}

export function formatRatio(r: number): string {
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
}

export function table(title: string, unit: string, rows: CaseResult[]): string[] {
  const head = ['case', 'ops/s', `${unit}/s`, 'vs baseline', '±'];
  const body = rows.map((r) => [
    r.baseline ? `${r.name} (baseline)` : r.name,
    formatRate(r.opsPerSec),
    `${formatRate(r.unitsPerSec)}/s`,
    formatRatio(r.ratio),
    `${r.rsd.toFixed(1)}%`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [`\n## ${title}`, line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
}

function repoRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'pnpm-workspace.yaml'))) {
    const up = dirname(d);
    if (up === d) return process.cwd();
    d = up;
  }
  return d;
}

/** `bench-results/<YYYY-MM-DD>.jsonl` under the repo root (or `LOGSPEC_BENCH_OUT`, a directory). */
export function resultsFile(date = new Date()): string {
  const dir = process.env.LOGSPEC_BENCH_OUT
    ? resolve(process.env.LOGSPEC_BENCH_OUT)
    : join(repoRoot(), 'bench-results');
  return join(dir, `${date.toISOString().slice(0, 10)}.jsonl`);
}

export type Measurement = Measured & { name: string; units: number };

/** Turns measurements (baseline first) into results with units/s and the ratio to the baseline. */
export function summarize(measured: readonly Measurement[]): CaseResult[] {
  const base = measured[0];
  if (!base) return [];
  const baseUnitsPerSec = base.opsPerSec * base.units;
  return measured.map((m, i) => ({
    name: m.name,
    baseline: i === 0,
    units: m.units,
    opsPerSec: m.opsPerSec,
    unitsPerSec: m.opsPerSec * m.units,
    ratio: (m.opsPerSec * m.units) / baseUnitsPerSec,
    rsd: m.rsd,
    iterations: m.iterations,
    samples: m.samples,
    async: m.async,
  }));
}

/**
 * Runs a suite: `setup`, the baseline, then every case, then `teardown`; prints the table
 * and appends one JSON line per case to `bench-results/<date>.jsonl`.
 */
export async function suite(title: string, opts: SuiteOptions): Promise<SuiteResult> {
  const scale = benchTimeScale();
  const timeMs = opts.timeMs ?? 1000 * scale;
  const warmupMs = opts.warmupMs ?? timeMs / 5;
  const print = opts.print === undefined ? (l: string) => console.log(l) : opts.print;
  const all = [opts.baseline, ...opts.cases];
  for (const c of all) {
    if (!(c.units > 0)) throw new Error(`bench case "${c.name}": units must be > 0`);
  }
  await opts.setup?.();
  let measured: Measured[];
  try {
    measured = await measureAll(all, timeMs, warmupMs, opts.rounds ?? 5);
  } finally {
    await opts.teardown?.();
  }
  const results = summarize(measured.map((m, i) => ({ ...m, name: all[i]?.name ?? '', units: all[i]?.units ?? 1 })));
  if (print) for (const l of table(title, opts.unit, results)) print(l);
  if (opts.record !== false) {
    const file = resultsFile();
    mkdirSync(dirname(file), { recursive: true });
    const at = new Date().toISOString();
    const lines = results.map((r) =>
      JSON.stringify({
        at,
        suite: title,
        unit: opts.unit,
        ...r,
        node: process.version,
        file: process.argv[1] ?? null,
        timeScale: scale,
      }),
    );
    appendFileSync(file, `${lines.join('\n')}\n`);
  }
  return { title, unit: opts.unit, results };
}
