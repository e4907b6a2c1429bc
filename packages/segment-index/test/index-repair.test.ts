import { forEachCrashPoint, SimFs } from '@logspec/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  INDEX_ENTRY_SIZE,
  indexTornTail,
  type Message,
  makeMessage,
  OffsetIndex,
  SegCode,
  TIME_INDEX_ENTRY_SIZE,
  TimeIndex,
  timeIndexProblem,
  timestampFromMillis,
  validateOffsetIndex,
} from '../src/index.js';
import { readSegmentFileOriginal, Segment } from '../src/store.js';

const DIR = '/s';
const LOG = `${DIR}/00000000000000000000.log`;
const INDEX = `${DIR}/00000000000000000000.index`;
const TIME = `${DIR}/00000000000000000000.timeindex`;

interface Written {
  messages: Message[];
  log: Uint8Array;
  index: Uint8Array;
  time: Uint8Array | undefined;
}

/** A segment of messages with the given value sizes (contents from `seed`), closed: the fresh index. */
function write(sizes: readonly number[], seed: number, timeIndex: boolean): Written {
  const fs = new SimFs();
  fs.mkdir(DIR, { recursive: true });
  const seg = Segment.open(fs, DIR, 0n, { timeIndex });
  const messages = sizes.map((n, i) => {
    const value = new Uint8Array(n);
    for (let b = 0; b < n; b++) value[b] = (seed * 131 + i * 31 + b * 7) & 0xff;
    return makeMessage({
      offset: BigInt(i),
      value,
      timestamp: timestampFromMillis(1_700_000_000_000 + i * 10 - (i % 4 === 3 ? 25 : 0)),
    });
  });
  seg.appendBatch(messages.map((m) => ({ offset: m.offset, message: m })));
  seg.close();
  return {
    messages,
    log: fs.readFile(LOG),
    index: fs.readFile(INDEX),
    time: timeIndex ? fs.readFile(TIME) : undefined,
  };
}

function withFiles(w: Written, index: Uint8Array, time = w.time): SimFs {
  const fs = new SimFs();
  fs.mkdir(DIR, { recursive: true });
  fs.put(LOG, w.log);
  fs.put(INDEX, index);
  if (time) fs.put(TIME, time);
  return fs;
}

/** Offsets to read: the first and last message each index entry covers, plus one more. */
function targets(w: Written, extra: number): bigint[] {
  const idx = OffsetIndex.fromBytes(w.index);
  const out = new Set<number>([0, w.messages.length - 1, extra % w.messages.length]);
  for (let k = 0; k < idx.length; k++) {
    out.add(idx.rel[k] as number);
    if ((idx.rel[k] as number) > 0) out.add((idx.rel[k] as number) - 1);
  }
  return [...out].map(BigInt);
}

/** Opens (recovery runs), reads every target, closes; the files must be the fresh ones again. */
function openReadAndCompare(fs: SimFs, w: Written, at: bigint[], timeIndex: boolean) {
  const seg = Segment.open(fs, DIR, 0n, { timeIndex });
  try {
    for (const off of at) {
      const got = seg.read(off, { maxBytes: 1, maxMessages: 1 }).messages[0];
      expect(got?.offset).toBe(off);
      expect(sameBytes(got?.value ?? new Uint8Array(0), w.messages[Number(off)]?.value as Uint8Array)).toBe(true);
    }
    expect(seg.lastOffset()).toBe(BigInt(w.messages.length - 1));
  } finally {
    seg.close();
  }
  // Byte comparisons by hand: `toEqual` on typed arrays costs a millisecond per kilobyte.
  expect(sameBytes(fs.readFile(INDEX), w.index), 'index bytes').toBe(true);
  if (w.time) expect(sameBytes(fs.readFile(TIME), w.time), 'time index bytes').toBe(true);
  expect(sameBytes(fs.readFile(LOG), w.log), 'log bytes').toBe(true);
  return seg.recovery;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const sizesArb = fc.array(fc.integer({ min: 1, max: 1500 }), { minLength: 1, maxLength: 60 });

describe('index damage: codes and offsets', () => {
  it('order and bounds are checked without reading the log', () => {
    const idx = new OffsetIndex();
    idx.push(0, 0);
    idx.push(5, 4100);
    idx.push(4, 8200); // offset decreasing
    expect(validateOffsetIndex(idx, 10_000)).toBe(2);
    idx.truncate(2);
    idx.push(9, 4100); // position not increasing
    expect(validateOffsetIndex(idx, 10_000)).toBe(2);
    idx.truncate(2);
    idx.push(9, 10_000); // past the end
    expect(validateOffsetIndex(idx, 10_000)).toBe(2);
    idx.truncate(2);
    idx.push(5, 9000); // equal offsets are allowed (an undecodable frame repeats the previous one)
    expect(validateOffsetIndex(idx, 10_000)).toBe(3);
  });

  it('a partial trailing entry is reported at its byte offset', () => {
    expect(indexTornTail(36)).toBeUndefined();
    expect(indexTornTail(41)).toMatchObject({ code: SegCode.INDEX_TORN_ENTRY, offset: 36, entry: 3 });
  });

  it('time index problems: unpaired, decreasing, CRC, torn', () => {
    const idx = new OffsetIndex();
    idx.push(0, 0);
    idx.push(20, 4100);
    const t = new TimeIndex();
    t.push(100, 0);
    t.push(90, 20);
    const decreasing = t.toBytes();
    expect(timeIndexProblem(decreasing, TimeIndex.fromBytes(decreasing), idx)).toMatchObject({
      code: SegCode.INDEX_TIME_DECREASING,
      offset: TIME_INDEX_ENTRY_SIZE,
    });
    t.truncate(1);
    t.push(120, 21);
    const unpaired = t.toBytes();
    expect(timeIndexProblem(unpaired, TimeIndex.fromBytes(unpaired), idx)).toMatchObject({
      code: SegCode.INDEX_TIME_UNPAIRED,
      offset: TIME_INDEX_ENTRY_SIZE,
    });
    t.truncate(1);
    t.push(120, 20);
    const good = t.toBytes();
    expect(timeIndexProblem(good, TimeIndex.fromBytes(good), idx)).toBeUndefined();
    const bad = good.slice();
    bad[20] = (bad[20] as number) ^ 1;
    expect(timeIndexProblem(bad, TimeIndex.fromBytes(bad), idx)).toMatchObject({
      code: SegCode.INDEX_TIME_CRC_MISMATCH,
      offset: TIME_INDEX_ENTRY_SIZE,
    });
    const torn = new Uint8Array([...good, 1, 2, 3]);
    expect(timeIndexProblem(torn, TimeIndex.fromBytes(torn), idx)).toMatchObject({
      code: SegCode.INDEX_TIME_TORN_ENTRY,
      offset: 2 * TIME_INDEX_ENTRY_SIZE,
    });
    // More time entries than index entries.
    t.push(130, 30);
    const longer = t.toBytes();
    expect(timeIndexProblem(longer, TimeIndex.fromBytes(longer), idx)).toMatchObject({
      code: SegCode.INDEX_TIME_UNPAIRED,
      offset: 2 * TIME_INDEX_ENTRY_SIZE,
    });
  });

  it('recovery names each kind of bad .index entry, with its byte offset', () => {
    const w = write(
      Array.from({ length: 40 }, () => 700),
      1,
      false,
    );
    const idx = OffsetIndex.fromBytes(w.index);
    expect(idx.length).toBeGreaterThan(4);
    const cases: [string, (v: DataView) => void, string][] = [
      ['past the end', (v) => v.setBigUint64(2 * 12 + 4, BigInt(w.log.length), false), SegCode.INDEX_POSITION_PAST_END],
      [
        'position not increasing',
        (v) => v.setBigUint64(2 * 12 + 4, BigInt(idx.pos[1] as number), false),
        SegCode.INDEX_POSITION_NOT_INCREASING,
      ],
      [
        'offset decreasing',
        (v) => v.setUint32(2 * 12, (idx.rel[1] as number) - 1, false),
        SegCode.INDEX_OFFSET_DECREASING,
      ],
      [
        'not at a frame',
        (v) => v.setBigUint64(2 * 12 + 4, BigInt((idx.pos[2] as number) + 3), false),
        SegCode.INDEX_NOT_AT_FRAME,
      ],
      ['offset mismatch', (v) => v.setUint32(2 * 12, (idx.rel[2] as number) + 1, false), SegCode.INDEX_OFFSET_MISMATCH],
    ];
    for (const [, damage, code] of cases) {
      const bad = w.index.slice();
      damage(new DataView(bad.buffer));
      const r = openReadAndCompare(withFiles(w, bad), w, targets(w, 7), false);
      expect(r?.indexRebuilt).toBe(true);
      expect(r?.indexProblems).toEqual([expect.objectContaining({ file: 'index', code, offset: 24, entry: 2 })]);
      expect(r).toMatchObject({ indexEntriesDropped: 1, indexEntriesAdded: 1, truncatedBytes: 0 });
    }
  });

  it('recovery reports a torn .index tail and time index damage, and repairs both', () => {
    const w = write(
      Array.from({ length: 40 }, () => 700),
      2,
      true,
    );
    const time = (w.time as Uint8Array).slice();
    time[TIME_INDEX_ENTRY_SIZE + 3] = (time[TIME_INDEX_ENTRY_SIZE + 3] as number) ^ 0x10;
    const fs = withFiles(w, new Uint8Array([...w.index, 0, 0, 0]), time);
    const r = openReadAndCompare(fs, w, targets(w, 3), true);
    expect(r?.indexRebuilt).toBe(false);
    expect(r?.indexProblems).toEqual([
      expect.objectContaining({ file: 'index', code: SegCode.INDEX_TORN_ENTRY, offset: w.index.length }),
      expect.objectContaining({ file: 'timeindex', code: SegCode.INDEX_TIME_CRC_MISMATCH, offset: 16 }),
    ]);
    // A clean segment reports nothing.
    const again = Segment.open(fs, DIR, 0n);
    again.close();
    expect(again.recovery).toMatchObject({ indexProblems: [], indexRebuilt: false, indexEntriesAdded: 0 });
  });
});

describe('any damage to one index entry is found and repaired (property)', () => {
  it('every bit flip of every .index entry: reads are right and the index is rebuilt byte for byte', () => {
    fc.assert(
      fc.property(sizesArb, fc.nat(), fc.boolean(), (sizes, seed, timeIndex) => {
        const w = write(sizes, seed, timeIndex);
        const at = targets(w, seed);
        const entries = w.index.length / INDEX_ENTRY_SIZE;
        for (let k = 0; k < entries; k++) {
          for (let byte = 0; byte < INDEX_ENTRY_SIZE; byte++) {
            for (let bit = 0; bit < 8; bit++) {
              const bad = w.index.slice();
              const i = k * INDEX_ENTRY_SIZE + byte;
              bad[i] = (bad[i] as number) ^ (1 << bit);
              const r = openReadAndCompare(withFiles(w, bad), w, at, timeIndex);
              expect(r?.indexRebuilt).toBe(true);
              expect(r?.indexProblems.find((p) => p.file === 'index')).toMatchObject({
                offset: k * INDEX_ENTRY_SIZE,
              });
            }
          }
        }
      }),
      { numRuns: 25 },
    );
  });

  it('any value in any byte of one .index entry, any time index damage: same', () => {
    fc.assert(
      fc.property(
        sizesArb,
        fc.nat(),
        fc.boolean(),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        (sizes, seed, timeIndex, where, value) => {
          const w = write(sizes, seed, timeIndex);
          const bad = w.index.slice();
          const i = where % bad.length;
          const changed = bad[i] !== value;
          bad[i] = value;
          let time = w.time;
          if (time && where % 3 === 0) {
            time = time.slice();
            const t = (where >>> 2) % time.length;
            time[t] = (time[t] as number) ^ 0x40;
          }
          const r = openReadAndCompare(withFiles(w, bad, time), w, targets(w, where), timeIndex);
          expect(r?.indexRebuilt).toBe(changed);
          if (changed) {
            const k = Math.floor(i / INDEX_ENTRY_SIZE);
            expect(r?.indexProblems.find((p) => p.file === 'index')?.offset).toBe(k * INDEX_ENTRY_SIZE);
          }
          // The original reads the repaired segment in full.
          const fs = withFiles(w, w.index);
          expect(readSegmentFileOriginal(fs, LOG).messages.length).toBe(w.messages.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('crash while repairing a bad index entry (SimFs, every write/sync point, every crash mode)', () => {
  it('reopening after any crash in the repair still gives the right reads and the fresh index', async () => {
    const w = write(
      Array.from({ length: 30 }, (_, i) => 300 + i * 37),
      5,
      true,
    );
    const bad = w.index.slice();
    bad[2 * INDEX_ENTRY_SIZE + 10] = (bad[2 * INDEX_ENTRY_SIZE + 10] as number) ^ 0x01;
    const at = targets(w, 11);
    const report = await forEachCrashPoint<number>({
      setup: (fs) => {
        fs.mkdir(DIR, { recursive: true });
        fs.put(LOG, w.log);
        fs.put(INDEX, bad);
        fs.put(TIME, w.time as Uint8Array);
      },
      workload: (fs) => {
        Segment.open(fs, DIR, 0n).close();
      },
      check: (fs) => {
        openReadAndCompare(fs, w, at, true);
      },
    });
    expect(report.points).toBeGreaterThan(2);
  });
});

describe('index check over a log longer than its 1 MiB read window', () => {
  // ~3.5 MiB of messages over 4 KiB (each one indexed): frames straddle the window's edges, and
  // one message (1.2 MiB) is larger than the window.
  const sizes = Array.from({ length: 400 }, (_, i) => (i === 300 ? 1_200_000 : 4200 + ((i * 7919) % 1900)));
  const w = write(sizes, 7, true);
  const idx = OffsetIndex.fromBytes(w.index);

  it('a clean log passes with no problem and no rebuild', () => {
    expect(w.log.length).toBeGreaterThan(2 * (1 << 20));
    // The fixture really has an indexed frame cut by the window's end (the refill path) and
    // one larger than the window: the window rule of `Segment.probeFrame`, replayed.
    const W = 1 << 20;
    const view = new DataView(w.log.buffer, w.log.byteOffset);
    let start = 0;
    let length = 0;
    let cut = 0;
    let larger = 0;
    for (let k = 0; k < idx.length; k++) {
      const pos = idx.pos[k] as number;
      if (pos < start || pos + 8 > start + length) [start, length] = [pos, Math.min(W, w.log.length - pos)];
      const n = 8 + view.getUint32(pos + 4);
      if (n > W) larger++;
      else if (pos + n > start + length) {
        cut++;
        [start, length] = [pos, Math.min(W, w.log.length - pos)];
      }
    }
    expect([cut > 0, larger > 0]).toEqual([true, true]);
    const rec = openReadAndCompare(withFiles(w, w.index), w, targets(w, 1), true);
    expect(rec).toMatchObject({ indexProblems: [], indexRebuilt: false });
  });

  it('a bad entry past the first window, and the entry of the large frame, are found and repaired', () => {
    const after = idx.pos.findIndex((p) => (p as number) > 1.5 * (1 << 20));
    const big = idx.rel.indexOf(300);
    expect(after).toBeGreaterThan(0);
    for (const k of [after, big].filter((k) => k >= 0)) {
      const bad = w.index.slice();
      // Position moved 12 bytes forward: inside its frame, so no frame starts there.
      const v = new DataView(bad.buffer);
      v.setUint32(k * INDEX_ENTRY_SIZE + 8, v.getUint32(k * INDEX_ENTRY_SIZE + 8) + 12);
      const rec = openReadAndCompare(withFiles(w, bad), w, targets(w, k), true);
      expect(rec).toMatchObject({ indexRebuilt: true });
      expect(rec?.indexProblems[0]).toMatchObject({ code: SegCode.INDEX_NOT_AT_FRAME, offset: k * INDEX_ENTRY_SIZE });
    }
  });
});
