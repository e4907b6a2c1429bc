import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { caseFilter, collectCases } from '../src/cases/collect.js';
import { loadCorpora } from '../src/cases/corpus.js';
import { compareTrees } from '../src/cases/files.js';
import { judgeRead } from '../src/cases/golden.js';
import { judgeVector } from '../src/cases/vectors.js';
import { firstDifference, judgeError } from '../src/json/compare.js';
import { FORMATS } from '../src/protocol/types.js';

describe('comparison rules', () => {
  test('values compare as parsed JSON: key order is free, everything else is not', () => {
    expect(firstDifference({ a: 1, b: [1, '2'] }, { b: [1, '2'], a: 1 })).toBeNull();
    expect(firstDifference({ a: '1' }, { a: 1 })).toBe('$.a: expected "1", got 1');
    expect(firstDifference({ a: [1, 2] }, { a: [1] })).toBe('$.a: expected 2 items, got 1');
    expect(firstDifference({ a: null }, {})).toBe('$.a: missing (expected null)');
    expect(firstDifference({}, { x: 0 })).toBe('$.x: unexpected key (value 0)');
  });

  test('errors compare by code and numeric extras (numbers or decimal strings), never by message or text fields', () => {
    const exp = { error: 'capacity_overflow', message: 'm', count: '1048577', max: '1048576', op: 'read' };
    const diff = (actual: Record<string, unknown>) => judgeError('ring', 'capacity_overflow', exp, actual).difference;
    expect(
      diff({
        code: 'capacity_overflow',
        count: 1048577,
        max: '1048576',
        op: 'x',
        message: 'other',
      }),
    ).toBeNull();
    expect(diff({ code: 'capacity_overflow', count: '1', max: '1048576' })).toContain('count');
    expect(diff({ code: 'zero_capacity' })).toContain('error code');
    expect(judgeRead('ring', exp, { ok: {} })).toMatchObject({ status: 'failed' });
    expect(judgeRead('ring', { a: 1 }, { error: { code: 'io' } })).toMatchObject({ status: 'failed' });
    expect(judgeRead('ring', { a: 1 }, { errored: { message: 'boom' } })).toEqual({
      status: 'errored',
      message: 'boom',
      pin: 'errored',
    });
    expect(judgeRead('ring', { a: 1 }, { skipped: { reason: 'r' } })).toEqual({ status: 'skipped', reason: 'r' });
  });

  test('vectors: valid/invalid/acceptable', () => {
    const t = { tcId: 1, id: 'ring.x.y', comment: '', flags: [], requirements: [], input: { hex: '' } };
    expect(judgeVector('ring', { ...t, result: 'valid', expected: { a: 1 } }, { ok: { a: 1 } }).status).toBe('passed');
    expect(judgeVector('ring', { ...t, result: 'valid', expected: { a: 1 } }, { error: { code: 'X_Y' } }).status).toBe(
      'failed',
    );
    expect(
      judgeVector(
        'ring',
        { ...t, result: 'invalid', expectedError: 'X_Y', expected: { offset: 3 } },
        { error: { code: 'X_Y', offset: 3 } },
      ).status,
    ).toBe('passed');
    expect(
      judgeVector(
        'ring',
        { ...t, result: 'invalid', expectedError: 'X_Y', expected: { offset: 3 } },
        { error: { code: 'X_Y', offset: 4 } },
      ).status,
    ).toBe('failed');
    expect(judgeVector('ring', { ...t, result: 'invalid', expectedError: 'X_Y' }, { ok: {} }).status).toBe('failed');
    expect(
      judgeVector('ring', { ...t, result: 'acceptable', expected: { a: 1 } }, { error: { code: 'ANY_CODE' } }).status,
    ).toBe('passed');
    expect(judgeVector('ring', { ...t, result: 'acceptable', expected: { a: 1 } }, { ok: { a: 2 } }).status).toBe(
      'failed',
    );
  });

  const dir = mkdtempSync(join(tmpdir(), 'logspec-trees-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  test('written trees compare byte for byte, files only (empty directories ignored)', () => {
    mkdirSync(join(dir, 'root/empty/deeper'), { recursive: true });
    mkdirSync(join(dir, 'root/seg'), { recursive: true });
    writeFileSync(join(dir, 'root/seg/a.log'), new Uint8Array([1, 2, 3]));
    const want = new Map([['root/seg/a.log', new Uint8Array([1, 2, 3])]]);
    expect(compareTrees(want, dir)).toEqual([]);
    writeFileSync(join(dir, 'root/seg/a.log'), new Uint8Array([1, 9, 3, 4]));
    writeFileSync(join(dir, 'root/extra'), '');
    expect(compareTrees(want, dir)).toEqual([
      'unexpected file root/extra',
      'root/seg/a.log: byte 1 differs (expected 010203…, got 01090304… from byte 0); size 4, expected 3',
    ]);
    expect(compareTrees(new Map([...want, ['root/missing', new Uint8Array(0)]]), dir)).toContain(
      'missing file root/missing',
    );
  });
});

describe('cases from the golden corpus', () => {
  test('every sample of every producer is read; every original recipe is written', async () => {
    for (const format of FORMATS) {
      const ids = new Set((await collectCases({ formats: [format] })).map((c) => c.id));
      for (const corpus of loadCorpora(format)) {
        for (const e of corpus.entries) {
          expect(ids).toContain(`${format}.read.${corpus.producer}.${e.name}`);
          if (!corpus.producer.startsWith('original-')) continue; // ours are read, never written
          expect(ids.has(`${format}.write.${e.name}`)).toBe(e.ops !== null);
        }
      }
    }
  });

  test('ids are the documented ones', async () => {
    const ids = (await collectCases({ formats: ['ring', 'segment', 'hotlog'] })).map((c) => c.id);
    expect(ids).toContain('ring.read.original-vyre-runtime-0.6.1.cap4_two');
    expect(ids).toContain('ring.write.cap4_two');
    expect(ids).toContain('ring.property.damage');
    expect(ids).toContain('segment.read.original-rivven-core-0.0.10.single_base100');
    expect(ids).toContain('segment.write.partition_two');
    expect(ids).toContain('hotlog.read.original-kaizen-rkyv-0.8.16.log');
    expect(ids).toContain('hotlog.write.log');
    expect(ids).toContain('ring.read.original-boundaries.b_cap_max');
    expect(ids).toContain('ring.write.b_cap_max');
    expect(ids.filter((i) => i.startsWith('ring.write.') && !i.startsWith('ring.write.b_'))).toHaveLength(14);
  });

  test('the rkyv hot log sample replays from decoded fields only (no archive bytes to copy)', () => {
    const [corpus] = loadCorpora('hotlog').filter((c) => c.producer === 'original-kaizen-rkyv-0.8.16');
    const ops = corpus?.entries[0]?.ops ?? [];
    expect(ops[0]).toEqual({ op: 'open', root: '.' });
    expect(ops).toHaveLength(13);
    for (const op of ops.slice(1)) {
      expect(op.op).toBe('append_event');
      expect(Object.keys(op.event as object)).not.toContain('archive_hex');
      expect(Object.keys(op.event as object)).not.toContain('frame_offset');
    }
  });

  test('--case patterns: exact id, dotted prefix, glob', () => {
    const f = caseFilter(['ring.read.', 'wal.write.x', 'seg*.read.*.neg_*']);
    expect(f?.('ring.read.original.a')).toBe(true);
    expect(f?.('ring.reader')).toBe(false);
    expect(f?.('wal.write.x')).toBe(true);
    expect(f?.('wal.write.xy')).toBe(false);
    expect(f?.('segment.read.original-rivven-core-0.0.10.neg_crc')).toBe(true);
    expect(caseFilter([])).toBeUndefined();
  });
});
