import { afterAll, describe, expect, test } from 'vitest';
import type { Case, FcSettings, SuiteProfile } from './cases/case.js';
import { type CollectOptions, caseFilter, collectCases } from './cases/collect.js';
import { inProfile } from './cases/profiles.js';
import type { FormatName } from './protocol/types.js';
import { DEFAULT_TIMEOUT_MS, missingCapability, runCase } from './runner/run.js';
import type { Subject } from './subjects/subject.js';

export interface DefineConformanceOptions {
  /**
   * Formats to register. Given explicitly, a format the subject does not implement registers a
   * failing test (a package asking for its own format must have it). Default: every format the
   * suite has material for that the subject implements; the others are not registered.
   */
  formats?: FormatName[];
  /** Case id patterns (as `--case`). */
  cases?: string[];
  /** Case ids expected to fail (a failure-list's entries); such a case must fail, and its test then passes. */
  expectedFailures?: Iterable<string>;
  timeoutMs?: number;
  fcRuns?: number;
  /** `original`: only the cases of the original implementations' rules; default every case. */
  profile?: SuiteProfile;
  collect?: Omit<CollectOptions, 'formats' | 'filter'>;
}

/**
 * Registers every conformance case for `subject` as a vitest test (one `describe` per format).
 * Call it at the top level of a test file: `await defineConformance(new InProcessSubject())`.
 * The subject is started here (its capabilities decide what is registered) and stopped after the file.
 */
export async function defineConformance(subject: Subject, opts: DefineConformanceOptions = {}): Promise<void> {
  const hello = await subject.start();
  afterAll(() => subject.stop());
  const cases = (
    await collectCases({ ...opts.collect, formats: opts.formats, filter: caseFilter(opts.cases ?? []) })
  ).filter((c) => inProfile(c, opts.profile));
  const expected = new Set(opts.expectedFailures ?? []);
  const byFormat = new Map<FormatName, Case[]>();
  for (const c of cases) byFormat.set(c.format, [...(byFormat.get(c.format) ?? []), c]);
  const ctx = {
    subject,
    hello,
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    fc: {
      numRuns: opts.fcRuns ?? Number(process.env.LOGSPEC_FC_RUNS ?? 100),
      seed: fcSeedFromEnv(process.env.LOGSPEC_FC_SEED),
      path: process.env.LOGSPEC_FC_PATH || undefined,
      pathCase: process.env.LOGSPEC_FC_CASE || undefined,
    },
  };
  describe(`conformance: ${subject.name}`, () => {
    for (const format of opts.formats ?? [...byFormat.keys()]) {
      const fcases = byFormat.get(format) ?? [];
      if (hello.capabilities[format] === undefined) {
        if (opts.formats !== undefined) {
          test(`${format}: implemented by ${subject.name}`, () => {
            expect.fail(`${subject.name} does not implement ${format} (${fcases.length} cases)`);
          });
        }
        continue;
      }
      describe(format, () => {
        for (const c of fcases) {
          test(`${c.id} — ${c.title}`, async () => {
            const missing = missingCapability(c, hello);
            if (missing !== null && c.needs.length > 0) {
              // A verb the subject does not offer for a format it does implement: not conformant.
              expect.fail(`${missing}`);
            }
            const { verdict } = await runCase(c, ctx);
            if (expected.has(c.id)) {
              expect(verdict.status, `${c.id} is listed as an expected failure but ${verdict.status}`).not.toBe(
                'passed',
              );
              return;
            }
            if (verdict.status !== 'passed') {
              expect.fail(`${verdict.status}: ${'message' in verdict ? verdict.message : verdict.reason}`);
            }
          });
        }
      });
    }
  });
}

function fcSeedFromEnv(v: string | undefined): FcSettings['seed'] {
  if (v === undefined || v === '') return undefined;
  return v === 'random' ? 'random' : Number(v);
}
