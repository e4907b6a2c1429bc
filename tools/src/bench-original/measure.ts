/**
 * The timing loop of `original bench` (`measure` in its bench.rs): untimed setup, one untimed
 * warm-up, `reps` timed repetitions, the median. What a repetition returns is dropped after the
 * clock stops, and the heap is collected then (with `--expose-gc`), so a repetition does not pay
 * for the garbage of the one before it, as Rust frees it untimed.
 */
import type { BodyOut, Work } from './spec.js';

export interface Measured {
  work: Work;
  /** Median seconds of the timed repetitions. */
  seconds: number;
  runs: number[];
}

export interface MeasureSteps<S> {
  setup(rep: number): S | Promise<S>;
  body(s: S): BodyOut | Promise<BodyOut>;
  /** Untimed, after the clock stops; `rep` 0 is the warm-up. */
  teardown(s: S, out: unknown, rep: number): void | Promise<void>;
  /** Started just before and stopped just after each timed body (not the warm-up). */
  profiler?: Profiler;
}

export interface Profiler {
  start(): Promise<void>;
  stop(): Promise<void>;
}

const gc = (globalThis as { gc?: () => void }).gc;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export async function measure<S>(reps: number, steps: MeasureSteps<S>): Promise<Measured> {
  const warmState = await steps.setup(0);
  const warm = await steps.body(warmState);
  await steps.teardown(warmState, warm.out, 0);
  gc?.();
  const runs: number[] = [];
  const bytes: number[] = [];
  for (let rep = 1; rep <= reps; rep++) {
    const s = await steps.setup(rep);
    await steps.profiler?.start();
    const t0 = performance.now();
    const r = await steps.body(s);
    const dt = (performance.now() - t0) / 1000;
    await steps.profiler?.stop();
    await steps.teardown(s, r.out, rep);
    gc?.();
    // byte counts may differ a little (timestamps print 0/3/6/9 fraction digits), counts may not
    if (r.work.n !== warm.work.n || (r.work.bytes === null) !== (warm.work.bytes === null)) {
      throw new Error(`repetition ${rep} did different work (${JSON.stringify(r.work)}) than the warm-up`);
    }
    runs.push(dt);
    if (r.work.bytes !== null) bytes.push(r.work.bytes);
  }
  const mean = bytes.length ? Math.floor(bytes.reduce((a, b) => a + b, 0) / bytes.length) : null;
  return { work: { n: warm.work.n, bytes: warm.work.bytes === null ? null : mean }, seconds: median(runs), runs };
}
