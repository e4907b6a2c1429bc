import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBin, cleanup, copySample, corpusOf, lines, readJson, run, runJson, treeHash, WAL } from './helpers.js';

let bin: string;
beforeAll(async () => {
  bin = await buildBin();
});
afterAll(cleanup);

const corpus = corpusOf(WAL);
/** Samples the original reads to records (with or without skips); the others abort it. */
const readable = corpus.filter((e) => 'records' in readJson(join(WAL, e.expect)));

describe('wal: reading the reference files', () => {
  it.each(readable.map((e) => e.path))('dump --json of %s gives the records of its .expect.json', (name) => {
    const expected = readJson<{ records: unknown[]; skipped: unknown[] }>(join(WAL, `${name}.expect.json`));
    const r = run(bin, ['dump', '--json', '--format', 'wal', join(WAL, name)]);
    expect(lines(r.stdout)).toEqual(expected.records);
    // Skipped records are named on stderr (a run of them in one line), never printed as data.
    const skipLines = r.stderr.split('\n').filter((l) => l.includes('skipped')).length;
    expect(skipLines).toBeLessThanOrEqual(expected.skipped.length);
    expect(skipLines > 0).toBe(expected.skipped.length > 0);
    // Damage (records skipped, a torn or corrupt end) is exit 1, as for every command.
    expect(r.code).toBe(r.stderr === '' ? 0 : 1);
  });

  it('inspect of a WAL directory lists its files, record types and traces', () => {
    const r = runJson(bin, ['inspect', '--json', join(WAL, 'multi_dir')]);
    expect(r.value).toMatchObject({
      format: 'wal',
      files: [
        { file: 'wal_0000000000000000.log', end: 'clean' },
        { file: 'wal_0000000000000001.log', end: 'clean' },
        { file: 'wal_000000000000000a.log', end: 'clean' },
      ],
      records: 6,
      skipped: 0,
      record_types: { NodeStart: 6 },
      health: { ok: true },
    });
    const t = runJson(bin, ['inspect', '--json', join(WAL, 'trace_sequence.log')]);
    expect(t.value.records).toBe(19);
    expect(t.value.traces).toEqual({ incomplete: expect.any(Number), finished: expect.any(Number) });
  });

  it('dump --from/--to and tail -n select records by index', () => {
    const all = readJson<{ records: unknown[] }>(join(WAL, 'trace_sequence.log.expect.json')).records;
    expect(
      lines(run(bin, ['dump', '--json', '--from', '3', '--to', '5', join(WAL, 'trace_sequence.log')]).stdout),
    ).toEqual(all.slice(3, 6));
    expect(lines(run(bin, ['tail', '--json', '-n', '4', join(WAL, 'trace_sequence.log')]).stdout)).toEqual(
      all.slice(-4),
    );
    const text = run(bin, ['dump', '--to', '0', join(WAL, 'trace_sequence.log')]).stdout;
    expect(text).toMatch(
      /^#0 trace_sequence\.log@0 TraceStart trace=[0-9a-f]{32} node=0 ts=2025-10-09T08:53:20\.\d{9}Z/,
    );
  });
});

describe('wal: verify', () => {
  it.each([
    'all_types.log',
    'optionals.log',
    'unicode.log',
    'max_values.log',
    'trace_sequence.log',
    'lossy_utf8.log',
    'multi_dir',
  ])('%s is healthy', (name) => {
    const r = run(bin, ['verify', '--format', 'wal', join(WAL, name)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/result: ok\n$/);
  });

  it.each([
    ['neg_crc_flip.log', 'WAL_CRC_MISMATCH', 69],
    ['neg_unknown_type.log', 'WAL_UNKNOWN_RECORD_TYPE', 69],
    ['neg_short_payload.log', 'WAL_PAYLOAD_EOF', 69],
    ['neg_truncated.log', 'WAL_RECORD_TRUNCATED', 142],
    ['neg_bad_length.log', 'WAL_BAD_LENGTH', 69],
    ['torn_length.log', 'WAL_RECORD_TRUNCATED', 69],
  ])('%s: exit 1, %s at byte %i', (name, code, offset) => {
    const r = runJson<{ problems: { code: string; file: string; offset: number }[] }>(bin, [
      'verify',
      '--json',
      '--format',
      'wal',
      join(WAL, name),
    ]);
    expect(r.code).toBe(1);
    expect(r.value.problems).toEqual([expect.objectContaining({ code, file: name, offset })]);
  });

  it('bytes after a payload (the original ignores them) are a note, not damage', () => {
    const r = runJson<{ ok: boolean; notes: string[] }>(bin, [
      'verify',
      '--json',
      '--format',
      'wal',
      join(WAL, 'lossy_utf8.log'),
    ]);
    expect(r.code).toBe(0);
    expect(r.value.notes.join('\n')).toContain('lossy_utf8.log record at byte 0');
  });
});

describe('wal: repair', () => {
  it('--dry-run says what would be cut and changes nothing', () => {
    const path = copySample(join(WAL, 'neg_truncated.log'));
    const before = treeHash(join(path, '..'));
    const r = run(bin, ['repair', '--dry-run', '--format', 'wal', path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('torn tail cut at byte 142 (20 bytes, short_record)');
    expect(r.stdout).toContain('neg_truncated.log: would cut 20 bytes at the end [142, 162)');
    expect(r.stdout).toContain('result: would be healthy');
    expect(treeHash(join(path, '..'))).toEqual(before);
  });

  it('cuts a torn tail, moving the cut bytes to the quarantine', () => {
    const path = copySample(join(WAL, 'neg_truncated.log'));
    const original = readFileSync(path);
    const r = runJson<{ ok: boolean; quarantine: string; changes: { kind: string; saved: string[] }[] }>(bin, [
      'repair',
      '--json',
      '--format',
      'wal',
      path,
    ]);
    expect(r.code).toBe(0);
    expect(r.value.ok).toBe(true);
    expect(statSync(path).size).toBe(142);
    expect(readFileSync(path).equals(original.subarray(0, 142))).toBe(true);
    expect(r.value.changes).toMatchObject([{ kind: 'truncated', saved: ['neg_truncated.log.142-162'] }]);
    expect(readFileSync(join(r.value.quarantine, 'neg_truncated.log.142-162')).equals(original.subarray(142))).toBe(
      true,
    );
    const manifest = readJson<{ changes: unknown[] }>(join(r.value.quarantine, 'manifest.json'));
    expect(manifest.changes).toHaveLength(1);
    expect(run(bin, ['verify', '--format', 'wal', path]).code).toBe(0);
    // Nothing but the file and its quarantine is left (no lock, no staging directory).
    expect(readdirSync(join(path, '..')).sort()).toEqual(['neg_truncated.log', 'neg_truncated.log.quarantine']);
  });

  it('repairs the newest file of a WAL directory in place', () => {
    const dir = copySample(join(WAL, 'multi_dir'));
    const newest = join(dir, 'wal_000000000000000a.log');
    const torn = Buffer.concat([readFileSync(newest), Buffer.from([0x45, 0, 0, 0, 1, 2, 3])]);
    writeFileSync(newest, torn);
    const v = runJson<{ problems: { code: string; file: string }[] }>(bin, ['verify', '--json', dir]);
    expect(v.value.problems).toEqual([
      expect.objectContaining({ code: 'WAL_RECORD_TRUNCATED', file: 'wal_000000000000000a.log' }),
    ]);
    const r = run(bin, ['repair', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('multi_dir/wal_000000000000000a.log: cut 7 bytes at the end');
    expect(statSync(newest).size).toBe(torn.length - 7);
    expect(readdirSync(dir).sort()).toEqual([
      'notes.txt',
      'wal_0000000000000000.log',
      'wal_0000000000000001.log',
      'wal_000000000000000a.log',
      'wal_xyz.log',
    ]);
  });

  it('damage with valid records after it is refused; --force leaves the file as it is', () => {
    const path = copySample(join(WAL, 'trace_sequence.log'), 'broken.log');
    const b = readFileSync(path);
    b.writeUInt32LE(12, 85); // the second record's length: below the 29-byte header
    writeFileSync(path, b);
    const v = runJson<{ problems: { code: string; offset: number }[] }>(bin, [
      'verify',
      '--json',
      '--format',
      'wal',
      path,
    ]);
    expect(v.value.problems).toEqual([expect.objectContaining({ code: 'WAL_CORRUPTION', offset: 85 })]);
    const before = treeHash(join(path, '..'));
    const r = run(bin, ['repair', '--format', 'wal', path]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('refused: WAL_CORRUPT_TAIL at byte 85');
    expect(r.stdout).toContain("hint: 'logspec repair --force'");
    expect(treeHash(join(path, '..'))).toEqual(before);
    const f = run(bin, ['repair', '--force', '--format', 'wal', path]);
    expect(f.code).toBe(1);
    expect(f.stdout).toContain('is damaged before its end and left as it is');
    expect(treeHash(join(path, '..'))).toEqual(before);
  });

  it('skipped records cannot be repaired: reported as remaining, file unchanged', () => {
    const path = copySample(join(WAL, 'neg_crc_flip.log'));
    const before = treeHash(join(path, '..'));
    const r = run(bin, ['repair', '--format', 'wal', path]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('changes: none');
    expect(r.stdout).toMatch(/1 problem remains:\n {2}WAL_CRC_MISMATCH at bytes \[69, 142\)/);
    expect(treeHash(join(path, '..'))).toEqual(before);
  });
});
