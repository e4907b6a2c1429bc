import { isLogspecError } from '@logspec/core';
import { FaultFs, SimFs } from '@logspec/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeRecord, WalCode, type WalRecord, WalRecords } from '../src/index.js';
import { openWal, readOriginal, readWal, walFileName } from '../src/store.js';

const T = 'cc06c316-52eb-4438-acee-65630a691e37';
const rec = (i: number, meta: string | null = null): WalRecord =>
  WalRecords.nodeStart(T, i, { timestampNs: BigInt(i), metadata: meta });
const ids = (fs: SimFs, dir = '/w') => readWal(dir, { fs }).records.map((e) => e.record.nodeId);

afterEach(() => {
  vi.useRealTimers();
});

describe('opening', () => {
  it('creates the directory and wal_0000000000000000.log, durably', () => {
    const fs = new SimFs();
    fs.mkdir('/data');
    fs.syncAll();
    const w = openWal({ fs, dir: '/data/w' });
    expect(w.openReport).toMatchObject({ file: walFileName(0n), fileSequence: 0n, reused: false });
    w.closeSync();
    // forget-files keeps only what fsyncDir made durable: the directory and the file must survive.
    fs.crash('forget-files');
    expect(fs.listFiles('/data/w')).toEqual(['/data/w/wal_0000000000000000.log']);
  });

  it('WAL-W-009: reuses the newest file unless it is over the reuse limit (the original: 32 MiB)', () => {
    const fs = new SimFs();
    fs.put('/w/wal_0000000000000003.log', encodeRecord(rec(1)));
    fs.put('/w/wal_0000000000000001.log', encodeRecord(rec(0)));
    const w = openWal({ fs, dir: '/w' });
    expect(w.openReport).toMatchObject({ fileSequence: 3n, reused: true });
    expect(w.position).toEqual({ fileSequence: 3n, offset: 69 });
    w.write(rec(2));
    w.closeSync();
    expect(ids(fs)).toEqual([0, 1, 2]);
    const w2 = openWal({ fs, dir: '/w', reuseLimit: 100 });
    expect(w2.openReport).toMatchObject({ fileSequence: 4n, reused: false });
    w2.closeSync();
  });

  it('WAL-W-011: makes the name of a reused file durable (xerv never syncs directories)', async () => {
    const fs = new SimFs();
    fs.mkdir('/w');
    fs.syncAll();
    // As xerv leaves it: data synced, directory entry not.
    const h = fs.open(`/w/${walFileName(0n)}`, { create: true, write: true });
    h.append(encodeRecord(rec(1)));
    h.fdatasync();
    h.close();
    const w = openWal({ fs, dir: '/w' });
    expect(w.openReport.reused).toBe(true);
    await w.append(rec(2));
    fs.crash('forget-files');
    expect(ids(fs)).toEqual([1, 2]);
  });

  it('WAL-W-009: does not reopen a non-canonical newest name (would make two files with one number)', () => {
    const fs = new SimFs();
    fs.put('/w/wal_1.log', encodeRecord(rec(1)));
    const w = openWal({ fs, dir: '/w' });
    expect(w.openReport).toMatchObject({ fileSequence: 2n, file: walFileName(2n), reused: false });
    w.closeSync();
  });

  it('WAL-W-008: takes a single-writer lock', () => {
    const fs = new SimFs();
    const w = openWal({ fs, dir: '/w' });
    expect(() => openWal({ fs, dir: '/w' })).toThrow(expect.objectContaining({ code: 'CORE_LOCKED' }));
    w.closeSync();
    openWal({ fs, dir: '/w' }).closeSync();
  });

  it('refuses a path that is a file', () => {
    const fs = new SimFs();
    fs.put('/w', new Uint8Array(1));
    expect(() => openWal({ fs, dir: '/w' })).toThrow(expect.objectContaining({ code: WalCode.NOT_FOUND }));
  });

  it('WAL-S-001: truncates a torn tail of the newest file so records appended after it are reachable by the original reader', () => {
    const fs = new SimFs();
    const a = encodeRecord(rec(1));
    const torn = new Uint8Array(a.length + 40);
    torn.set(a);
    torn.set(encodeRecord(rec(2)).subarray(0, 40), a.length);
    fs.put('/w/wal_0000000000000000.log', torn);
    // Before repair the original reader aborts on the cut record.
    expect(() => readOriginal('/w', fs)).toThrow(expect.objectContaining({ code: WalCode.RECORD_TRUNCATED }));
    const w = openWal({ fs, dir: '/w' });
    expect(w.openReport.repairedTail).toEqual({
      file: walFileName(0n),
      offset: a.length,
      bytes: 40,
      cause: 'short_record',
    });
    w.write(rec(3));
    w.closeSync();
    expect(readOriginal('/w', fs).records.map((r) => r.node_id)).toEqual([1, 3]);
  });

  it('WAL-S-001: repairs the newest file even when it starts a new one', () => {
    const fs = new SimFs();
    const a = encodeRecord(rec(1));
    fs.put('/w/wal_0000000000000000.log', new Uint8Array([...a, 0, 0, 0, 0, 0, 0]));
    const w = openWal({ fs, dir: '/w', reuseLimit: 10 });
    expect(w.openReport).toMatchObject({ fileSequence: 1n, repairedTail: { cause: 'bad_length', bytes: 6 } });
    w.write(rec(2));
    w.closeSync();
    expect(readOriginal('/w', fs).records.map((r) => r.node_id)).toEqual([1, 2]);
  });

  it('WAL-S-002: rotates past a corrupt newest file (or refuses, if asked)', () => {
    const fs = new SimFs();
    const a = encodeRecord(rec(1));
    const b = encodeRecord(rec(2));
    fs.put('/w/wal_0000000000000000.log', new Uint8Array([...a, 3, 0, 0, 0, ...b]));
    expect(() => openWal({ fs, dir: '/w', onCorruptTail: 'refuse' })).toThrow(
      expect.objectContaining({ code: WalCode.CORRUPT_TAIL, offset: 69 }),
    );
    const w = openWal({ fs, dir: '/w' });
    expect(w.openReport).toMatchObject({ fileSequence: 1n, corruptTail: { end: { kind: 'corrupt', resyncAt: 73 } } });
    w.write(rec(3));
    w.closeSync();
    // Untouched: the damaged file is left as it was; logspec reads everything readable.
    expect(fs.readFile('/w/wal_0000000000000000.log')).toHaveLength(69 + 4 + 69);
    expect(ids(fs)).toEqual([1, 3]);
  });

  it('refuses to pass u64::MAX file sequence', () => {
    const fs = new SimFs();
    fs.put('/w/wal_ffffffffffffffff.log', encodeRecord(rec(1)));
    expect(() => openWal({ fs, dir: '/w', reuseLimit: 10 })).toThrow(
      expect.objectContaining({ code: WalCode.SEQUENCE_EXHAUSTED }),
    );
    // and the lock was released
    openWal({ fs, dir: '/w' }).closeSync();
  });
});

describe('rotation', () => {
  it('WAL-W-010: starts the next file when size + record > maxFileSize, and never leaves an empty file', () => {
    const fs = new SimFs();
    const w = openWal({ fs, dir: '/w', maxFileSize: 300 });
    for (let i = 0; i < 9; i++) w.write(rec(i));
    w.write(rec(100, 'x'.repeat(400))); // larger than a file: alone in its own
    w.write(rec(101));
    w.closeSync();
    const files = fs.listFiles('/w').filter((f) => f.includes('wal_0'));
    expect(files.map((f) => fs.readFile(f).length)).toEqual([276, 276, 69, 69 + 400, 69]);
    expect(ids(fs)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 100, 101]);
  });

  it('positions name the file and offset of each record', () => {
    const fs = new SimFs();
    const w = openWal({ fs, dir: '/w', maxFileSize: 150, durability: { mode: 'manual' } });
    expect([w.write(rec(1)), w.write(rec(2)), w.write(rec(3))]).toEqual([
      { fileSequence: 0n, offset: 0 },
      { fileSequence: 0n, offset: 69 },
      { fileSequence: 1n, offset: 0 },
    ]);
    expect(w.recordCount).toBe(3);
    w.closeSync();
  });
});

describe('durability policies', () => {
  it('WAL-W-012 every-record: durable when append resolves', async () => {
    const fs = new SimFs();
    const w = openWal({ fs, dir: '/w' });
    await w.append(rec(1));
    expect(fs.unsyncedBytes(`/w/${walFileName(0n)}`)).toBe(0);
    expect(w.pendingCount).toBe(0);
    fs.crash('drop-unsynced');
    expect(ids(fs)).toEqual([1]);
  });

  it('WAL-W-012 group-commit: syncs at maxRecords', async () => {
    const fs = new SimFs();
    const w = openWal({ fs, dir: '/w', durability: { mode: 'group-commit', maxRecords: 4, maxDelayMs: 60_000 } });
    const done: number[] = [];
    const ps = [1, 2, 3].map((i) => w.append(rec(i)).then(() => done.push(i)));
    await Promise.resolve();
    expect(done).toEqual([]);
    expect(w.pendingCount).toBe(3);
    await w.append(rec(4));
    await Promise.all(ps);
    expect(done).toEqual([1, 2, 3]);
    expect(fs.unsyncedBytes(`/w/${walFileName(0n)}`)).toBe(0);
    w.closeSync();
  });

  it('WAL-W-012 group-commit: a quiet writer is synced by the timer (fake timers)', async () => {
    vi.useFakeTimers();
    const fs = new SimFs();
    const w = openWal({ fs, dir: '/w', durability: { mode: 'group-commit', maxRecords: 128, maxDelayMs: 5 } });
    let resolved = false;
    const p = w.append(rec(1)).then(() => {
      resolved = true;
    });
    await vi.advanceTimersByTimeAsync(4);
    expect(resolved).toBe(false);
    expect(w.pendingCount).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await p;
    expect(resolved).toBe(true);
    const crashed = fs.clone().crash('drop-unsynced');
    expect(ids(crashed)).toEqual([1]);
    w.closeSync();
  });

  it('group-commit: a real short timer syncs too', async () => {
    const fs = new SimFs();
    const w = openWal({ fs, dir: '/w', durability: { mode: 'group-commit', maxRecords: 1000, maxDelayMs: 1 } });
    await w.append(rec(1));
    expect(fs.unsyncedBytes(`/w/${walFileName(0n)}`)).toBe(0);
    w.closeSync();
  });

  it('WAL-W-012 manual: append resolves at the next sync()', async () => {
    const fs = new SimFs();
    const w = openWal({ fs, dir: '/w', durability: { mode: 'manual' } });
    let resolved = false;
    const p = w.append(rec(1)).then(() => {
      resolved = true;
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(resolved).toBe(false);
    await w.sync();
    await p;
    expect(resolved).toBe(true);
    await w.close();
  });

  it('manual: buffered bytes go to the OS when the buffer fills, durable only after sync', () => {
    const fs = new SimFs();
    const w = openWal({ fs, dir: '/w', durability: { mode: 'manual' }, bufferSize: 200 });
    for (let i = 0; i < 5; i++) w.write(rec(i));
    expect(fs.readFile(`/w/${walFileName(0n)}`).length).toBeGreaterThan(0);
    expect(fs.unsyncedBytes(`/w/${walFileName(0n)}`)).toBeGreaterThan(0);
    w.commit();
    expect(fs.unsyncedBytes(`/w/${walFileName(0n)}`)).toBe(0);
    expect(ids(fs)).toEqual([0, 1, 2, 3, 4]);
    w.closeSync();
  });
});

describe('group commit batching', () => {
  /** Counts the writes and fdatasyncs of WAL files (not the lock, not directories). */
  function countOps(fs: SimFs) {
    const n = { write: 0, fdatasync: 0 };
    fs.onMutation = (_i, op, path) => {
      if (path.endsWith('.log') && (op === 'write' || op === 'fdatasync')) n[op]++;
    };
    return n;
  }

  it('a group of maxRecords appends is one write and one fdatasync', async () => {
    const fs = new SimFs();
    const w = openWal({ fs, dir: '/w', durability: { mode: 'group-commit', maxRecords: 8, maxDelayMs: 60_000 } });
    const n = countOps(fs);
    const ps: Promise<void>[] = [];
    for (let i = 0; i < 7; i++) ps.push(w.append(rec(i, 'm'.repeat(i * 10))));
    expect(n).toEqual({ write: 0, fdatasync: 0 });
    ps.push(w.append(rec(7)));
    expect(n).toEqual({ write: 1, fdatasync: 1 });
    await Promise.all(ps);
    // Every append of a group waits on the one promise of that group.
    expect(new Set(ps.slice(0, 7)).size).toBe(1);
    w.closeSync();
    expect(ids(fs)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('a group larger than the buffer is written as the buffer fills, still one fdatasync', async () => {
    const fs = new SimFs();
    const w = openWal({
      fs,
      dir: '/w',
      bufferSize: 256,
      durability: { mode: 'group-commit', maxRecords: 10, maxDelayMs: 60_000 },
    });
    const n = countOps(fs);
    await Promise.all(Array.from({ length: 10 }, (_, i) => w.append(rec(i, i === 4 ? 'x'.repeat(1000) : null))));
    expect(n.fdatasync).toBe(1);
    expect(n.write).toBeGreaterThan(1);
    expect(fs.unsyncedBytes(`/w/${walFileName(0n)}`)).toBe(0);
    // The 1069-byte record got a buffer of its own; memory is back to bufferSize after the commit.
    expect((w as unknown as { buf: Uint8Array }).buf.length).toBe(256);
    w.closeSync();
    expect(ids(fs)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('appendMany: resolves once every record is durable; commits fall inside the batch as with append', async () => {
    const fs = new SimFs();
    const w = openWal({ fs, dir: '/w', durability: { mode: 'group-commit', maxRecords: 4, maxDelayMs: 60_000 } });
    const n = countOps(fs);
    let resolved = false;
    const p = w.appendMany(Array.from({ length: 10 }, (_, i) => rec(i))).then(() => {
      resolved = true;
    });
    expect(n).toEqual({ write: 2, fdatasync: 2 });
    expect(w.pendingCount).toBe(2);
    await Promise.resolve();
    expect(resolved).toBe(false);
    await w.sync();
    await p;
    expect(resolved).toBe(true);
    expect(ids(fs.clone().crash('drop-unsynced'))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await expect(w.appendMany([])).resolves.toBeUndefined();
    await expect(w.appendMany(rec(1) as never)).rejects.toSatisfy((e) => isLogspecError(e, WalCode.INVALID_FIELD));
    w.closeSync();
  });

  it('appendMany under every-record and manual', async () => {
    const fs = new SimFs();
    const w = openWal({ fs, dir: '/w' });
    const n = countOps(fs);
    await w.appendMany([rec(1), rec(2), rec(3)]);
    expect(n).toEqual({ write: 3, fdatasync: 3 });
    w.closeSync();
    const m = openWal({ fs, dir: '/w', durability: { mode: 'manual' } });
    let resolved = false;
    const p = m.appendMany([rec(4), rec(5)]).then(() => {
      resolved = true;
    });
    await new Promise((r) => setTimeout(r, 2));
    expect(resolved).toBe(false);
    await m.close();
    await p;
    expect(ids(fs)).toEqual([1, 2, 3, 4, 5]);
  });

  it('appendMany: an invalid record rejects the batch; the records before it are written, none after', async () => {
    const fs = new SimFs();
    const w = openWal({ fs, dir: '/w', durability: { mode: 'group-commit', maxRecords: 100, maxDelayMs: 60_000 } });
    await expect(w.appendMany([rec(1), rec(2), { ...rec(3), nodeId: -1 }, rec(4)])).rejects.toSatisfy((e) =>
      isLogspecError(e, WalCode.INVALID_FIELD),
    );
    expect(w.recordCount).toBe(2);
    expect(w.pendingCount).toBe(2);
    const p5 = w.append(rec(5));
    await w.close();
    await p5;
    expect(ids(fs)).toEqual([1, 2, 5]);
  });
});

describe('failures', () => {
  it('WAL-W-013: a failed fdatasync rejects the waiting appends and poisons the writer; reopening recovers', async () => {
    const sim = new SimFs();
    const fs = new FaultFs(sim, [{ at: 2, op: 'fdatasync', kind: 'EIO' }]);
    const w = openWal({ fs, dir: '/w', durability: { mode: 'group-commit', maxRecords: 2, maxDelayMs: 1000 } });
    await Promise.all([w.append(rec(1)), w.append(rec(2))]);
    const p3 = w.append(rec(3));
    const p4 = w.append(rec(4));
    await expect(p3).rejects.toMatchObject({ code: 'CORE_IO' });
    await expect(p4).rejects.toMatchObject({ code: 'CORE_IO' });
    expect(() => w.write(rec(5))).toThrow(expect.objectContaining({ code: WalCode.WRITER_FAILED }));
    await expect(w.append(rec(5))).rejects.toMatchObject({ code: WalCode.WRITER_FAILED });
    w.closeSync();
    const w2 = openWal({ fs: sim, dir: '/w' });
    w2.write(rec(6));
    w2.closeSync();
    expect(ids(sim)).toEqual([1, 2, 3, 4, 6]);
  });

  it('a short write is completed (writeFully loops)', () => {
    const sim = new SimFs();
    const fs = new FaultFs(sim, [{ at: 1, op: 'write', kind: 'short', keep: 10 }]);
    const w = openWal({ fs, dir: '/w' });
    w.write(rec(1));
    w.closeSync();
    expect(ids(sim)).toEqual([1]);
  });

  it('ENOSPC on a write: typed error, writer refuses more; reopen truncates any partial record', () => {
    const sim = new SimFs();
    const fs = new FaultFs(sim, [
      { at: 2, op: 'write', kind: 'short', keep: 30 },
      { at: 3, op: 'write', kind: 'ENOSPC' },
    ]);
    const w = openWal({ fs, dir: '/w' });
    w.write(rec(1));
    expect(() => w.write(rec(2))).toThrow(expect.objectContaining({ code: 'CORE_IO' }));
    expect(() => w.write(rec(3))).toThrow(expect.objectContaining({ code: WalCode.WRITER_FAILED }));
    w.closeSync();
    const w2 = openWal({ fs: sim, dir: '/w' });
    expect(w2.openReport.repairedTail).toMatchObject({ offset: 69, bytes: 30 });
    w2.write(rec(4));
    w2.closeSync();
    expect(ids(sim)).toEqual([1, 4]);
  });

  it('closed writer: WAL_CLOSED; bad options: WAL_INVALID_FIELD', () => {
    const fs = new SimFs();
    const w = openWal({ fs, dir: '/w' });
    w.closeSync();
    w.closeSync();
    expect(() => w.write(rec(1))).toThrow(expect.objectContaining({ code: WalCode.CLOSED }));
    expect(() => openWal({ fs, dir: '/w', maxFileSize: 0 })).toThrow(
      expect.objectContaining({ code: WalCode.INVALID_FIELD }),
    );
    openWal({ fs, dir: '/w' }).closeSync();
  });

  it('an invalid record is rejected before anything is written', async () => {
    const fs = new SimFs();
    const w = openWal({ fs, dir: '/w' });
    await expect(w.append({ ...rec(1), nodeId: -1 })).rejects.toSatisfy((e) =>
      isLogspecError(e, WalCode.INVALID_FIELD),
    );
    w.write(rec(2));
    w.closeSync();
    expect(ids(fs)).toEqual([2]);
  });
});
