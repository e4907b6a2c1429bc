import { isLogspecError } from '@logspec/core';
import { concatBytes as concat, SimFs } from '@logspec/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeRecord,
  findResync,
  RecordEntry,
  readWalBytes,
  WalCode,
  type WalRecord,
  WalRecords,
} from '../src/index.js';
import { readWal, scanWal, walEntries } from '../src/store.js';
import { arbRecord, normalized, plainEntries } from './arbitraries.js';

const T = '6e19905d-cbe5-41df-8fa9-fa7324851729';
const rec = (i: number, meta: string | null = null): WalRecord =>
  WalRecords.nodeStart(T, i, { timestampNs: BigInt(1_760_000_000_000_000_000 + i), metadata: meta });

function simWith(files: Record<string, Uint8Array>): SimFs {
  const fs = new SimFs();
  fs.mkdir('/w', { recursive: true });
  for (const [name, bytes] of Object.entries(files)) fs.put(`/w/${name}`, bytes);
  return fs;
}

describe('logspec mode: how a file ends', () => {
  const a = encodeRecord(rec(1));
  const b = encodeRecord(rec(2, 'x'.repeat(100)));

  it('clean', () => {
    const r = readWalBytes(concat([a, b]));
    expect(r.records.map((e) => e.offset)).toEqual([0, a.length]);
    expect(r.files[0]?.end).toEqual({ kind: 'clean', offset: a.length + b.length });
  });

  it('stray bytes: torn (the original stops cleanly there)', () => {
    const r = readWalBytes(concat([a, new Uint8Array([1, 2])]));
    expect(r.files[0]?.end).toMatchObject({ kind: 'torn', cause: 'stray_bytes', offset: a.length, bytes: 2 });
    expect(readWalBytes(concat([a, new Uint8Array([1, 2])]), { mode: 'original' }).records).toHaveLength(1);
  });

  it('a cut last record: torn; the original aborts with wal_read', () => {
    const bytes = concat([a, b.subarray(0, 50)]);
    expect(readWalBytes(bytes).files[0]?.end).toMatchObject({ kind: 'torn', cause: 'short_record', length: b.length });
    try {
      readWalBytes(bytes, { mode: 'original' });
      throw new Error('no abort');
    } catch (e) {
      expect(isLogspecError(e, WalCode.RECORD_TRUNCATED)).toBe(true);
      expect((e as { details: { originalKind: string } }).details.originalKind).toBe('wal_read');
    }
  });

  it('zero-filled tail: torn (bad length with nothing valid after)', () => {
    const r = readWalBytes(concat([a, new Uint8Array(300)]));
    expect(r.files[0]?.end).toMatchObject({ kind: 'torn', cause: 'bad_length', offset: a.length, bytes: 300 });
  });

  it('a bad length with valid records after it: corrupt, with where they resume', () => {
    const bad = new Uint8Array([5, 0, 0, 0, 9, 9, 9]);
    const bytes = concat([a, bad, b]);
    const end = readWalBytes(bytes).files[0]?.end;
    expect(end).toEqual({
      kind: 'corrupt',
      offset: a.length,
      bytes: bad.length + b.length,
      cause: 'bad_length',
      length: 5,
      resyncAt: a.length + bad.length,
    });
  });

  it('more than 64 MiB after a bad length: the first 64 MiB are searched, the rest is not called torn', () => {
    // WAL-S-003: a valid record soon after the damage is found even in a file larger than the
    // search window; with none in the window the end is corrupt (not known), never torn.
    const big = 65 * 1024 * 1024;
    const withRecord = new Uint8Array(big);
    withRecord.set(a, 0);
    withRecord.set(b, a.length + 100);
    const found = readWalBytes(withRecord).files[0]?.end;
    expect(found).toMatchObject({ kind: 'corrupt', cause: 'bad_length', offset: a.length, resyncAt: a.length + 100 });
    const fs = simWith({ 'wal_0000000000000000.log': withRecord });
    expect(readWal('/w', { fs }).files[0]?.end).toMatchObject({ kind: 'corrupt', resyncAt: a.length + 100 });
    const none = new Uint8Array(big);
    none.set(a, 0);
    expect(readWalBytes(none).files[0]?.end).toMatchObject({ kind: 'corrupt', offset: a.length, resyncAt: null });
  });

  it('a length running past the end with valid records inside: corrupt, not torn', () => {
    const hugeLen = a.slice();
    new DataView(hugeLen.buffer).setUint32(0, 1_000_000, true);
    const end = readWalBytes(concat([hugeLen, b, a])).files[0]?.end;
    expect(end).toMatchObject({ kind: 'corrupt', cause: 'short_record', offset: 0, resyncAt: a.length });
  });

  it('skips a CRC-bad record by its length and reports it', () => {
    const bad = b.slice();
    bad[40] = (bad[40] as number) ^ 0xff;
    const r = readWalBytes(concat([a, bad, a]), { file: 'f.log' });
    expect(r.records.map((e) => e.offset)).toEqual([0, a.length + b.length]);
    expect(r.skipped).toEqual([
      expect.objectContaining({ file: 'f.log', offset: a.length, totalLen: b.length, reason: 'crc_mismatch' }),
    ]);
  });

  it('WAL-S-003: findResync gives up (-2) instead of doing unbounded work', () => {
    const junk = new Uint8Array(4096);
    const v = new DataView(junk.buffer);
    for (let i = 0; i + 16 <= junk.length; i += 16) {
      v.setUint32(i, 100, true);
      junk[i + 8] = 1;
    }
    expect(findResync(junk, v, 0, junk.length, 1000)).toBe(-2);
    expect(findResync(junk, v, 0, junk.length)).toBe(-1);
  });
});

describe('any file content', () => {
  it('logspec mode never throws; original mode throws only its two typed aborts', () => {
    fc.assert(
      fc.property(
        fc.array(arbRecord, { maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 6 }),
        fc.uint8Array({ maxLength: 120 }),
        (records, flips, tail) => {
          const bytes = concat([...records.map(encodeRecord), tail]);
          for (const [at, mask] of flips) {
            if (bytes.length > 0) bytes[at % bytes.length] = (bytes[at % bytes.length] as number) ^ mask;
          }
          const r = readWalBytes(bytes);
          const end = r.files[0]?.end;
          expect(end).toBeDefined();
          // Every byte is accounted for: records, skips, and the end's offset and byte count.
          const last = Math.max(
            0,
            ...r.records.map((e) => e.offset + e.totalLen),
            ...r.skipped.map((e) => e.offset + e.totalLen),
          );
          expect(end?.offset).toBeGreaterThanOrEqual(last);
          if (end?.kind !== 'clean') expect((end?.offset ?? 0) + (end?.bytes ?? 0)).toBe(bytes.length);
          try {
            readWalBytes(bytes, { mode: 'original' });
          } catch (e) {
            expect(isLogspecError(e)).toBe(true);
            expect([WalCode.BAD_LENGTH, WalCode.RECORD_TRUNCATED]).toContain((e as { code: string }).code);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('chunked file scanner', () => {
  it('gives what the in-memory scan gives, at every chunk size, in both modes', () => {
    fc.assert(
      fc.property(
        fc.array(arbRecord, { minLength: 0, maxLength: 12 }),
        fc.integer({ min: 64, max: 600 }),
        fc.uint8Array({ maxLength: 90 }),
        (records, chunkSize, tail) => {
          const bytes = concat([...records.map(encodeRecord), tail]);
          const fs = simWith({ 'wal_0000000000000000.log': bytes });
          for (const mode of ['logspec', 'original'] as const) {
            let mem: unknown;
            let chunked: unknown;
            try {
              const r = readWalBytes(bytes, { mode, file: 'wal_0000000000000000.log' });
              mem = { records: plainEntries(r.records), skipped: r.skipped, end: r.files[0]?.end };
            } catch (e) {
              mem = (e as { code: string }).code;
            }
            try {
              const r = readWal('/w', { fs, mode, chunkSize });
              chunked = { records: plainEntries(r.records), skipped: r.skipped, end: r.files[0]?.end };
            } catch (e) {
              chunked = (e as { code: string }).code;
            }
            expect(chunked).toEqual(mem);
          }
          const r = readWal('/w', { fs, chunkSize });
          expect(r.records.slice(0, records.length).map((e) => e.record)).toEqual(records.map(normalized));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('never allocates what a hostile length claims: a 4 GiB length in a 100-byte file', () => {
    const b = new Uint8Array(100);
    new DataView(b.buffer).setUint32(0, 0xfffffff0, true);
    const fs = simWith({ 'wal_0.log': b });
    const r = readWal('/w', { fs, chunkSize: 64 });
    expect(r.tornTail?.end).toMatchObject({ kind: 'torn', cause: 'short_record', length: 0xfffffff0 });
  });

  it('entries keep their bytes: decoded on first access (then kept), after every chunk was read', () => {
    const records = Array.from({ length: 30 }, (_, i) => rec(i, 'x'.repeat(i * 3)));
    const files = records.map(encodeRecord);
    const fs = simWith({ 'wal_0.log': concat(files) });
    const r = readWal('/w', { fs, chunkSize: 64 });
    expect(r.records.map((e) => e.record.metadata?.length ?? 0)).toEqual(records.map((x) => x.metadata?.length ?? 0));
    expect(r.records.map((e) => e.record.nodeId)).toEqual(records.map((x) => x.nodeId));
    const e = r.records[7] as RecordEntry;
    expect(e.record).toBe(e.record);
    expect(e).toBeInstanceOf(RecordEntry);
    expect([...e.bytes]).toEqual([...(files[7] as Uint8Array)]);
  });

  it('reads a record larger than the chunk by giving it its own buffer', () => {
    const big = encodeRecord(rec(9, 'm'.repeat(5000)));
    const fs = simWith({ 'wal_0.log': concat([encodeRecord(rec(1)), big, encodeRecord(rec(2))]) });
    const r = readWal('/w', { fs, chunkSize: 256 });
    expect(r.records.map((e) => e.record.nodeId)).toEqual([1, 9, 2]);
  });

  it('reads files in hex sequence order, ignores other names, and starts from a position', () => {
    const fs = simWith({
      'wal_000000000000000a.log': encodeRecord(rec(10)),
      'wal_0000000000000002.log': concat([encodeRecord(rec(2)), encodeRecord(rec(3))]),
      'wal_1.log': encodeRecord(rec(1)),
      'wal_+B.log': encodeRecord(rec(11)),
      'wal_xyz.log': new Uint8Array([1, 2, 3]),
      'wal_.log': new Uint8Array([1]),
      'wal_10000000000000000.log': encodeRecord(rec(99)),
      'notes.txt': new Uint8Array([1]),
    });
    expect(readWal('/w', { fs }).records.map((e) => e.record.nodeId)).toEqual([1, 2, 3, 10, 11]);
    const from = readWal('/w', { fs, from: { fileSequence: 2n, offset: 69 } });
    expect(from.records.map((e) => e.record.nodeId)).toEqual([3, 10, 11]);
  });

  it('async iterator yields the same records and reports damage through callbacks', async () => {
    const bad = encodeRecord(rec(5));
    bad[50] = (bad[50] as number) ^ 1;
    const fs = simWith({
      'wal_0.log': concat([encodeRecord(rec(1)), bad, encodeRecord(rec(2)), new Uint8Array([7, 0, 0, 0, 1])]),
      'wal_1.log': concat([encodeRecord(rec(3)), encodeRecord(rec(4)).subarray(0, 30)]),
    });
    const skips: unknown[] = [];
    const ends: unknown[] = [];
    const seen: number[] = [];
    const it = walEntries('/w', { fs, chunkSize: 100, onSkip: (s) => skips.push(s), onFileEnd: (r) => ends.push(r) });
    for await (const e of it) seen.push(e.record.nodeId);
    expect(seen).toEqual([1, 2, 3]);
    expect(skips).toHaveLength(1);
    expect(ends).toMatchObject([
      { file: 'wal_0.log', end: { kind: 'torn' } },
      { file: 'wal_1.log', end: { kind: 'torn' } },
    ]);
    const report = scanWal('/w', { record: () => {} }, { fs });
    expect(report.tornTail?.file).toBe('wal_1.log');
    expect(report.damage.map((d) => d.file)).toEqual(['wal_0.log']);
  });

  it("onDamage 'throw' throws typed errors; a torn tail of the newest file is still only reported", () => {
    const bad = encodeRecord(rec(5));
    bad[50] = (bad[50] as number) ^ 1;
    const fs1 = simWith({ 'wal_0.log': concat([encodeRecord(rec(1)), bad]) });
    expect(() => readWal('/w', { fs: fs1, onDamage: 'throw' })).toThrow(
      expect.objectContaining({ code: WalCode.SKIPPED_RECORD }),
    );
    const fs2 = simWith({
      'wal_0.log': concat([encodeRecord(rec(1)), new Uint8Array([1])]),
      'wal_1.log': encodeRecord(rec(2)),
    });
    expect(() => readWal('/w', { fs: fs2, onDamage: 'throw' })).toThrow(
      expect.objectContaining({ code: WalCode.CORRUPTION }),
    );
    const fs3 = simWith({ 'wal_0.log': concat([encodeRecord(rec(1)), new Uint8Array([1])]) });
    expect(readWal('/w', { fs: fs3, onDamage: 'throw' }).tornTail).not.toBeNull();
  });

  it('a missing path is WAL_NOT_FOUND', () => {
    expect(() => readWal('/nope', { fs: new SimFs() })).toThrow(expect.objectContaining({ code: WalCode.NOT_FOUND }));
  });
});
