import { describe, expect, test } from 'vitest';
import {
  compareObservations,
  DEFAULT_FIXED_TIME,
  firstJsonDifference,
  maskPaths,
  type Observation,
  parseWitness,
} from '../src/mutants/witness.js';

const ops = [{ op: 'open', file: 'r.vrrl', capacity: '2' }];

describe('witness files', () => {
  test('a witness is a write recipe of a mutant format, optionally read back', () => {
    expect(parseWitness({ format: 'ring', description: 'd', ops, read: 'r.vrrl' }, 'w.json')).toEqual({
      format: 'ring',
      description: 'd',
      fixedTime: DEFAULT_FIXED_TIME,
      ops,
      read: 'r.vrrl',
    });
  });

  const bad: [string, unknown, RegExp][] = [
    ['an unknown key', { format: 'ring', description: 'd', ops, extra: 1 }, /unknown key extra/],
    ['hotlog (not a mutant format)', { format: 'hotlog', description: 'd', ops }, /bad format/],
    ['no description', { format: 'ring', ops }, /no description/],
    ['no ops', { format: 'ring', description: 'd', ops: [] }, /non-empty/],
    ['an op without a name', { format: 'ring', description: 'd', ops: [{ file: 'x' }] }, /without "op"/],
    ['a read outside its folder', { format: 'ring', description: 'd', ops, read: '../x' }, /relative path/],
  ];
  test.each(bad)('refuses %s', (_what, json, re) => {
    expect(() => parseWitness(json, 'w.json')).toThrow(re);
  });
});

describe('comparing what two binaries did', () => {
  const obs = (over: Partial<Observation> = {}): Observation => ({
    write: { ok: { results: [null] } },
    files: new Map([['r.vrrl', Buffer.from([1, 2, 3, 4])]]),
    read: { ok: { capacity: '2' } },
    ...over,
  });

  test('identical observations show no difference', () => {
    expect(compareObservations(obs(), obs())).toBeUndefined();
  });

  test('the first difference is named: write answer, then files, then the read answer', () => {
    expect(compareObservations(obs(), obs({ write: { error: { code: 'io' } } }))).toBe(
      'write answer $.ok: {"results":[null]} vs undefined',
    );
    expect(compareObservations(obs(), obs({ files: new Map([['r.vrrl', Buffer.from([1, 2, 9, 4])]]) }))).toBe(
      'file r.vrrl: bytes differ at offset 2 (sizes 4 vs 4)',
    );
    expect(compareObservations(obs(), obs({ files: new Map([['r.vrrl', Buffer.from([1, 2, 3])]]) }))).toBe(
      'file r.vrrl: bytes differ at offset 3 (sizes 4 vs 3)',
    );
    expect(compareObservations(obs(), obs({ files: new Map() }))).toBe('file r.vrrl: only the original wrote it');
    expect(compareObservations(obs(), obs({ read: { ok: { capacity: '3' } } }))).toBe(
      'read answer $.ok.capacity: "2" vs "3"',
    );
    expect(compareObservations(obs(), obs({ read: undefined }))).toBe(
      'read answer $: {"ok":{"capacity":"2"}} vs undefined',
    );
  });

  test('the first difference of two JSON values is named by its path', () => {
    expect(firstJsonDifference({ a: [1, { b: 'x' }] }, { a: [1, { b: 'y' }] })).toBe('$.a[1].b: "x" vs "y"');
    expect(firstJsonDifference([1, 2], [1, 2, 3])).toBe('$: 2 vs 3 items');
    expect(firstJsonDifference({ a: 1 }, { a: 1, b: null })).toBe('$.b: undefined vs null');
    expect(firstJsonDifference({ a: [1] }, { a: [1] })).toBeUndefined();
  });

  test('temporary folders are masked out of answers', () => {
    expect(maskPaths({ error: { message: 'open /tmp/w-1/r/x failed', at: ['/tmp/w-1'] } }, '/tmp/w-1')).toEqual({
      error: { message: 'open <dir>/r/x failed', at: ['<dir>'] },
    });
  });
});
