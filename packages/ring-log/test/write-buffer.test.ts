/**
 * RING-S-009: single appends are held in the store's staging buffer and written as one batch
 * (RING-W-008's three steps) when `bufferSlots` of them wait, or before `flush`, `sync`, `close`,
 * `appendMany` and the replays. The bytes are those of write-through appends.
 */
import { isLogspecError, type LogspecError } from '@logspec/core';
import { FaultFs, SimFs } from '@logspec/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RingCode, type RingSlot } from '../src/index.js';
import { DEFAULT_BUFFER_SLOTS, RingLog, readRingFile } from '../src/store.js';
import { rec } from './helpers.js';

const P = '/data/log.vrrl';
function simfs(): SimFs {
  const fs = new SimFs();
  fs.mkdir('/data');
  return fs;
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(isLogspecError(e), String(e)).toBe(true);
    return (e as LogspecError).code;
  }
  throw new Error('nothing was thrown');
}

type Op = { kind: 'append'; n: number } | { kind: 'many'; n: number } | { kind: 'flush' } | { kind: 'sync' };

/** Runs `ops` on a fresh ring and returns the file's bytes after `close`. */
function bytesAfter(capacity: number, bufferSlots: number | undefined, ops: readonly Op[]): Uint8Array {
  const fs = simfs();
  const log = RingLog.open(P, { fs, capacity, bufferSlots });
  let seq = 0;
  for (const op of ops) {
    if (op.kind === 'append') for (let i = 0; i < op.n; i++) log.append(rec(seq++, 1));
    else if (op.kind === 'many') log.appendMany(Array.from({ length: op.n }, () => rec(seq++, 2)));
    else if (op.kind === 'flush') log.flush();
    else log.sync();
  }
  log.close();
  return fs.readFile(P);
}

describe('held appends (RING-S-009)', () => {
  it('a full buffer is written as one batch: three writes for bufferSlots appends', () => {
    const fs = simfs();
    const log = RingLog.open(P, { fs, capacity: 4096 });
    const before = fs.mutations;
    for (let i = 0; i < DEFAULT_BUFFER_SLOTS - 1; i++) log.append(rec(i, 1));
    expect(fs.mutations - before).toBe(0);
    expect(log.buffered).toBe(DEFAULT_BUFFER_SLOTS - 1);
    log.append(rec(DEFAULT_BUFFER_SLOTS - 1, 1));
    expect(fs.mutations - before).toBe(3);
    expect(log.buffered).toBe(0);
    expect(log.cursor).toBe(DEFAULT_BUFFER_SLOTS);
    log.close();
  });

  it('flush hands held appends to the file without a sync; a reader sees them only then', () => {
    const fs = simfs();
    const log = RingLog.open(P, { fs, capacity: 8 });
    log.append(rec(1, 1));
    log.append(rec(2, 1));
    expect(readRingFile(fs, P).records).toEqual([]);
    expect(fs.unsyncedBytes(P)).toBe(0);
    const before = fs.mutations;
    log.flush();
    expect(fs.mutations - before).toBe(3);
    expect(fs.unsyncedBytes(P)).toBeGreaterThan(0);
    expect(readRingFile(fs, P).records).toEqual([rec(1, 1), rec(2, 1)]);
    expect(log.stats).toEqual({ appended: 2, synced: 0 });
    log.flush(); // nothing held: no write
    expect(fs.mutations - before).toBe(3);
    log.close();
  });

  it('sync, replay, replayColumns, forEachRecord, appendMany and close write held appends first', () => {
    const fs = simfs();
    const log = RingLog.open(P, { fs, capacity: 8 });
    log.append(rec(1, 1));
    expect(log.replay()).toEqual([rec(1, 1)]);
    log.append(rec(2, 1));
    expect(log.replayColumns().count).toBe(2);
    log.append(rec(3, 1));
    expect(log.forEachRecord(() => {})).toBe(3);
    log.append(rec(4, 1));
    log.appendMany([rec(5, 2)]);
    expect(readRingFile(fs, P).records.map((r) => r.slotIdx)).toEqual([1, 2, 3, 4, 5]);
    log.append(rec(6, 1));
    log.sync();
    expect(log.stats).toEqual({ appended: 6, synced: 6 });
    log.append(rec(7, 1));
    log.close();
    fs.crash('drop-unsynced');
    expect(readRingFile(fs, P).records.map((r) => r.slotIdx)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('syncEvery writes and syncs the held appends', () => {
    const fs = simfs();
    const log = RingLog.open(P, { fs, capacity: 16, syncEvery: 3 });
    for (let i = 0; i < 3; i++) log.append(rec(i, 1));
    expect(log.stats.synced).toBe(3);
    expect(fs.unsyncedBytes(P)).toBe(0);
    fs.crash('drop-unsynced');
    expect(readRingFile(fs, P).records).toHaveLength(3);
  });

  it('a bad value is refused before it is held: nothing staged, the cursor stays', () => {
    const fs = simfs();
    const log = RingLog.open(P, { fs, capacity: 8 });
    log.append(rec(1, 1));
    const bad = { ...rec(2, 1), opcode: -1 } as RingSlot;
    expect(codeOf(() => log.append(bad))).toBe(RingCode.INVALID_VALUE);
    expect(log.buffered).toBe(1);
    expect(log.cursor).toBe(1);
    expect(log.replay()).toEqual([rec(1, 1)]);
    log.close();
  });

  it("held appends are written when the caller's synchronous run ends: one batch, no sync", async () => {
    const fs = simfs();
    const log = RingLog.open(P, { fs, capacity: 8 });
    const before = fs.mutations;
    log.append(rec(1, 1));
    log.append(rec(2, 1));
    expect(fs.mutations - before).toBe(0);
    await Promise.resolve();
    // One run, one batch of three writes; a reader in another process sees both records.
    expect(fs.mutations - before).toBe(3);
    expect(log.buffered).toBe(0);
    expect(readRingFile(fs, P).records).toEqual([rec(1, 1), rec(2, 1)]);
    expect(log.stats).toEqual({ appended: 2, synced: 0 });
    // A writer that dies now (a process killed: written bytes stay in the OS) lost nothing.
    const copy = fs.clone();
    expect(RingLog.open(P, { fs: copy, lock: false }).replay()).toEqual([rec(1, 1), rec(2, 1)]);
    log.close();
  });

  it('a queued write after close, or after a failure, does nothing and throws nothing', async () => {
    const sim = simfs();
    const fs = new FaultFs(sim);
    const log = RingLog.open(P, { fs, capacity: 8 });
    log.append(rec(1, 1));
    log.close(); // wrote and synced the held record itself
    await Promise.resolve();
    const again = RingLog.open(P, { fs });
    again.append(rec(2, 1));
    fs.inject({ at: 1, op: 'write', kind: 'EIO' });
    await Promise.resolve(); // the queued write fails: the store is poisoned, nothing is thrown here
    expect(codeOf(() => again.append(rec(3, 1)))).toBe(RingCode.STORE_FAILED);
    again.close();
    sim.crash('drop-unsynced');
    expect(RingLog.open(P, { fs: sim }).replay()).toEqual([rec(1, 1)]);
  });

  it('a failed write of held appends poisons the store; the synced records survive', () => {
    const sim = simfs();
    const fs = new FaultFs(sim);
    const log = RingLog.open(P, { fs, capacity: 8, bufferSlots: 2 });
    log.append(rec(1, 1));
    log.sync();
    log.append(rec(2, 1)); // held
    fs.inject({ at: 1, op: 'write', kind: 'EIO' });
    expect(() => log.append(rec(3, 1))).toThrow(); // the run is full: its write fails
    expect(codeOf(() => log.append(rec(4, 1)))).toBe(RingCode.STORE_FAILED);
    expect(codeOf(() => log.flush())).toBe(RingCode.STORE_FAILED);
    expect(codeOf(() => log.replay())).toBe(RingCode.STORE_FAILED);
    log.close();
    sim.crash('drop-unsynced');
    const again = RingLog.open(P, { fs: sim });
    expect(again.replay()).toEqual([rec(1, 1)]);
    again.close();
  });

  it('bufferSlots must be a non-negative integer', () => {
    for (const bufferSlots of [-1, 1.5, Number.NaN]) {
      expect(codeOf(() => RingLog.open(P, { fs: simfs(), capacity: 4, bufferSlots }))).toBe(RingCode.INVALID_VALUE);
    }
  });

  it('a run that wraps past the last slot leaves the bytes of write-through appends', () => {
    const ops: Op[] = [{ kind: 'append', n: 3 }, { kind: 'flush' }, { kind: 'append', n: 4 }];
    expect(bytesAfter(5, 4, ops)).toEqual(bytesAfter(5, 1, ops));
  });

  it('any mix of appends, batches, flushes and syncs leaves the bytes of write-through appends', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('append' as const), n: fc.integer({ min: 1, max: 20 }) }),
      fc.record({ kind: fc.constant('many' as const), n: fc.integer({ min: 0, max: 20 }) }),
      fc.constant({ kind: 'flush' as const }),
      fc.constant({ kind: 'sync' as const }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.option(fc.integer({ min: 0, max: 16 }), { nil: undefined }),
        fc.array(op, { maxLength: 12 }),
        (capacity, bufferSlots, ops) => {
          expect(bytesAfter(capacity, bufferSlots, ops)).toEqual(bytesAfter(capacity, 1, ops));
        },
      ),
      { numRuns: 200 },
    );
  });
});
