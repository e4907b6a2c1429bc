import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreCode } from '@logspec/core';
import { NodeFs } from '@logspec/core/node';
import { FaultFs, SimFs } from '@logspec/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  columnsRow,
  createRingColumns,
  encodeHeader,
  encodeSlot,
  MAX_CAPACITY,
  RingCode,
  type RingSlot,
  readRing,
  ringFileLength,
} from '../src/index.js';
import { creatingPath, RingLog, readRingFile, readRingImage } from '../src/store.js';
import { errorOf, rec, withTempDir } from './helpers.js';

const P = '/data/log.vrrl';
function simfs(): SimFs {
  const fs = new SimFs();
  fs.mkdir('/data');
  return fs;
}

function headerBytes(capacity: number, cursor: bigint): Uint8Array {
  const b = new Uint8Array(32);
  encodeHeader({ capacity }, b);
  new DataView(b.buffer).setBigUint64(24, cursor, true);
  return b;
}

describe('the original unit tests, against the store', () => {
  it('append and replay round trip', () => {
    const fs = simfs();
    const log = RingLog.open(P, { fs, capacity: 4 });
    log.append(rec(1, 10));
    log.append(rec(2, 11));
    log.sync();
    expect(log.replay()).toEqual([rec(1, 10), rec(2, 11)]);
    log.close();
  });

  it('rollover keeps the most recent', () => {
    const fs = simfs();
    const log = RingLog.open(P, { fs, capacity: 3 });
    for (let i = 0; i < 5; i++) log.append(rec(i, 100 + i));
    expect(log.replay().map((r) => r.slotIdx)).toEqual([2, 3, 4]);
    log.close();
  });

  it('reopen restores the cursor', () => {
    const fs = simfs();
    const log = RingLog.open(P, { fs, capacity: 4 });
    log.append(rec(1, 10));
    log.append(rec(2, 11));
    log.close();
    const again = RingLog.open(P, { fs, capacity: 4 });
    expect(again.cursor).toBe(2);
    expect(again.replay()).toHaveLength(2);
    again.close();
  });

  it('rejects capacity 0 and above the maximum before any I/O (RING-W-002)', () => {
    const fs = simfs();
    const before = fs.mutations;
    errorOf(() => RingLog.open(P, { fs, capacity: 0 }), RingCode.ZERO_CAPACITY);
    const e = errorOf(() => RingLog.open(P, { fs, capacity: MAX_CAPACITY + 1 }), RingCode.CAPACITY_OVERFLOW);
    expect(e.details).toMatchObject({ count: '1048577', max: '1048576' });
    errorOf(() => RingLog.open(P, { fs, capacity: 2n ** 64n - 1n }), RingCode.CAPACITY_OVERFLOW);
    errorOf(() => RingLog.open(P, { fs, capacity: -1 }), RingCode.INVALID_VALUE);
    expect(fs.mutations).toBe(before);
    expect(fs.exists(P)).toBe(false);
  });

  it('rejects a corrupted magic, and header capacities 0 or too large', () => {
    const fs = simfs();
    const bad = new Uint8Array(ringFileLength(4));
    bad.set(new TextEncoder().encode('XXXX0001'));
    fs.put(P, bad);
    errorOf(() => RingLog.open(P, { fs, capacity: 4 }), RingCode.BAD_MAGIC);
    fs.put(
      P,
      headerBytes(1, 0n).map((b, i) => (i >= 16 && i < 24 ? 0 : b)),
    );
    errorOf(() => RingLog.open(P, { fs, capacity: 4 }), RingCode.ZERO_CAPACITY);
    const huge = headerBytes(1, 0n);
    new DataView(huge.buffer).setBigUint64(16, BigInt(MAX_CAPACITY + 1), true);
    fs.put(P, huge);
    errorOf(() => RingLog.open(P, { fs, capacity: 4 }), RingCode.CAPACITY_OVERFLOW);
  });
});

describe('open', () => {
  it("uses the file's capacity, or refuses a mismatch when strict (RING-W-006)", () => {
    const fs = simfs();
    RingLog.open(P, { fs, capacity: 4 }).close();
    const log = RingLog.open(P, { fs, capacity: 8 });
    expect(log.capacity).toBe(4);
    expect(log.opened.capacityIgnored).toBe(8);
    log.close();
    const e = errorOf(() => RingLog.open(P, { fs, capacity: 8, strict: true }), RingCode.CAPACITY_MISMATCH);
    expect(e.offset).toBe(16);
    RingLog.open(P, { fs, capacity: 4, strict: true }).close();
    const noCap = RingLog.open(P, { fs });
    expect(noCap.capacity).toBe(4);
    expect(noCap.opened.capacityIgnored).toBeUndefined();
    noCap.close();
  });

  it('needs a capacity to create; a missing file is CORE_IO ENOENT', () => {
    const fs = simfs();
    const e = errorOf(() => RingLog.open(P, { fs }), CoreCode.IO);
    expect(e.details.errno).toBe('ENOENT');
    errorOf(() => RingLog.open(P, { fs, capacity: 4, syncEvery: -1 }), RingCode.INVALID_VALUE);
  });

  it('creates atomically: no temporary file is left, a stale one is replaced (RING-W-009)', () => {
    const fs = simfs();
    fs.put(creatingPath(P), new Uint8Array(7).fill(1));
    const log = RingLog.open(P, { fs, capacity: 3 });
    expect(log.opened.created).toBe(true);
    log.close();
    expect(fs.listFiles('/data')).toEqual([P]);
    const want = new Uint8Array(ringFileLength(3));
    encodeHeader({ capacity: 3 }, want);
    expect(fs.readFile(P)).toEqual(want);
  });

  it('refuses a file shorter than its capacity needs (RING-S-002)', () => {
    const fs = simfs();
    const f = new Uint8Array(ringFileLength(4) - 1);
    f.set(headerBytes(4, 0n));
    fs.put(P, f);
    const e = errorOf(() => RingLog.open(P, { fs }), RingCode.SHORT_FILE);
    expect(e.offset).toBe(f.length);
    expect(e.details).toMatchObject({ need: 288, have: 287, slot: 3 });
    errorOf(() => readRingFile(fs, P), RingCode.SHORT_FILE);
    fs.put(P, new Uint8Array(0));
    errorOf(() => RingLog.open(P, { fs, capacity: 2 }), RingCode.TRUNCATED_HEADER);
  });

  it('takes a stored cursor ≥ capacity modulo the capacity, and appends there', () => {
    const fs = simfs();
    const f = new Uint8Array(ringFileLength(4));
    f.set(headerBytes(4, 9n));
    fs.put(P, f);
    const log = RingLog.open(P, { fs });
    expect(log.cursor).toBe(1);
    expect(log.opened.storedCursor).toBe(9n);
    log.append(rec(7, 7));
    log.close();
    const img = fs.readFile(P);
    expect(new DataView(img.buffer).getBigUint64(24, true)).toBe(2n);
    expect(img.subarray(96, 160)).toEqual(encodeSlot(rec(7, 7)));
  });

  it('ignores and reports trailing bytes (RING-R-011)', () => {
    const fs = simfs();
    const f = new Uint8Array(ringFileLength(2) + 5).fill(0xaa, ringFileLength(2));
    f.set(headerBytes(2, 0n));
    f.set(encodeSlot(rec(1, 1)), 32);
    fs.put(P, f);
    const log = RingLog.open(P, { fs });
    expect(log.opened.trailingBytes).toBe(5);
    expect(log.replay()).toEqual([rec(1, 1)]);
    log.close();
  });
});

describe('lock (RING-S-001)', () => {
  it('allows one writer', () => {
    const fs = simfs();
    const a = RingLog.open(P, { fs, capacity: 2 });
    errorOf(() => RingLog.open(P, { fs, capacity: 2 }), CoreCode.LOCKED);
    const b = RingLog.open(P, { fs, lock: false });
    b.close();
    a.close();
    RingLog.open(P, { fs }).close();
  });

  it('uses <path>.lock with NodeFs and removes it on close', async () => {
    await withTempDir((dir) => {
      const fs = new NodeFs();
      const p = join(dir, 'r.vrrl');
      const a = RingLog.open(p, { fs, capacity: 2 });
      expect(existsSync(`${p}.lock`)).toBe(true);
      errorOf(() => RingLog.open(p, { fs, capacity: 2 }), CoreCode.LOCKED);
      a.close();
      expect(readdirSync(dir)).toEqual(['r.vrrl']);
    });
  });

  it('releases the lock when open fails', () => {
    const fs = simfs();
    fs.put(P, new Uint8Array(10));
    errorOf(() => RingLog.open(P, { fs }), RingCode.BAD_MAGIC);
    errorOf(() => RingLog.open(P, { fs }), RingCode.BAD_MAGIC);
  });
});

describe('appendMany (RING-W-007)', () => {
  it('leaves the same bytes as single appends, in at most 5 writes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.integer({ min: 0, max: 25 }), { minLength: 1, maxLength: 8 }),
        (capacity, batches) => {
          const one = simfs();
          const many = simfs();
          const a = RingLog.open(P, { fs: one, capacity });
          const b = RingLog.open(P, { fs: many, capacity });
          let seq = 0;
          for (const n of batches) {
            const batch = Array.from({ length: n }, () => rec(seq, seq++));
            for (const s of batch) a.append(s);
            const before = many.mutations;
            b.appendMany(batch);
            expect(many.mutations - before).toBeLessThanOrEqual(n === 0 ? 0 : 5);
            expect(b.cursor).toBe(a.cursor);
          }
          expect(b.replay()).toEqual(a.replay());
          a.close();
          b.close();
          expect(many.readFile(P)).toEqual(one.readFile(P));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('validates every record (even those the ring overwrites) before writing', () => {
    const fs = simfs();
    const log = RingLog.open(P, { fs, capacity: 2 });
    const before = fs.mutations;
    errorOf(() => log.appendMany([{ ...rec(1, 1), epoch: -1 }, rec(2, 2), rec(3, 3)]), RingCode.INVALID_VALUE);
    errorOf(() => log.appendMany([rec(1, 1), { ...rec(2, 2), opcode: 2 ** 32 }]), RingCode.INVALID_VALUE);
    errorOf(() => log.append({ ...rec(1, 1), args: [1, 2, 3] as unknown as RingSlot['args'] }), RingCode.INVALID_VALUE);
    errorOf(() => log.appendMany([rec(1, 1)], 1, 0), RingCode.INVALID_VALUE);
    expect(fs.mutations).toBe(before);
    log.appendMany([rec(1, 1), rec(2, 2)], 1);
    expect(log.replay()).toEqual([rec(2, 2)]);
    log.close();
  });

  it('single append is three positioned writes when written through (bufferSlots 1)', () => {
    const fs = simfs();
    const log = RingLog.open(P, { fs, capacity: 2, bufferSlots: 1 });
    const before = fs.mutations;
    log.append(rec(1, 1));
    expect(fs.mutations - before).toBe(3);
    log.close();
  });
});

describe('durability policy (RING-S-003)', () => {
  it('explicit: nothing is synced until sync()', () => {
    const fs = simfs();
    const log = RingLog.open(P, { fs, capacity: 4, bufferSlots: 1 });
    log.append(rec(1, 1));
    expect(fs.unsyncedBytes(P)).toBeGreaterThan(0);
    expect(log.stats).toEqual({ appended: 1, synced: 0 });
    log.sync();
    expect(fs.unsyncedBytes(P)).toBe(0);
    expect(log.stats).toEqual({ appended: 1, synced: 1 });
    log.append(rec(2, 2));
    log.close();
    expect(fs.unsyncedBytes(P)).toBe(0);
  });

  it('syncEvery N syncs once N records were appended since the last sync', () => {
    const fs = simfs();
    const log = RingLog.open(P, { fs, capacity: 8, syncEvery: 3 });
    log.append(rec(1, 1));
    log.append(rec(2, 2));
    expect(log.stats.synced).toBe(0);
    log.append(rec(3, 3));
    expect(log.stats.synced).toBe(3);
    expect(fs.unsyncedBytes(P)).toBe(0);
    log.appendMany([rec(4, 4), rec(5, 5), rec(6, 6), rec(7, 7)]);
    expect(log.stats.synced).toBe(7);
    log.close();
  });
});

describe('readRingImage', () => {
  it('allocates no more than the file holds: a 288-byte file claiming 1,048,576 slots is RING_SHORT_FILE', () => {
    const fs = simfs();
    const file = new Uint8Array(288);
    file.set(headerBytes(MAX_CAPACITY, 0n));
    fs.put(P, file);
    const img = readRingImage(fs, P);
    expect(img).toMatchObject({ size: 288, whole: false, geometry: { capacity: MAX_CAPACITY, nextSlot: 0 } });
    expect(img.image.length).toBe(288);
    expect(img.image.buffer.byteLength).toBeLessThanOrEqual(288);
    errorOf(() => readRingFile(fs, P), RingCode.SHORT_FILE);
  });
});

describe('replay paths and foreign slots', () => {
  it('objects, columns and the visitor agree', () => {
    const fs = simfs();
    const log = RingLog.open(P, { fs, capacity: 7 });
    for (let i = 0; i < 11; i++) log.append(rec(i, i));
    const objects = log.replay();
    const cols = log.replayColumns();
    expect(Array.from({ length: cols.count }, (_, i) => columnsRow(cols, i))).toEqual(objects);
    expect(log.replayColumns(cols)).toBe(cols);
    const seen: RingSlot[] = [];
    expect(log.forEachRecord((v) => seen.push(v.toSlot()))).toBe(7);
    expect(seen).toEqual(objects);
    log.close();
  });

  it('a foreign slot fails replay by default, or is skipped and reported (RING-R-008)', () => {
    const fs = simfs();
    const f = new Uint8Array(ringFileLength(3));
    f.set(headerBytes(3, 0n));
    f.set(encodeSlot(rec(1, 1)), 32);
    f.set(encodeSlot(rec(2, 2)), 96);
    new DataView(f.buffer).setUint32(96, 0x12345678, true);
    fs.put(P, f);
    const log = RingLog.open(P, { fs });
    expect(log.opened.foreignSlots).toEqual([1]);
    const e = errorOf(() => log.replay(), RingCode.FOREIGN_SLOT_MAGIC);
    expect(e.offset).toBe(96);
    errorOf(() => log.replayColumns(createRingColumns(3)), RingCode.FOREIGN_SLOT_MAGIC);
    log.close();
    const skipping = RingLog.open(P, { fs, foreignSlots: 'skip' });
    expect(skipping.replay()).toEqual([rec(1, 1)]);
    expect(skipping.lastSkipped).toEqual([1]);
    const cols = skipping.replayColumns(createRingColumns(3));
    expect(cols.count).toBe(1);
    expect(columnsRow(cols, 0)).toEqual(rec(1, 1));
    expect(skipping.lastSkipped).toEqual([1]);
    skipping.close();
  });

  it('clears torn magics on open and syncs, so the original can read the file (RING-S-008)', () => {
    const fs = simfs();
    const f = new Uint8Array(ringFileLength(3));
    f.set(headerBytes(3, 2n));
    f.set(encodeSlot(rec(1, 1)), 32);
    f.set(encodeSlot(rec(2, 2)), 96);
    new DataView(f.buffer).setUint32(96, 0x0000beef, true);
    fs.put(P, f);
    errorOf(() => readRingFile(fs, P), RingCode.FOREIGN_SLOT_MAGIC);
    const log = RingLog.open(P, { fs });
    expect(log.opened.clearedTornSlots).toEqual([1]);
    expect(fs.unsyncedBytes(P)).toBe(0);
    expect(log.replay()).toEqual([rec(1, 1)]);
    log.close();
    expect(readRingFile(fs, P).records).toEqual([rec(1, 1)]);
    expect(fs.readFile(P).subarray(96, 160)).toEqual(new Uint8Array(64));
  });

  it('a file shortened behind the writer reads as SHORT_FILE', () => {
    const fs = simfs();
    const log = RingLog.open(P, { fs, capacity: 3 });
    log.append(rec(1, 1));
    const h = fs.open(P, { write: true });
    h.truncate(100);
    h.close();
    errorOf(() => log.replay(), RingCode.SHORT_FILE);
    log.close();
  });
});

describe('failures (RING-S-004)', () => {
  it('a failed write poisons the store; reopening recovers the synced records', () => {
    const sim = simfs();
    const fs = new FaultFs(sim);
    const log = RingLog.open(P, { fs, capacity: 4, bufferSlots: 1 });
    log.append(rec(1, 1));
    log.sync();
    fs.inject({ at: 2, op: 'write', kind: 'EIO' });
    expect(() => log.append(rec(2, 2))).toThrow();
    errorOf(() => log.append(rec(3, 3)), RingCode.STORE_FAILED);
    errorOf(() => log.sync(), RingCode.STORE_FAILED);
    errorOf(() => log.replay(), RingCode.STORE_FAILED);
    log.close();
    sim.crash('drop-unsynced');
    const again = RingLog.open(P, { fs: sim });
    expect(again.replay()).toEqual([rec(1, 1)]);
    again.close();
  });

  it('a failed sync poisons the store too', () => {
    const fs = new FaultFs(simfs(), [{ at: 1, op: 'fdatasync', kind: 'EIO' }]);
    // Creation's own fdatasync is the first: let it fail, then succeed on a retry.
    expect(() => RingLog.open(P, { fs, capacity: 2 })).toThrow();
    const log = RingLog.open(P, { fs, capacity: 2 });
    fs.inject({ at: 1, op: 'fdatasync', kind: 'EIO' });
    log.append(rec(1, 1));
    expect(() => log.sync()).toThrow();
    errorOf(() => log.append(rec(2, 2)), RingCode.STORE_FAILED);
    log.close();
  });

  it('a closed store refuses further calls', () => {
    const fs = simfs();
    const log = RingLog.open(P, { fs, capacity: 2 });
    log.close();
    log.close();
    errorOf(() => log.append(rec(1, 1)), CoreCode.CLOSED);
    errorOf(() => log.replay(), CoreCode.CLOSED);
  });
});

describe('NodeFs', () => {
  it('writes the bytes the codec describes', async () => {
    await withTempDir((dir) => {
      const fs = new NodeFs();
      const p = join(dir, 'r.vrrl');
      const log = RingLog.open(p, { fs, capacity: 3 });
      log.appendMany([rec(1, 1), rec(2, 2), rec(3, 3), rec(4, 4)]);
      log.close();
      const img = new Uint8Array(readFileSync(p));
      expect(readRing(img).records).toEqual([rec(2, 2), rec(3, 3), rec(4, 4)]);
      expect(readRingFile(fs, p).cursor).toBe(1);
      writeFileSync(p, img.subarray(0, 100));
      errorOf(() => readRingFile(fs, p), RingCode.SHORT_FILE);
    });
  });
});
