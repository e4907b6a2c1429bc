import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Compile } from 'typebox/compile';
import { afterAll, describe, expect, test } from 'vitest';
import type { Case, Verdict } from '../src/cases/case.js';
import { parseCli } from '../src/cli/args.js';
import { runConformance } from '../src/cli/conformance.js';
import {
  applyFailureList,
  fixedFailureList,
  parseFailureList,
  renderFailureList,
  verdictPin,
} from '../src/runner/failure-list.js';
import type { CaseResult } from '../src/runner/run.js';
import { Report } from '../src/schemas/report.js';
import { BrokenSubject } from '../src/subjects/broken.js';
import { exampleRingAdapter } from './helpers.js';

const result = (id: string, verdict: Verdict): CaseResult => ({
  case: { id, format: id.split('.')[0] as Case['format'] } as Case,
  verdict,
  ms: 1,
});

describe('failure-list semantics (as protobuf conformance)', () => {
  const list = parseFailureList(
    [
      '# header',
      'ring.read.a  # known bug #12',
      'ring.read.b',
      '',
      'ring.read.gone',
      'wal.read.elsewhere',
      'ring.read.skipped',
    ].join('\n'),
  );
  const results = [
    result('ring.read.a', { status: 'failed', message: 'x' }),
    result('ring.read.b', { status: 'passed' }),
    result('ring.read.c', { status: 'errored', message: 'crash' }),
    result('ring.read.d', { status: 'passed' }),
    result('ring.read.skipped', { status: 'skipped', reason: 'not implemented: ring' }),
  ];

  test('parsing keeps ids, pins and reasons, drops comments and blank lines', () => {
    expect([...list.entries]).toEqual([
      ['ring.read.a', { pin: undefined, why: 'known bug #12' }],
      ['ring.read.b', { pin: undefined, why: undefined }],
      ['ring.read.gone', { pin: undefined, why: undefined }],
      ['wal.read.elsewhere', { pin: undefined, why: undefined }],
      ['ring.read.skipped', { pin: undefined, why: undefined }],
    ]);
    expect([...parseFailureList('ring.read.x = error:io  # why\nring.read.y=ok:0123456789ab').entries]).toEqual([
      ['ring.read.x', { pin: 'error:io', why: 'why' }],
      ['ring.read.y', { pin: 'ok:0123456789ab', why: undefined }],
    ]);
  });

  test('a pinned entry holds only while the case fails with the pinned answer', () => {
    const pinned = parseFailureList(['ring.read.a = error:io', 'ring.read.b = error:io', 'ring.read.c'].join('\n'));
    const { judged } = applyFailureList(
      [
        result('ring.read.a', { status: 'failed', message: 'x', pin: 'error:io' }),
        result('ring.read.b', { status: 'failed', message: 'x', pin: 'error:header_mismatch' }),
        result('ring.read.c', { status: 'failed', message: 'anything' }),
      ],
      pinned,
      new Set(['ring']),
    );
    expect(judged.map((j) => [j.result.case.id, j.status])).toEqual([
      ['ring.read.a', 'expected-failure'],
      ['ring.read.b', 'changed-failure'],
      ['ring.read.c', 'expected-failure'],
    ]);
    expect(judged[1]?.message).toContain('listed as failing with error:io, now fails with error:header_mismatch');
  });

  test('a failure without an answer pin is pinned by its message, temporary paths blanked', () => {
    const a = verdictPin({ status: 'failed', message: 'byte 3 differs in /tmp/logspec-conformance-AbC123/x.vrrl' });
    const b = verdictPin({ status: 'failed', message: 'byte 3 differs in /tmp/logspec-conformance-ZzZ999/x.vrrl' });
    const c = verdictPin({ status: 'failed', message: 'byte 4 differs in /tmp/logspec-conformance-ZzZ999/x.vrrl' });
    expect(a).toMatch(/^msg:[0-9a-f]{12}$/);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  test('listed failure → expected; listed pass → unexpected pass; unlisted failure stays a failure; unknown ids of run formats are stale', () => {
    const { judged, staleEntries } = applyFailureList(results, list, new Set(['ring']));
    expect(judged.map((j) => [j.result.case.id, j.status])).toEqual([
      ['ring.read.a', 'expected-failure'],
      ['ring.read.b', 'unexpected-pass'],
      ['ring.read.c', 'errored'],
      ['ring.read.d', 'passed'],
      ['ring.read.skipped', 'skipped'],
    ]);
    // wal was not run: its entry is neither judged nor stale.
    expect(staleEntries).toEqual(['ring.read.gone']);
  });

  test('--fix keeps exactly the failures, the reasons of surviving entries, and other formats untouched', () => {
    const fixed = fixedFailureList(list, [results], new Set(['ring']));
    expect([...fixed.entries]).toEqual([
      ['ring.read.a', { pin: verdictPin({ status: 'failed', message: 'x' }), why: 'known bug #12' }],
      ['ring.read.c', { pin: verdictPin({ status: 'errored', message: 'crash' }), why: undefined }],
      ['wal.read.elsewhere', { pin: undefined, why: undefined }],
    ]);
    expect(parseFailureList(renderFailureList(fixed)).entries).toEqual(fixed.entries);
  });
});

describe('failure lists end to end through the CLI runner (ring, example adapter)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logspec-failure-list-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const listFile = join(dir, 'failures.txt');
  const reportFile = join(dir, 'report.json');
  const checkReport = Compile(Report);

  async function run(args: string[], broken: boolean) {
    const lines: string[] = [];
    const opts = parseCli(
      // The reference samples (not the 64 MiB boundary ring): a quick run, repeated five times.
      [
        '--formats',
        'ring',
        '--case',
        'ring.read.original-vyre-runtime-0.6.1.',
        '--case',
        'ring.write.c*',
        '--json-report',
        reportFile,
        ...args,
      ],
      {},
    );
    const code = await runConformance(opts, { out: (l) => lines.push(l), err: () => {} }, () => [
      broken ? new BrokenSubject(exampleRingAdapter()) : exampleRingAdapter(),
    ]);
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    expect(checkReport.Check(report)).toBe(true);
    return { code, out: lines.join('\n'), last: lines[lines.length - 1] as string, report };
  }

  test('unlisted failures fail the run; --fix lists them; then they are expected; a fixed implementation makes the entries stale', async () => {
    const first = await run([], true);
    expect(first.code).toBe(1);
    expect(first.out).toContain('FAILED ring.write.cap4_two: cap4_two.vrrl: byte 287 differs');
    expect(first.last).toMatch(/^\d+ passed, [1-9]\d* failed, 0 skipped$/);
    const failing = first.report.subjects[0].cases
      .filter((c: { status: string }) => c.status === 'failed')
      .map((c: { id: string }) => c.id);

    expect(existsSync(listFile)).toBe(false);
    const fix = await run(['--failure-list', listFile, '--fix'], true);
    expect(fix.code).toBe(0);
    expect([...parseFailureList(readFileSync(listFile, 'utf8')).entries.keys()]).toEqual([...failing].sort());

    const listed = await run(['--failure-list', listFile], true);
    expect(listed.code).toBe(0);
    expect(listed.last).toBe(`${listed.report.totals.passed} passed, 0 failed, 0 skipped`);
    expect(listed.report.totals.expectedFailures).toBe(failing.length);
    expect(listed.out).toContain(`(${failing.length} expected failures)`);

    const fixedImpl = await run(['--failure-list', listFile], false);
    expect(fixedImpl.code).toBe(1);
    expect(fixedImpl.out).toContain('UNEXPECTED-PASS ring.write.cap4_two: passes but is listed in the failure list');
    expect(fixedImpl.last).toBe(`${fixedImpl.report.totals.passed} passed, ${failing.length} failed, 0 skipped`);

    const refix = await run(['--failure-list', listFile, '--fix'], false);
    expect(refix.code).toBe(0);
    expect(parseFailureList(readFileSync(listFile, 'utf8')).entries.size).toBe(0);
  });

  test('an entry naming no case of a run format fails the run; one of a format not run does not', async () => {
    writeFileSync(listFile, 'ring.read.original-vyre-runtime-0.6.1.no_such_sample\nwal.read.not-run-here\n');
    const r = await run(['--failure-list', listFile], false);
    expect(r.code).toBe(1);
    expect(r.out).toContain('STALE ring.read.original-vyre-runtime-0.6.1.no_such_sample');
    expect(r.out).not.toContain('STALE wal.');
    expect(r.report.subjects[0].staleEntries).toEqual(['ring.read.original-vyre-runtime-0.6.1.no_such_sample']);
  });

  test('a missing failure list is a usage error unless --fix creates it', async () => {
    const lines: string[] = [];
    const code = await runConformance(
      parseCli(['--failure-list', join(dir, 'absent.txt')], {}),
      { out: () => {}, err: (l) => lines.push(l) },
      () => [],
    );
    expect(code).toBe(2);
    expect(lines.join()).toContain('does not exist');
  });
});
