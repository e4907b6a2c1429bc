import { describe, expect, test } from 'vitest';
import { caseOutcomes, judge, ReportError, tally } from '../src/mutants/kills.js';
import { type MutantResult, renderSummary, summarize } from '../src/mutants/summary.js';

/** A report as `conformance --json-report` writes it, reduced to what kill counting reads. */
function report(cases: [string, string, string?][]) {
  return {
    schema: 'logspec-conformance-report/1',
    ok: false,
    failureList: null,
    subjects: [
      {
        subject: 'adapter: original serve',
        implementation: 'original',
        version: '0.1.0',
        capabilities: {},
        formats: {},
        totals: { passed: 0, failed: 0, skipped: 0, expectedFailures: 0 },
        staleEntries: [],
        cases: cases.map(([id, status, message]) => ({
          id,
          format: 'ring',
          source: 'golden',
          verb: 'read',
          requirements: [],
          status,
          ms: 1,
          ...(message === undefined ? {} : { message }),
        })),
      },
    ],
    totals: { passed: 0, failed: 0, skipped: 0, expectedFailures: 0 },
  };
}

const baseline = caseOutcomes(
  report([
    ['ring.read.a', 'passed'],
    ['ring.read.b', 'passed'],
    ['ring.write.c', 'passed'],
    ['ring.vector.d', 'failed', 'error code: expected RING_ZERO_CAPACITY, got "zero_capacity"'],
    ['ring.vector.e', 'skipped'],
  ]),
);

describe('kill counting', () => {
  test('a mutant whose cases all pass where the baseline passed survives', () => {
    const m = caseOutcomes(
      report([
        ['ring.read.a', 'passed'],
        ['ring.read.b', 'passed'],
        ['ring.write.c', 'passed'],
        ['ring.vector.d', 'failed'],
        ['ring.vector.e', 'skipped'],
      ]),
    );
    expect(judge(baseline, m)).toEqual({ killed: false, kills: [], vanished: [], compared: 3 });
  });

  test('a baseline pass that fails or errors on the mutant kills it, with the case and its message', () => {
    const m = caseOutcomes(
      report([
        ['ring.read.a', 'failed', '$.cursor: expected "1", got "9"'],
        ['ring.read.b', 'passed'],
        ['ring.write.c', 'errored', 'adapter was killed by SIGSEGV while answering'],
        ['ring.vector.d', 'failed'],
        ['ring.vector.e', 'skipped'],
      ]),
    );
    expect(judge(baseline, m)).toEqual({
      killed: true,
      kills: [
        { id: 'ring.read.a', status: 'failed', message: '$.cursor: expected "1", got "9"' },
        { id: 'ring.write.c', status: 'errored', message: 'adapter was killed by SIGSEGV while answering' },
      ],
      vanished: [],
      compared: 3,
    });
  });

  test('cases that already failed or were skipped on the baseline never kill; a vanished case is reported, not counted', () => {
    const m = caseOutcomes(
      report([
        ['ring.read.a', 'passed'],
        ['ring.write.c', 'skipped'],
        ['ring.vector.d', 'errored'],
        ['ring.vector.e', 'failed'],
      ]),
    );
    expect(judge(baseline, m)).toEqual({ killed: false, kills: [], vanished: ['ring.read.b'], compared: 3 });
  });

  test('only a conformance report is accepted', () => {
    expect(() => caseOutcomes({ totals: {} })).toThrow(ReportError);
    expect(() => caseOutcomes({ subjects: [{}] })).toThrow(/without cases/);
    expect(() => caseOutcomes({ subjects: [{ cases: [{ id: 1, status: 'passed' }] }] })).toThrow(/string id/);
  });

  test('the kill rate is killed / (killed + survived); mutants not judged are counted apart', () => {
    const t = tally([
      { format: 'ring', status: 'killed' },
      { format: 'ring', status: 'killed' },
      { format: 'ring', status: 'killed' },
      { format: 'ring', status: 'survived' },
      { format: 'ring', status: 'build-failed' },
      { format: 'wal', status: 'equivalent-binary' },
    ]);
    expect(t).toEqual({
      ring: { mutants: 5, killed: 3, survived: 1, other: 1, killRate: 0.75 },
      wal: { mutants: 1, killed: 0, survived: 0, other: 1, killRate: null },
    });
  });
});

describe('the summary', () => {
  const result = (id: string, status: MutantResult['status'], extra: Partial<MutantResult> = {}): MutantResult => ({
    id,
    format: id.split('-')[0] as string,
    requirement: 'RING-R-005',
    bug: `bug of ${id}`,
    status,
    kills: status === 'killed' ? [{ id: 'ring.read.a', status: 'failed' }] : [],
    buildSeconds: 30,
    suiteSeconds: 2,
    ...extra,
  });
  const s = summarize(
    [
      result('ring-01-a', 'killed'),
      result('ring-02-b', 'survived', {
        witness: {
          file: 'tools/mutants/witnesses/ring-02.json',
          differs: true,
          difference: 'file r.vrrl: bytes differ at offset 82',
        },
      }),
      result('ring-03-c', 'build-failed', { problem: 'error[E0308]: mismatched types\n…' }),
      result('wal-01-d', 'survived'),
    ],
    { ring: { seconds: 5, counts: { passed: 44 } } },
    { startedAt: 't0', finishedAt: 't1', suiteArgs: ['--fc-seed', '1'] },
  );

  test('totals and per-format tallies', () => {
    expect(s.totals).toEqual({ mutants: 4, killed: 1, survived: 2, other: 1, killRate: 1 / 3 });
    expect(s.formats.ring?.killRate).toBe(0.5);
    expect(s.schema).toBe('logspec-mutants/1');
  });

  test('the text lists every survivor with its bug and witness verdict, and what was not judged', () => {
    const text = renderSummary(s);
    expect(text).toContain('ring          3       1         1      1       50 %');
    expect(text).toContain('wal           1       0         1      0        0 %');
    expect(text).toContain('  ring-02-b (RING-R-005): bug of ring-02-b');
    expect(text).toContain(
      '    witness tools/mutants/witnesses/ring-02.json: differs: file r.vrrl: bytes differ at offset 82',
    );
    expect(text).toContain('  wal-01-d (RING-R-005): bug of wal-01-d\n    (no witness)');
    expect(text).toContain('  ring-03-c: build-failed — error[E0308]: mismatched types');
    expect(text).toContain('mean time per mutant: build 30.0 s, suite 2.0 s');
  });
});
