import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBin, cleanup, copySample, lines, readJson, run, runJson, SEGMENT, treeHash } from './helpers.js';

let bin: string;
beforeAll(async () => {
  bin = await buildBin();
});
afterAll(cleanup);

const LOG0 = '00000000000000000000.log';

describe('segment: reading the reference files', () => {
  it.each([
    ['single_base100', '00000000000000000100.log'],
    ['wire_variants', LOG0],
    ['torn_tail', LOG0],
  ])('dump --json of %s gives the messages of its .expect.json', (dir, log) => {
    const expected = readJson<{ messages: unknown[] }>(join(SEGMENT, dir, `${log}.expect.json`));
    const asFile = run(bin, ['dump', '--json', join(SEGMENT, dir, log)]);
    // A torn tail is damage: named on stderr, exit 1 (the records before it are all printed).
    expect(asFile.code).toBe(dir === 'torn_tail' ? 1 : 0);
    if (dir === 'torn_tail') {
      expect(JSON.parse(asFile.stderr)).toMatchObject({ warning: true, code: 'SEG_TORN_FRAME', file: log });
    }
    expect(lines(asFile.stdout)).toEqual(expected.messages);
    // The directory (a partition of one segment) reads the same.
    expect(lines(run(bin, ['dump', '--json', join(SEGMENT, dir)]).stdout)).toEqual(expected.messages);
  });

  it('dump --json of a partition gives every message of every segment', () => {
    const expected = readJson<{ messages: unknown[] }>(join(SEGMENT, 'partition_two.expect.json'));
    const r = run(bin, ['dump', '--json', join(SEGMENT, 'partition_two')]);
    expect(lines(r.stdout)).toEqual(expected.messages);
  });

  it('--from/--to select by message offset, across segments', () => {
    const expected = readJson<{ messages: { offset: string }[] }>(join(SEGMENT, 'partition_two.expect.json')).messages;
    const got = lines(run(bin, ['dump', '--json', '--from', '9', '--to', '12', join(SEGMENT, 'partition_two')]).stdout);
    expect(got).toEqual(expected.filter((m) => BigInt(m.offset) >= 9n && BigInt(m.offset) <= 12n));
    expect(got).toHaveLength(4);
  });

  it('inspect lists the segments with their offsets and index entries', () => {
    const expected = readJson<{ segments: { base_offset: string; size: string; index: unknown[] }[] }>(
      join(SEGMENT, 'partition_two.expect.json'),
    );
    const r = runJson<{ segments: { base_offset: string; size: number; index_entries: number }[]; messages: number }>(
      bin,
      ['inspect', '--json', join(SEGMENT, 'partition_two')],
    );
    expect(r.value.messages).toBe(16);
    expect(r.value.segments.map((s) => [s.base_offset, String(s.size), s.index_entries])).toEqual(
      expected.segments.map((s) => [s.base_offset, s.size, s.index.length]),
    );
    expect(r.value).toMatchObject({ offsets: { min: '0', max: '15' }, health: { ok: true } });
  });
});

describe('segment: verify', () => {
  it.each(['single_base100', 'partition_two', 'wire_variants'])('%s is healthy', (dir) => {
    expect(run(bin, ['verify', join(SEGMENT, dir)]).code).toBe(0);
  });

  it.each([
    ['torn_tail', 'SEG_TORN_FRAME'],
    ['neg_crc', 'SEG_CRC_MISMATCH'],
    ['neg_bad_bool', 'SEG_BAD_BOOL'],
    ['neg_bad_option', 'SEG_BAD_OPTION'],
    ['neg_short_payload', 'SEG_UNEXPECTED_END'],
    ['neg_bad_marker', 'SEG_BAD_MARKER'],
    ['neg_bad_timestamp', 'SEG_BAD_TIMESTAMP'],
  ])('%s: exit 1, %s', (dir, code) => {
    const r = runJson<{ problems: { code: string; file: string; offset: number }[] }>(bin, [
      'verify',
      '--json',
      join(SEGMENT, dir),
    ]);
    expect(r.code).toBe(1);
    expect(r.value.problems).toEqual([expect.objectContaining({ code, file: LOG0, offset: expect.any(Number) })]);
  });

  it('an index entry that points at no frame is reported', () => {
    const dir = copySample(join(SEGMENT, 'single_base100'));
    const idx = join(dir, '00000000000000000100.index');
    const b = readFileSync(idx);
    b.writeBigUInt64BE(b.readBigUInt64BE(12 + 4) + 1n, 12 + 4); // entry 1's position, off by one
    writeFileSync(idx, b);
    const r = runJson<{ problems: { code: string; offset: number; message: string }[] }>(bin, [
      'verify',
      '--json',
      dir,
    ]);
    expect(r.code).toBe(1);
    expect(r.value.problems).toEqual([expect.objectContaining({ code: 'SEG_INDEX_NOT_AT_FRAME', offset: 12 })]);
    expect(r.value.problems[0]?.message).toContain('entry 1: position 6179 is not the start of a CRC-valid frame');
  });

  it.each([
    [
      'a relative offset that does not match its frame',
      'SEG_INDEX_OFFSET_MISMATCH',
      (b: Buffer) => b.writeUInt32BE(b.readUInt32BE(24) + 1, 24),
    ],
    ['a relative offset below the previous one', 'SEG_INDEX_OFFSET_DECREASING', (b: Buffer) => b.writeUInt32BE(0, 24)],
    [
      'a position not above the previous one',
      'SEG_INDEX_POSITION_NOT_INCREASING',
      (b: Buffer) => b.writeBigUInt64BE(0n, 28),
    ],
    [
      'a position past the end of the log',
      'SEG_INDEX_POSITION_PAST_END',
      (b: Buffer) => b.writeBigUInt64BE(1n << 40n, 28),
    ],
  ])('a bad middle index entry (%s): verify reports %s, repair rebuilds the index byte for byte', (_, code, damage) => {
    const dir = copySample(join(SEGMENT, 'single_base100'));
    const idx = join(dir, '00000000000000000100.index');
    const good = readFileSync(idx);
    const bad = Buffer.from(good);
    damage(bad);
    writeFileSync(idx, bad);
    const v = runJson<{ problems: { code: string; file: string; offset: number }[] }>(bin, ['verify', '--json', dir]);
    expect(v.code).toBe(1);
    expect(v.value.problems).toEqual([
      expect.objectContaining({ code, file: '00000000000000000100.index', offset: 24 }),
    ]);
    const fixed = run(bin, ['repair', dir]);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain(`${code} in .index at byte 24`);
    expect(fixed.stdout).toContain('the .index was rebuilt from the log');
    expect(readFileSync(idx).equals(good)).toBe(true);
    expect(run(bin, ['verify', dir]).code).toBe(0);
  });

  it('a bad index entry in a sealed segment of a partition is repaired too', () => {
    const dir = copySample(join(SEGMENT, 'partition_two'));
    const idx = join(dir, '00000000000000000000.index');
    const good = readFileSync(idx);
    writeFileSync(idx, Buffer.from([0, 0, 0, 3, ...good.subarray(4)]));
    const v = runJson<{ problems: { code: string; offset: number }[] }>(bin, ['verify', '--json', dir]);
    expect(v.value.problems).toEqual([expect.objectContaining({ code: 'SEG_INDEX_OFFSET_MISMATCH', offset: 0 })]);
    expect(run(bin, ['repair', dir]).code).toBe(0);
    expect(readFileSync(idx).equals(good)).toBe(true);
    expect(run(bin, ['verify', dir]).code).toBe(0);
  });

  it('a damaged .timeindex entry is reported (SEG_INDEX_TIME_CRC_MISMATCH) and repair rewrites it', () => {
    const dir = copySample(join(SEGMENT, 'single_base100'));
    const time = join(dir, '00000000000000000100.timeindex');
    writeFileSync(time, Buffer.alloc(16, 0x5a));
    const v = runJson<{ problems: { code: string; file: string; offset: number }[] }>(bin, ['verify', '--json', dir]);
    expect(v.code).toBe(1);
    expect(v.value.problems).toEqual([
      expect.objectContaining({
        code: 'SEG_INDEX_TIME_CRC_MISMATCH',
        file: '00000000000000000100.timeindex',
        offset: 0,
      }),
    ]);
    expect(run(bin, ['repair', dir]).code).toBe(0);
    expect(readFileSync(time).length).toBe(5 * 16);
    expect(run(bin, ['verify', dir]).code).toBe(0);
  });

  it('a torn index entry: reported, and repair rebuilds the index (old bytes quarantined)', () => {
    const dir = copySample(join(SEGMENT, 'single_base100'));
    const idx = join(dir, '00000000000000000100.index');
    const good = readFileSync(idx);
    writeFileSync(idx, Buffer.concat([good, Buffer.from([0, 0, 0, 9, 0xff])]));
    const v = runJson<{ problems: { code: string; offset: number }[] }>(bin, ['verify', '--json', dir]);
    expect(v.code).toBe(1);
    expect(v.value.problems).toEqual([expect.objectContaining({ code: 'SEG_INDEX_TORN_ENTRY', offset: good.length })]);
    const fixed = runJson<{
      ok: boolean;
      quarantine: string;
      changes: { file: string; kind: string; saved: string[] }[];
    }>(bin, ['repair', '--json', dir]);
    expect(fixed.code).toBe(0);
    expect(fixed.value.changes).toMatchObject([
      { file: 'single_base100/00000000000000000100.index', kind: 'truncated' },
    ]);
    expect(readFileSync(idx).equals(good)).toBe(true);
    const saved = join(fixed.value.quarantine, fixed.value.changes[0]?.saved[0] as string);
    expect([...readFileSync(saved)]).toEqual([0, 0, 0, 9, 0xff]);
  });
});

describe('segment: repair', () => {
  it('cuts a torn last frame into the quarantine; --dry-run changes nothing', () => {
    const dir = copySample(join(SEGMENT, 'torn_tail'));
    const log = join(dir, LOG0);
    const original = readFileSync(log);
    const before = treeHash(dir);
    const dry = run(bin, ['repair', '--dry-run', dir]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`torn_tail/${LOG0}: would cut 51 bytes at the end [122, 173)`);
    expect(treeHash(dir)).toEqual(before);
    const r = runJson<{ quarantine: string; changes: { saved: string[] }[] }>(bin, ['repair', '--json', dir]);
    expect(r.code).toBe(0);
    expect(statSync(log).size).toBe(122);
    expect(readFileSync(join(r.value.quarantine, 'torn_tail', `${LOG0}.122-173`)).equals(original.subarray(122))).toBe(
      true,
    );
    // No LOCK, no .timeindex added to a partition that had none.
    expect(readdirSync(dir).sort()).toEqual(['00000000000000000000.index', LOG0, `${LOG0}.expect.json`]);
    expect(run(bin, ['verify', dir]).code).toBe(0);
  });

  it('an undecodable frame is not crash damage: kept, reported as remaining', () => {
    const dir = copySample(join(SEGMENT, 'neg_bad_bool'));
    const before = treeHash(dir);
    const r = run(bin, ['repair', join(dir, LOG0)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('frames with a valid CRC whose payload does not decode were kept');
    expect(r.stdout).toMatch(/1 problem remains:\n {2}SEG_BAD_BOOL/);
    expect(treeHash(dir)).toEqual(before);
  });
});
