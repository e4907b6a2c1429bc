/**
 * Runs one path of one workload's driver in this process, timed as `original bench` times its
 * workload (see `measure.ts`), and turns it into a result line.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { NodeFs } from '@logspec/core/node';
import { realClock } from './clock.js';
import { type Measured, measure, type Profiler } from './measure.js';
import type { Sizes } from './sizes.js';
import type { Clock, Ctx, DriverResult, PathName, WorkloadSpec } from './spec.js';

/** A context whose fresh directories live under a new temp directory in `parent`. */
export function makeCtx(parent: string, sizes: Sizes, clock: Clock = realClock()): { ctx: Ctx; root: string } {
  const root = mkdtempSync(join(parent, 'logspec-bench-'));
  let counter = 0;
  const ctx: Ctx = {
    fs: new NodeFs(),
    sizes,
    clock,
    fresh(tag) {
      counter++;
      const d = join(root, `${tag}-${String(counter).padStart(4, '0')}`);
      mkdirSync(d, { recursive: true });
      return d;
    },
  };
  return { ctx, root };
}

function round(v: number, digits: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  return Number(v.toPrecision(digits));
}

export async function runPath(
  spec: WorkloadSpec,
  path: PathName,
  ctx: Ctx,
  profiler?: Profiler,
): Promise<DriverResult> {
  const p = spec[path];
  if (!p) throw new Error(`${spec.workload} has no ${path} path`);
  let m: Measured;
  if (spec.kind === 'writer') {
    m = await measure(ctx.sizes.reps, {
      setup: () => spec.open(ctx, ctx.fresh(spec.workload), path),
      body: (s) => p.body(s),
      ...(profiler ? { profiler } : {}),
      teardown(s, _out, rep) {
        spec.close(s);
        if (rep === 0) spec.verify(s, ctx);
        rmSync(spec.dir(s), { recursive: true, force: true });
      },
    });
  } else {
    const s = spec.open(ctx, ctx.fresh(spec.workload));
    try {
      m = await measure(ctx.sizes.reps, {
        setup: () => s,
        body: (st) => p.body(st),
        ...(profiler ? { profiler } : {}),
        teardown(_st, out, rep) {
          if (rep === 0) spec.verify(s, path, out);
          spec.drop?.(out);
        },
      });
    } finally {
      spec.close(s);
      rmSync(spec.dir(s), { recursive: true, force: true });
    }
  }
  const { work, seconds, runs } = m;
  return {
    workload: spec.workload,
    path,
    api: p.api,
    n: work.n,
    bytes: work.bytes,
    seconds: round(seconds, 6),
    per_sec: round(work.n / seconds, 6),
    mb_per_sec: work.bytes === null ? null : round(work.bytes / seconds / 1e6, 5),
    runs_s: runs.map((r) => round(r, 6)),
    notes: spec.notes,
  };
}
