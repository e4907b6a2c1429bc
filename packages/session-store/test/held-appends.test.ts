/**
 * `durability: 'none'` (the original: no fsync) holds frame lines and index rows in memory and
 * writes a run per file at a time; the files end up with the bytes of one-by-one appends, reads
 * and syncs write the held appends first, and a failed write of them fails the store.
 */
import { FaultFs, SimFs } from '@logspec/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RawJson, SessCode } from '../src/index.js';
import { SessionStore, type SessionStoreOptions } from '../src/store.js';
import { codeOf } from './helpers.js';

const T = '2026-04-15T12:34:56.789Z';
const NONE: SessionStoreOptions = { now: () => T, durability: 'none' };

function payload(i: number, size = 40): RawJson {
  return new RawJson(`{"type":"message","n":${i},"text":"${'x'.repeat(size)}"}`);
}

function tree(fs: SimFs): Record<string, string> {
  return Object.fromEntries(fs.listFiles('/s').map((f) => [f, Buffer.from(fs.readFile(f)).toString('hex')]));
}

/** Appends entries of the given payload sizes as a chain, then closes; returns the files. */
function filesAfter(opts: SessionStoreOptions, sizes: readonly number[], flushAt: ReadonlySet<number>): object {
  const fs = new SimFs();
  const s = SessionStore.open(fs, '/s', { now: () => T, ...opts });
  sizes.forEach((size, i) => {
    s.appendEntry(`e${i}`, i === 0 ? undefined : `e${i - 1}`, 'message', payload(i, size));
    if (flushAt.has(i)) s.flush();
  });
  s.close();
  return tree(fs);
}

describe("held appends (durability 'none')", () => {
  it("are written when the caller's synchronous run ends; a killed writer process then loses none", async () => {
    const fs = new SimFs();
    const s = SessionStore.open(fs, '/s', NONE);
    for (let i = 0; i < 5; i++) s.appendEntry(`e${i}`, i === 0 ? undefined : `e${i - 1}`, 'message', payload(i));
    const seg = fs.listFiles('/s/segments')[0] as string;
    expect(fs.stat(seg)?.size ?? 0).toBe(0);
    await Promise.resolve();
    expect(fs.stat(seg)?.size).toBe(Number(s.totalBytes()));
    // The process dies here: what it wrote stays with the OS (a copy of the files as they are).
    expect(SessionStore.openReadOnly(fs.clone(), '/s').entryCount()).toBe(5);
    s.close();
  });

  it('are written only once 64 KiB wait, by flush(), or before a read; a reader sees them then', () => {
    const fs = new SimFs();
    const s = SessionStore.open(fs, '/s', NONE);
    s.appendEntry('e0', undefined, 'message', payload(0));
    const seg = fs.listFiles('/s/segments')[0] as string;
    const size = () => fs.stat(seg)?.size ?? 0;
    for (let i = 1; i < 10; i++) s.appendEntry(`e${i}`, `e${i - 1}`, 'message', payload(i));
    expect(size()).toBe(0);
    expect(fs.stat('/s/index/offsets.jsonl')?.size ?? 0).toBe(0);
    s.flush();
    const written = size();
    expect(written).toBe(Number(s.totalBytes()));
    expect(SessionStore.openReadOnly(fs, '/s').entryCount()).toBe(10);
    s.appendEntry('e10', 'e9', 'message', payload(10));
    expect(size()).toBe(written);
    expect(s.lookupEntry(11)?.entryId).toBe('e10'); // the read wrote it first
    expect(size()).toBe(Number(s.totalBytes()));
    // 64 KiB of lines: written without a flush.
    for (let i = 11; i < 400; i++) s.appendEntry(`e${i}`, `e${i - 1}`, 'message', payload(i, 200));
    expect(size()).toBeGreaterThan(written + 64 * 1024);
    s.close();
    expect(SessionStore.openReadOnly(fs, '/s').entryCount()).toBe(400);
  });

  it('nothing held survives a crash before sync; sync makes them durable', () => {
    const fs = new SimFs();
    const s = SessionStore.open(fs, '/s', NONE);
    for (let i = 0; i < 5; i++) s.appendEntry(`e${i}`, i ? `e${i - 1}` : undefined, 'message', payload(i));
    s.sync();
    s.appendEntry('e5', 'e4', 'message', payload(5));
    const lost = fs.clone().crash('drop-unsynced');
    expect(SessionStore.open(lost, '/s', NONE).entryCount()).toBe(5);
    s.sync();
    expect(SessionStore.open(fs.clone().crash('drop-unsynced'), '/s', NONE).entryCount()).toBe(6);
    s.close();
  });

  it("leave the bytes of durability 'entry', across segment rotations and flushes", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 300, max: 40_000 }),
        fc.uniqueArray(fc.nat({ max: 60 }), { maxLength: 5 }),
        (sizes, maxSegmentBytes, flushes) => {
          const flushAt = new Set(flushes);
          expect(filesAfter({ durability: 'none', maxSegmentBytes }, sizes, flushAt)).toEqual(
            filesAfter({ durability: 'entry', maxSegmentBytes }, sizes, new Set()),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a failed write of held appends fails the store and cuts the files back to before them', () => {
    const sim = new SimFs();
    const fs = new FaultFs(sim);
    const s = SessionStore.open(fs, '/s', NONE);
    for (let i = 0; i < 3; i++) s.appendEntry(`e${i}`, i ? `e${i - 1}` : undefined, 'message', payload(i));
    s.sync();
    for (let i = 3; i < 6; i++) s.appendEntry(`e${i}`, `e${i - 1}`, 'message', payload(i));
    fs.inject({ at: 2, op: 'write', kind: 'EIO' }); // the lines are written, the rows fail
    expect(codeOf(() => s.flush())).toBe('CORE_IO');
    expect(codeOf(() => s.appendEntry('e6', 'e5', 'message', payload(6)))).toBe(SessCode.CLOSED);
    s.close();
    const again = SessionStore.open(sim, '/s', NONE);
    expect(again.entryCount()).toBe(3);
    expect(again.warnings).toEqual([]);
    again.close();
  });

  it("durability 'entry' holds nothing: each append is on disk when it returns", () => {
    const fs = new SimFs();
    const s = SessionStore.open(fs, '/s', { now: () => T });
    s.appendEntry('e0', undefined, 'message', payload(0));
    expect(fs.unsyncedBytes(fs.listFiles('/s/segments')[0] as string)).toBe(0);
    expect(SessionStore.open(fs.clone().crash('drop-unsynced'), '/s', NONE).entryCount()).toBe(1);
    s.close();
  });
});
