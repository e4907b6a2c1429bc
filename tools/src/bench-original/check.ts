/**
 * The check made before any driver is timed: each path writes its workload at a small size with
 * every "now" pinned, and the files must equal, byte for byte, what a reference writer makes of
 * the same recipe (`original serve` in `pnpm bench:original`, the conformance suite's in-process
 * writer in the tests; files only logspec writes, such as the segment's `.timeindex`, are left
 * out). The written data must then read back as the inputs were (writers), and each read path's
 * output must hold the records the data implies (readers).
 */
import { rmSync } from 'node:fs';
import type { Subject } from '@logspec/conformance';
import { FIXED_TIME, pinnedClock } from './clock.js';
import { compareTrees } from './files.js';
import { makeCtx } from './run.js';
import { checkSizes, type Sizes } from './sizes.js';
import { type Ctx, PATHS, type PathName, type WorkloadSpec } from './spec.js';

export interface CheckResult {
  workload: string;
  /** The path whose files or reads were checked. */
  path: PathName;
  ok: boolean;
  /** What was compared, or what differed. */
  detail: string;
}

const REFERENCE_TIMEOUT_MS = 120_000;

/** Has `reference` write `spec.recipe(state)` into a fresh directory and compares it with `dir`. */
async function compareWithReference(
  spec: WorkloadSpec,
  state: unknown,
  dir: string,
  ctx: Ctx,
  reference: Subject,
): Promise<string[]> {
  const refDir = ctx.fresh(`${spec.workload}-reference`);
  const ops = spec.recipe(state);
  const outcome = await reference.run(
    { verb: 'write', format: spec.format, dir: refDir, ops, fixedTime: FIXED_TIME },
    REFERENCE_TIMEOUT_MS,
  );
  if (!('ok' in outcome)) return [`reference writer answered ${JSON.stringify(outcome).slice(0, 300)}`];
  return compareTrees(dir, refDir, spec.logspecOnly);
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Checks every path of `spec` at `sizes` (default: the check sizes); never throws for a failed check. */
export async function checkWorkload(
  spec: WorkloadSpec,
  reference: Subject,
  parent: string,
  sizes: Sizes = checkSizes(),
): Promise<CheckResult[]> {
  const { ctx, root } = makeCtx(parent, sizes, pinnedClock());
  const results: CheckResult[] = [];
  const paths = PATHS.filter((p) => spec[p] !== undefined);
  try {
    if (spec.kind === 'writer') {
      for (const path of paths) {
        try {
          const dir = ctx.fresh(spec.workload);
          const s = spec.open(ctx, dir, path);
          const body = spec[path];
          await body?.body(s);
          spec.close(s);
          spec.verify(s, ctx);
          const diff = await compareWithReference(spec, s, dir, ctx, reference);
          results.push({
            workload: spec.workload,
            path,
            ok: diff.length === 0,
            detail: diff.length ? diff.join('; ') : 'files equal the reference writer’s, read back as written',
          });
        } catch (e) {
          results.push({ workload: spec.workload, path, ok: false, detail: message(e) });
        }
      }
      return results;
    }
    const dir = ctx.fresh(spec.workload);
    let s: unknown;
    try {
      s = spec.open(ctx, dir);
    } catch (e) {
      return paths.map((path) => ({ workload: spec.workload, path, ok: false, detail: `fixture: ${message(e)}` }));
    }
    const reads = new Map<PathName, string | undefined>();
    for (const path of paths) {
      try {
        const out = (await spec[path]?.body(s))?.out;
        spec.verify(s, path, out);
        spec.drop?.(out);
        reads.set(path, undefined);
      } catch (e) {
        reads.set(path, message(e));
      }
    }
    spec.close(s);
    let diff: string[];
    try {
      diff = await compareWithReference(spec, s, dir, ctx, reference);
    } catch (e) {
      diff = [message(e)];
    }
    for (const path of paths) {
      const readError = reads.get(path);
      const problems = [...(readError ? [readError] : []), ...diff.map((d) => `fixture: ${d}`)];
      results.push({
        workload: spec.workload,
        path,
        ok: problems.length === 0,
        detail: problems.length
          ? problems.join('; ')
          : 'fixture equals the reference writer’s; records read equal the inputs',
      });
    }
    return results;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
