/**
 * fast-check driving the suite's property cases (unit properties and differential ones): one
 * seed per case unless told otherwise, so a run repeats and a failure can be pinned and
 * replayed; a failure names the seed and the path that replay its shrunk counterexample.
 */
import fc from 'fast-check';
import { show } from '../json/compare.js';
import { type CaseContext, failed, type Verdict } from './case.js';

class PropertyFailure extends Error {}

/** Runs a fast-check property against the subject; a failure names the seed and path that replay it. */
export async function check<T>(
  ctx: CaseContext,
  caseId: string,
  arb: fc.Arbitrary<T>,
  examples: T[],
  predicate: (t: T) => Promise<string | null>,
  runs = ctx.fc.numRuns,
  render: (t: T) => unknown = (t) => t,
): Promise<Verdict> {
  const params: fc.Parameters<[T]> = {
    numRuns: runs,
    examples: examples.map((e) => [e] as [T]),
    interruptAfterTimeLimit: 60_000,
  };
  const seed = seedFor(ctx.fc, caseId);
  if (seed !== undefined) params.seed = seed;
  if (ctx.fc.path !== undefined && (ctx.fc.pathCase === undefined || ctx.fc.pathCase === caseId))
    params.path = ctx.fc.path;
  let details: fc.RunDetails<[T]>;
  try {
    details = await fc.check(
      fc.asyncProperty(arb, async (t) => {
        const m = await predicate(t);
        if (m !== null) throw new PropertyFailure(m);
      }),
      params,
    );
  } catch (e) {
    return failed(`fast-check could not run (${String(e)}); a replay path only fits the case it was printed for`);
  }
  if (!details.failed) return { status: 'passed', note: `${details.numRuns} runs, seed ${details.seed}` };
  const err = details.errorInstance;
  const why = err instanceof PropertyFailure ? err.message : `property threw: ${String(err)}`;
  return failed(
    `${why}; counterexample ${show(details.counterexample ? render(details.counterexample[0]) : undefined, 400)}; replay with LOGSPEC_FC_SEED=${details.seed} LOGSPEC_FC_PATH=${details.counterexamplePath ?? ''} LOGSPEC_FC_CASE=${caseId} (or --case ${caseId} --fc-seed ${details.seed} --fc-path ${details.counterexamplePath ?? ''})`,
  );
}

/**
 * The seed a property case runs with: the one given, none (fast-check's random) for `random`,
 * else one derived from the case id, so a run repeats exactly and a failure list can pin it.
 */
export function seedFor(fc: CaseContext['fc'], caseId: string): number | undefined {
  if (fc.seed === 'random') return undefined;
  if (fc.seed !== undefined) return fc.seed;
  let h = 0x811c9dc5;
  for (let i = 0; i < caseId.length; i++) h = Math.imul(h ^ caseId.charCodeAt(i), 0x01000193);
  return h | 0;
}
