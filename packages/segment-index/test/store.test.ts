import * as nfs from 'node:fs';
import { join } from 'node:path';
import { CoreCode, LogspecError } from '@logspec/core';
import { NodeFs } from '@logspec/core/node';
import { SimFs } from '@logspec/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeIndexEntries,
  decodeTimeIndexEntries,
  encodeFrame,
  INDEX_INTERVAL_BYTES,
  type Message,
  makeMessage,
  SegCode,
  timestampFromMillis,
} from '../src/index.js';
import { Partition, readPartitionOriginal, readSegmentFileOriginal, Segment } from '../src/store.js';
import { tempDir } from './helpers.js';

const msg = (i: number, size = 60, ms = 1_700_000_000_000 + i * 10): Message =>
  makeMessage({ offset: BigInt(i), value: new Uint8Array(size).fill(i & 0xff), timestamp: timestampFromMillis(ms) });

function segFiles(fs: SimFs, dir: string, base = 0n) {
  const name = base.toString().padStart(20, '0');
  return {
    log: fs.readFile(`${dir}/${name}.log`),
    index: fs.readFile(`${dir}/${name}.index`),
    time: fs.exists(`${dir}/${name}.timeindex`) ? fs.readFile(`${dir}/${name}.timeindex`) : undefined,
  };
}

/** The original's index rule applied to a list of frame positions. */
function expectedIndex(positions: number[], base: bigint, offsets: bigint[]) {
  const out: { relativeOffset: number; position: bigint }[] = [];
  let last = 0;
  positions.forEach((p, i) => {
    if (p === 0 || p - last >= INDEX_INTERVAL_BYTES) {
      out.push({ relativeOffset: Number((offsets[i] as bigint) - base), position: BigInt(p) });
      last = p;
    }
  });
  return out;
}

describe('Segment', () => {
  it('writes frames and the sparse index exactly as the original, on flush', () => {
    const fs = new SimFs();
    fs.mkdir('/s');
    const seg = Segment.open(fs, '/s', 100n);
    const positions: number[] = [];
    const offsets: bigint[] = [];
    let expectLog: number[] = [];
    for (let i = 0; i < 150; i++) {
      const m = msg(100 + i, 20 + ((i * 37) % 300));
      positions.push(seg.append(m.offset, m));
      offsets.push(m.offset);
      expectLog = expectLog.concat([...encodeFrame(m)]);
    }
    expect(segFiles(fs, '/s', 100n).index.length).toBe(0); // entries wait for flush
    seg.flush();
    const f = segFiles(fs, '/s', 100n);
    expect([...f.log]).toEqual(expectLog);
    expect(decodeIndexEntries(f.index)).toEqual(expectedIndex(positions, 100n, offsets));
    // The time index pairs entry for entry with the offset index, holding the running maximum.
    const t = decodeTimeIndexEntries(f.time as Uint8Array);
    expect(t.map((e) => e.relativeOffset)).toEqual(decodeIndexEntries(f.index).map((e) => e.relativeOffset));
    seg.close();
  });

  it('reads from an offset with a byte budget through the index', () => {
    const fs = new SimFs();
    fs.mkdir('/s');
    const seg = Segment.open(fs, '/s', 0n);
    seg.appendBatch(Array.from({ length: 300 }, (_, i) => ({ offset: BigInt(i), message: msg(i) })));
    for (const from of [0, 1, 63, 64, 150, 299]) {
      const r = seg.read(BigInt(from), { maxBytes: 500 });
      expect(r.messages[0]?.offset).toBe(BigInt(from));
      expect(r.messages.map((m) => m.offset)).toEqual(r.messages.map((_, k) => BigInt(from + k)));
      // Budget in frame bytes (8 + payload): reached by the last message returned, not before.
      const frame = encodeFrame(r.messages[0] as Message).length;
      if (r.stop.reason === 'budget') {
        expect(r.bytesRead).toBeGreaterThanOrEqual(500);
        expect(r.bytesRead - frame).toBeLessThan(500);
      } else {
        expect(r.stop.reason).toBe('end');
        expect(r.messages.length).toBe(300 - from);
      }
    }
    expect(seg.read(300n).messages).toEqual([]);
    expect(seg.lastOffset()).toBe(299n);
    expect(seg.recoverLastOffset()).toBe(299n);
    expect(seg.timestampBounds()).toEqual({ min: 1_700_000_000_000n, max: 1_700_000_000_000n + 2990n });
    seg.close();
  });

  it('refuses offsets below the base, going backwards, or beyond u32 of the base', () => {
    const fs = new SimFs();
    fs.mkdir('/s');
    const seg = Segment.open(fs, '/s', 10n);
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as LogspecError).code;
      }
      return 'none';
    };
    expect(code(() => seg.append(9n, msg(9)))).toBe(SegCode.OFFSET_BELOW_BASE);
    seg.append(10n, msg(10));
    expect(code(() => seg.append(10n, msg(10)))).toBe(SegCode.OFFSET_NOT_INCREASING);
    expect(code(() => seg.append(10n + (1n << 32n), msg(1)))).toBe(SegCode.RELATIVE_OFFSET_OVERFLOW);
    seg.append(10n + (1n << 32n) - 1n, msg(1));
    seg.close();
  });

  it('finds the offset for a timestamp as the original linear scan does, under clock skew', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 400 }),
        fc.array(fc.integer({ min: -100, max: 10_100 }), { minLength: 1, maxLength: 20 }),
        (stamps, targets) => {
          const fs = new SimFs();
          fs.mkdir('/s');
          const seg = Segment.open(fs, '/s', 0n);
          seg.appendBatch(stamps.map((ms, i) => ({ offset: BigInt(i), message: msg(i, 40, ms) })));
          seg.flush();
          for (const t of targets) expect(seg.findOffsetForTimestamp(t)).toBe(seg.findOffsetForTimestampLinear(t));
          seg.close();
          // After reopening (index read back from the file) and without the time index file.
          fs.unlink('/s/00000000000000000000.timeindex');
          const again = Segment.open(fs, '/s', 0n, { readOnly: true });
          for (const t of targets) expect(again.findOffsetForTimestamp(t)).toBe(again.findOffsetForTimestampLinear(t));
          again.close();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a CRC mismatch is a typed error with its position, or a clean stop before it', () => {
    const fs = new SimFs();
    fs.mkdir('/s');
    const seg = Segment.open(fs, '/s', 0n, { timeIndex: false });
    const positions = seg.appendBatch(Array.from({ length: 5 }, (_, i) => ({ offset: BigInt(i), message: msg(i) })));
    seg.close();
    const log = fs.readFile('/s/00000000000000000000.log');
    const bad = positions[3] as number;
    log[bad + 20] = (log[bad + 20] as number) ^ 1;
    fs.put('/s/00000000000000000000.log', log);
    const ro = Segment.open(fs, '/s', 0n, { readOnly: true });
    expect(() => ro.read(0n)).toThrowError(expect.objectContaining({ code: SegCode.CRC_MISMATCH, offset: bad }));
    const r = ro.read(0n, { onCorrupt: 'stop' });
    expect(r.messages.map((m) => m.offset)).toEqual([0n, 1n, 2n]);
    expect(r.stop).toMatchObject({ reason: 'crc_mismatch', position: bad });
    ro.close();
  });
});

describe('reads that differ from the original on purpose', () => {
  it('a store read skips (CRC-checked, undecoded) frames before the offset; the original-mode read fails on them', () => {
    const fs = new SimFs();
    fs.mkdir('/s');
    const seg = Segment.open(fs, '/s', 0n, { timeIndex: false });
    seg.append(0n, msg(0));
    seg.close();
    // A frame with a valid CRC whose payload has is_transactional = 2, offset 1, then offset 2.
    const bad = encodeFrame(msg(1));
    bad[bad.length - 1] = 2;
    const crc = (b: Uint8Array) => {
      let c = 0xffffffff;
      for (const x of b) {
        c ^= x;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    new DataView(bad.buffer).setUint32(0, crc(bad.subarray(8)));
    const log = fs.readFile('/s/00000000000000000000.log');
    fs.put('/s/00000000000000000000.log', new Uint8Array([...log, ...bad, ...encodeFrame(msg(2))]));
    const p = Partition.open(fs, '/s', { readOnly: true });
    expect(p.read(2n).messages.map((m) => m.offset)).toEqual([2n]);
    expect(() => p.readOriginal(2n)).toThrowError(expect.objectContaining({ code: SegCode.BAD_BOOL }));
    expect(() => p.read(0n)).toThrowError(expect.objectContaining({ code: SegCode.BAD_BOOL }));
    const r = p.read(0n, { onCorrupt: 'stop' });
    expect(r.messages.map((m) => m.offset)).toEqual([0n]);
    expect(r.stop.reason).toBe('deserialize');
    p.close();
  });

  it('scan streams a whole partition in order and stops when asked', () => {
    const fs = new SimFs();
    const p = Partition.open(fs, '/p', { maxSegmentBytes: 500 });
    for (let i = 0; i < 40; i++) p.append({ value: new Uint8Array(50), timestamp: timestampFromMillis(i) });
    const seen: bigint[] = [];
    expect(p.scan(3n, (m) => void seen.push(m.offset)).count).toBe(37);
    expect(seen).toEqual(Array.from({ length: 37 }, (_, i) => BigInt(i + 3)));
    let n = 0;
    const r = p.scan(0n, () => ++n < 5);
    expect(r.count).toBe(5);
    expect(r.stop.reason).toBe('limit');
    p.close();
  });
});

describe('recovery (logspec)', () => {
  function written(fs: SimFs, n: number, opts = {}) {
    fs.mkdir('/s', { recursive: true });
    const seg = Segment.open(fs, '/s', 0n, opts);
    const positions = seg.appendBatch(
      Array.from({ length: n }, (_, i) => ({ offset: BigInt(i), message: msg(i, 200) })),
    );
    seg.close();
    return positions;
  }

  it('cuts a torn tail and indexes frames the index missed', () => {
    const fs = new SimFs();
    const positions = written(fs, 100);
    const full = segFiles(fs, '/s');
    const cut = (positions[90] as number) + 17;
    fs.put('/s/00000000000000000000.log', full.log.subarray(0, cut));
    fs.put('/s/00000000000000000000.index', full.index.subarray(0, 12 * 2 + 5)); // a torn entry too
    fs.put('/s/00000000000000000000.timeindex', new Uint8Array(0));
    const seg = Segment.open(fs, '/s', 0n);
    expect(seg.recovery).toMatchObject({ tail: 'torn', truncatedBytes: cut - (positions[90] as number) });
    expect(seg.lastOffset()).toBe(89n);
    seg.close();
    const after = segFiles(fs, '/s');
    expect(after.log.length).toBe(positions[90]);
    expect(decodeIndexEntries(after.index)).toEqual(
      expectedIndex(
        positions.slice(0, 90),
        0n,
        positions.slice(0, 90).map((_, i) => BigInt(i)),
      ),
    );
    // The original reads the repaired segment in full.
    expect(readSegmentFileOriginal(fs, '/s/00000000000000000000.log').messages.length).toBe(90);
  });

  it('drops index entries past the log, so offsets are not reused (the original would restart at the base)', () => {
    const fs = new SimFs();
    const positions = written(fs, 100);
    const full = segFiles(fs, '/s');
    fs.put('/s/00000000000000000000.log', full.log.subarray(0, positions[40] as number));
    // The original's recover_last_offset starts at the last index entry, past the end: None.
    expect(readSegmentFileOriginal(fs, '/s/00000000000000000000.log').recover_last_offset).toBeNull();
    const p = Partition.open(fs, '/s');
    expect(p.nextOffset()).toBe(40n);
    p.close();
  });

  it('cuts zeros a crash left at the end (an empty frame no writer writes)', () => {
    const fs = new SimFs();
    written(fs, 10);
    const full = segFiles(fs, '/s');
    fs.put('/s/00000000000000000000.log', new Uint8Array([...full.log, ...new Uint8Array(4096)]));
    const seg = Segment.open(fs, '/s', 0n);
    expect(seg.recovery?.tail).toBe('empty_frame');
    expect(seg.size).toBe(full.log.length);
    seg.close();
  });

  it('with tail "refuse" reports the damage instead of repairing it', () => {
    const fs = new SimFs();
    const positions = written(fs, 10);
    const full = segFiles(fs, '/s');
    fs.put('/s/00000000000000000000.log', full.log.subarray(0, (positions[9] as number) + 3));
    expect(() => Segment.open(fs, '/s', 0n, { tail: 'refuse' })).toThrowError(
      expect.objectContaining({ code: SegCode.CORRUPT_TAIL, offset: positions[9] }),
    );
  });

  it('with tail "torn-only" cuts a torn or zero-filled tail but never a CRC-bad frame that valid frames follow', () => {
    // The layout: frames at 0 (good), a bad CRC at the second, a good third frame.
    const fs = new SimFs();
    const positions = written(fs, 3);
    const full = segFiles(fs, '/s');
    const bad = full.log.slice();
    const p1 = positions[1] as number;
    bad[p1 + 12] = (bad[p1 + 12] as number) ^ 0x01;
    fs.put('/s/00000000000000000000.log', bad);
    expect(() => Segment.open(fs, '/s', 0n, { tail: 'torn-only' })).toThrowError(
      expect.objectContaining({
        code: SegCode.CORRUPT_BEFORE_TAIL,
        offset: p1,
        details: expect.objectContaining({ reason: 'crc_mismatch', witness: positions[2] }),
      }),
    );
    expect(segFiles(fs, '/s').log).toEqual(bad); // nothing cut
    // Zeros before a valid frame: the same.
    const zeros = new Uint8Array([...full.log.subarray(0, p1), ...new Uint8Array(64), ...full.log.subarray(p1)]);
    fs.put('/s/00000000000000000000.log', zeros);
    expect(() => Segment.open(fs, '/s', 0n, { tail: 'torn-only' })).toThrowError(
      expect.objectContaining({ code: SegCode.CORRUPT_BEFORE_TAIL, offset: p1 }),
    );
    // A torn last frame and a zero-filled tail have no witness: they are cut.
    for (const tail of [
      full.log.subarray(0, (positions[2] as number) + 5),
      new Uint8Array([...full.log, ...new Uint8Array(4096)]),
    ]) {
      fs.put('/s/00000000000000000000.log', tail);
      const seg = Segment.open(fs, '/s', 0n, { tail: 'torn-only' });
      expect(seg.size).toBe(tail.length > full.log.length ? full.log.length : (positions[2] as number));
      seg.close();
    }
  });

  it('rebuilds a lost or garbage time index and keeps lookups exact', () => {
    const fs = new SimFs();
    written(fs, 200);
    const t = segFiles(fs, '/s').time as Uint8Array;
    const garbage = t.slice();
    garbage[garbage.length - 3] = (garbage[garbage.length - 3] as number) ^ 0xff;
    fs.put('/s/00000000000000000000.timeindex', garbage);
    const seg = Segment.open(fs, '/s', 0n);
    seg.close();
    expect([...(segFiles(fs, '/s').time as Uint8Array)]).toEqual([...t]);
  });
});

describe('Partition', () => {
  it('rolls when the active segment has reached the maximum, and reads across segments', () => {
    const fs = new SimFs();
    const p = Partition.open(fs, '/p', { maxSegmentBytes: 1000 });
    for (let i = 0; i < 50; i++) p.append({ value: new Uint8Array(90), timestamp: timestampFromMillis(i) });
    const segs = p.segments();
    expect(segs.length).toBeGreaterThan(4);
    for (const s of segs.slice(0, -1)) {
      expect(s.size).toBeGreaterThanOrEqual(1000);
      expect(s.size).toBeLessThan(1000 + 200);
    }
    const all = p.read(0n, { maxBytes: 1 << 30 }).messages;
    expect(all.map((m) => Number(m.offset))).toEqual(Array.from({ length: 50 }, (_, i) => i));
    // The original's single read stops at the first segment; its poll loop gets the rest.
    expect(p.readOriginal(0n).length).toBeLessThan(50);
    expect(p.earliestOffset()).toBe(0n);
    expect(p.nextOffset()).toBe(50n);
    p.close();
  });

  it('splits batches as the original does (value length + 100 estimate)', () => {
    const fs = new SimFs();
    const p = Partition.open(fs, '/p', { maxSegmentBytes: 2048, timeIndex: false });
    // 10 single appends of 204-byte frames leave 2040 bytes: the batch's first message still
    // goes into segment 0 (its estimate overflows the 8 bytes left), the rest roll.
    for (let i = 0; i < 10; i++) p.append({ value: new Uint8Array(166), timestamp: timestampFromMillis(0) });
    expect(p.segments()[0]?.size).toBe(2040);
    p.appendBatch(Array.from({ length: 6 }, () => ({ value: new Uint8Array(166), timestamp: timestampFromMillis(0) })));
    expect(p.segments().map((s) => s.baseOffset)).toEqual([0n, 11n]);
    p.close();
  });

  it('rolls before a relative offset would pass 2^32 - 1', () => {
    const fs = new SimFs();
    const p = Partition.open(fs, '/p');
    p.appendAt(0n, msg(0));
    p.appendAt(0xffffffffn, msg(1));
    p.appendAt(0x100000000n, msg(2));
    p.appendBatchAt([
      { offset: 0x100000001n, message: msg(3) },
      { offset: 0x300000000n, message: msg(4) },
    ]);
    expect(p.segments().map((s) => s.baseOffset)).toEqual([0n, 0x100000000n, 0x300000000n]);
    expect(p.read(0n, { maxBytes: 1e9 }).messages.map((m) => m.offset)).toEqual([
      0n,
      0xffffffffn,
      0x100000000n,
      0x100000001n,
      0x300000000n,
    ]);
    p.close();
  });

  it('retention deletes whole oldest segments by size and by age, never the active one', () => {
    const fs = new SimFs();
    const p = Partition.open(fs, '/p', { maxSegmentBytes: 1000 });
    for (let i = 0; i < 60; i++) p.append({ value: new Uint8Array(90), timestamp: timestampFromMillis(i * 1000) });
    const before = p.segments();
    const deleted = p.retain({ maxBytes: 3000 });
    expect(deleted).toEqual(before.slice(0, deleted.length).map((s) => s.baseOffset));
    expect(p.segments().reduce((n, s) => n + s.size, 0)).toBeLessThanOrEqual(3000 + 1200);
    expect(p.earliestOffset()).toBe(p.segments()[0]?.baseOffset);
    // Everything older than 15 s before t = 60 s goes, except the active segment.
    p.retain({ maxAgeMs: 15_000, nowMs: 60_000 });
    const first = p.read(p.earliestOffset(), { maxBytes: 100 }).messages[0] as Message;
    expect(first.offset).toBe(p.earliestOffset());
    p.retain({ maxAgeMs: 0, nowMs: 1e12 });
    expect(p.segments().length).toBe(1);
    expect(fs.listFiles('/p').every((f) => f.includes(p.earliestOffset().toString().padStart(20, '0')))).toBe(true);
    p.close();
  });

  it('is single-writer', () => {
    const fs = new SimFs();
    const p = Partition.open(fs, '/p');
    expect(() => Partition.open(fs, '/p')).toThrowError(expect.objectContaining({ code: CoreCode.LOCKED }));
    const ro = Partition.open(fs, '/p', { readOnly: true });
    ro.close();
    p.close();
    Partition.open(fs, '/p').close();
  });

  it('finds offsets for timestamps across segments as the original does', () => {
    const fs = new SimFs();
    const p = Partition.open(fs, '/p', { maxSegmentBytes: 800 });
    const stamps = Array.from({ length: 120 }, (_, i) => i * 100 + (i % 7 === 3 ? -450 : 0));
    for (const ms of stamps) p.append({ value: new Uint8Array(50), timestamp: timestampFromMillis(ms) });
    p.flush();
    for (const t of [-1, 0, 1, 99, 100, 2950, 3000, 6001, 11_900, 11_901, 1e9]) {
      expect(p.findOffsetForTimestamp(t)).toBe(p.findOffsetForTimestampLinear(t));
    }
    p.close();
  });

  it("leaves files the original's readers read, on disk through NodeFs", () => {
    const dir = tempDir();
    try {
      const fs = new NodeFs();
      const part = join(dir, 'partition-0');
      const p = Partition.open(fs, part, { maxSegmentBytes: 4096 });
      expect(nfs.existsSync(join(part, 'LOCK'))).toBe(true);
      const values: string[] = [];
      for (let i = 0; i < 200; i++) {
        const v = new TextEncoder().encode(`value-${i}-${'x'.repeat(i % 50)}`);
        values.push(Buffer.from(v).toString('hex'));
        p.append({
          key: i % 2 ? new Uint8Array([i]) : null,
          value: v,
          headers: [{ key: 'h', value: new Uint8Array([1]) }],
        });
      }
      p.close();
      expect(nfs.existsSync(join(part, 'LOCK'))).toBe(false);
      const orig = readPartitionOriginal(fs, part);
      expect(orig.messages.map((m) => m.value)).toEqual(values);
      expect(orig.recover_next_offset).toBe('200');
      expect(orig.segments.length).toBeGreaterThan(3);
    } finally {
      nfs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a missing partition with a typed error when it may not create it', () => {
    const fs = new SimFs();
    expect(() => Partition.open(fs, '/nope', { readOnly: true })).toThrowError(
      expect.objectContaining({ code: SegCode.NOT_FOUND }),
    );
    expect(() => readSegmentFileOriginal(fs, '/nope/00000000000000000000.log')).toThrowError(LogspecError);
  });
});
