import { SimulatedCrash } from './crash-schedule.js';
import { mixSeed } from './rng.js';
import { CRASH_MODES, type CrashMode } from './sim-file.js';
import { SimFs } from './sim-fs.js';

export interface CrashPointContext<A> {
  /** Mutating calls that completed before the crash (0 = before the workload's first one). */
  point: number;
  mode: CrashMode;
  /** The seed given to `crash(mode, seed)`: rerun one case with `points: (p) => p === point`. */
  seed: number;
  /** The call that never happened (`'end'` for the point after the workload finished). */
  op: string;
  /** Every value passed to `attempt` before the crash: nothing else may appear after it. */
  attempted: readonly A[];
}

export interface CrashPointOptions<A> {
  /** Builds the starting state; everything it leaves is made durable and is not a crash point. */
  setup?: (fs: SimFs) => void | Promise<void>;
  /**
   * The operations under test. Call `ack(v)` once the store has reported `v` durable and
   * `attempt(v)` before starting to write `v`. Must be deterministic for `strategy: 'rerun'`.
   */
  workload: (fs: SimFs, ack: (value: A) => void, attempt: (value: A) => void) => void | Promise<void>;
  /** Runs on each post-crash state (its own SimFs); throw (or fail an expect) to report a bug. */
  check: (fs: SimFs, acked: readonly A[], ctx: CrashPointContext<A>) => void | Promise<void>;
  /** Default: all of `CRASH_MODES`. */
  modes?: readonly CrashMode[];
  seed?: number;
  /**
   * `'snapshot'` (default) runs the workload once and clones the state before every mutating
   * call; `'rerun'` runs it again for every point with `crashAfter` set, so the crash really
   * interrupts the workload. Both give the same post-crash states for a deterministic workload.
   */
  strategy?: 'snapshot' | 'rerun';
  /** Restricts which points are checked (to reproduce one failure). */
  points?: (point: number) => boolean;
}

export interface CrashPointReport {
  /** Crash points found: the workload's mutating calls plus the point after its end. */
  points: number;
  /** `check` calls made (points × modes, less any filtered out). */
  checks: number;
}

/** A check failed at a crash point; the message says how to reproduce it. */
export class CrashPointFailure extends Error {
  override readonly name = 'CrashPointFailure';
  constructor(
    readonly context: CrashPointContext<unknown>,
    cause: unknown,
  ) {
    super(
      `crash point ${context.point} (before ${context.op}), mode ${context.mode}, crash seed ${context.seed}: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
  }
}

/**
 * Crashes a workload at every mutating call (write, append, truncate, fsync, fdatasync,
 * open with create/truncate, rename, unlink, mkdir, rmdir, fsyncDir) and after its end,
 * under every crash mode, and runs `check` on each post-crash state with the values that
 * had been acknowledged as durable by then.
 */
export async function forEachCrashPoint<A>(opts: CrashPointOptions<A>): Promise<CrashPointReport> {
  return (opts.strategy ?? 'snapshot') === 'snapshot' ? bySnapshot(opts) : byRerun(opts);
}

async function fresh<A>(opts: CrashPointOptions<A>): Promise<{ fs: SimFs; base: number }> {
  const fs = new SimFs();
  await opts.setup?.(fs);
  fs.syncAll();
  return { fs, base: fs.mutations };
}

function isThenable(v: unknown): v is PromiseLike<void> {
  return typeof (v as PromiseLike<void> | undefined)?.then === 'function';
}

async function bySnapshot<A>(opts: CrashPointOptions<A>): Promise<CrashPointReport> {
  const modes = opts.modes ?? CRASH_MODES;
  const seed = opts.seed ?? 0;
  const { fs, base } = await fresh(opts);
  const acked: A[] = [];
  const attempted: A[] = [];
  const pending: Promise<void>[] = [];
  let failure: CrashPointFailure | undefined;
  let checks = 0;

  const checkAll = (point: number, op: string): void => {
    if (opts.points && !opts.points(point)) return;
    const ackedNow = acked.slice();
    const attemptedNow = attempted.slice();
    for (let m = 0; m < modes.length && !failure; m++) {
      const mode = modes[m] as CrashMode;
      const ctx: CrashPointContext<A> = { point, mode, seed: mixSeed(seed, point, m), op, attempted: attemptedNow };
      checks++;
      try {
        const r = opts.check(fs.clone().crash(mode, ctx.seed), ackedNow, ctx);
        if (isThenable(r)) {
          pending.push(
            Promise.resolve(r).then(undefined, (e: unknown) => {
              failure ??= new CrashPointFailure(ctx, e);
            }),
          );
        }
      } catch (e) {
        failure ??= new CrashPointFailure(ctx, e);
      }
    }
  };

  fs.onMutation = (index, op, path) => {
    checkAll(index - base, `${op} ${path}`);
    // Stop the workload on the first failure: every later call throws SimulatedCrash.
    if (failure) fs.kill();
  };
  try {
    await opts.workload(
      fs,
      (v) => acked.push(v),
      (v) => attempted.push(v),
    );
  } catch (e) {
    if (!(failure && fs.dead)) throw e;
  }
  fs.onMutation = undefined;
  if (!failure) checkAll(fs.mutations - base, 'end');
  await Promise.all(pending);
  if (failure) throw failure;
  return { points: fs.mutations - base + 1, checks };
}

async function byRerun<A>(opts: CrashPointOptions<A>): Promise<CrashPointReport> {
  const modes = opts.modes ?? CRASH_MODES;
  const seed = opts.seed ?? 0;
  const counting = await fresh(opts);
  await opts.workload(
    counting.fs,
    () => {},
    () => {},
  );
  const total = counting.fs.mutations - counting.base;
  let checks = 0;
  for (let point = 0; point <= total; point++) {
    if (opts.points && !opts.points(point)) continue;
    const { fs, base } = await fresh(opts);
    if (point < total) fs.crashAfter = base + point;
    const acked: A[] = [];
    const attempted: A[] = [];
    let op = 'end';
    try {
      await opts.workload(
        fs,
        (v) => acked.push(v),
        (v) => attempted.push(v),
      );
    } catch (e) {
      if (!fs.dead) throw e;
    }
    if (fs.dead) {
      op = fs.crashedAt ?? `mutating call #${point}`;
    } else if (point < total) {
      throw new Error(
        `workload is not deterministic: it made ${fs.mutations - base} mutating calls, expected ${total}`,
      );
    }
    for (let m = 0; m < modes.length; m++) {
      const mode = modes[m] as CrashMode;
      const ctx: CrashPointContext<A> = {
        point,
        mode,
        seed: mixSeed(seed, point, m),
        op,
        attempted: attempted.slice(),
      };
      checks++;
      try {
        await opts.check(fs.clone().crash(mode, ctx.seed), acked.slice(), ctx);
      } catch (e) {
        throw new CrashPointFailure(ctx, e);
      }
    }
  }
  return { points: total + 1, checks };
}

export { SimulatedCrash };
