import { describe, expect, test } from 'vitest';
import { listBuiltinFormats } from '../src/builtin/registry.js';
import { collectCases } from '../src/cases/collect.js';
import { runSubject } from '../src/runner/run.js';
import { BrokenSubject } from '../src/subjects/broken.js';
import { InProcessSubject } from '../src/subjects/in-process.js';
import { exampleRingAdapter, idsBrokenMustFail } from './helpers.js';

const opts = { timeoutMs: 10_000, fc: { numRuns: 5 } };
const failedIds = (results: Awaited<ReturnType<typeof runSubject>>['results']) =>
  new Set(results.filter((r) => r.verdict.status === 'failed').map((r) => r.case.id));

describe('a deliberately broken implementation fails exactly the cases that see the fault', () => {
  test('ring through the example adapter: flipped CRC/last bit in writes, dropped last record in reads', async () => {
    const cases = await collectCases({ formats: ['ring'], filter: (id) => /^ring\.(read|write)\./.test(id) });
    const good = await runSubject(exampleRingAdapter(), cases, opts);
    expect(good.results.every((r) => r.verdict.status === 'passed')).toBe(true);
    const bad = await runSubject(new BrokenSubject(exampleRingAdapter()), cases, opts);
    const failed = failedIds(bad.results);
    const ran = new Set(cases.map((c) => c.id));
    expect(failed).toEqual(new Set([...idsBrokenMustFail('ring')].filter((id) => ran.has(id))));
    // Spelled out, so the computation above cannot drift unnoticed:
    expect(failed).toContain('ring.write.cap4_two');
    expect(failed).toContain('ring.read.original-vyre-runtime-0.6.1.cap4_two');
    expect(failed).not.toContain('ring.read.original-vyre-runtime-0.6.1.empty'); // no record to drop
    expect(failed).not.toContain('ring.read.original-vyre-runtime-0.6.1.neg_bad_magic'); // an error stays an error
    const w = bad.results.find((r) => r.case.id === 'ring.write.cap4_two')?.verdict;
    expect(w).toMatchObject({ status: 'failed', message: expect.stringMatching(/^cap4_two\.vrrl: byte 287 differs/) });
    const r = bad.results.find((x) => x.case.id === 'ring.read.original-vyre-runtime-0.6.1.cap4_two')?.verdict;
    expect(r).toMatchObject({ status: 'failed', message: '$.records: expected 2 items, got 1' });
  });

  test.each(listBuiltinFormats())(
    'built-in %s in-process, broken the same way',
    async (format) => {
      const cases = (await collectCases({ formats: [format] })).filter((c) => c.source !== 'property');
      const bad = await runSubject(new BrokenSubject(new InProcessSubject()), cases, opts);
      expect(bad.results.filter((r) => r.verdict.status === 'errored').map((r) => r.case.id)).toEqual([]);
      expect(failedIds(bad.results)).toEqual(idsBrokenMustFail(format));
    },
    300_000,
  );
});
