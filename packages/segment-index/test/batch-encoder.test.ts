import { hexEncode, LogspecError } from '@logspec/core';
import { SimFs } from '@logspec/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendMessageFrame, newFrameBuffer } from '../src/codec/batch-encoder.js';
import { writeTimestampWords } from '../src/codec/timestamp-writer.js';
import {
  decodeIndexEntries,
  decodeTimeIndexEntries,
  encodeFrames,
  formatTimestamp,
  MAX_EPOCH_SECONDS,
  type Message,
  MIN_EPOCH_SECONDS,
  makeMessage,
  OffsetIndex,
  prepareMessage,
  SegCode,
  TimeIndex,
  type Timestamp,
  timestampFromMillis,
} from '../src/index.js';
import { type NewMessage, Partition, Segment } from '../src/store.js';
import { arbMessage, arbTimestamp } from './arbitraries.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** What the partition's batch path passes: a number offset below 2^53, a bigint above. */
const offsetArg = (o: bigint): number | bigint => (o <= MAX_SAFE ? Number(o) : o);

function batchBytes(messages: readonly Message[], offsets: 'auto' | 'bigint' = 'auto'): Uint8Array {
  const buf = newFrameBuffer();
  for (const m of messages)
    appendMessageFrame(buf, m, m.timestamp, offsets === 'auto' ? offsetArg(m.offset) : m.offset);
  return buf.bytes.slice(0, buf.length);
}

const reference = (messages: readonly Message[]) => encodeFrames(messages.map(prepareMessage)).bytes;

/** Timestamps the text writer treats differently: every fraction width, year edges, leap seconds. */
const SECONDS_EDGES = [
  MIN_EPOCH_SECONDS,
  MAX_EPOCH_SECONDS,
  -62_167_219_201, // -0001-12-31T23:59:59Z: signed
  -62_167_219_200, // 0000-01-01T00:00:00Z: first 4-digit year
  253_402_300_799, // 9999-12-31T23:59:59Z: last 4-digit year
  253_402_300_800, // +10000-01-01T00:00:00Z: signed again
  -1,
  0,
  1_483_228_799, // 2016-12-31T23:59:59Z (a real leap second follows)
];
const NANOS_EDGES = [0, 1_000_000, 999_000_000, 1000, 999_999_000, 1, 999_999_999, 120_000_000, 100];
const arbEdgeTimestamp: fc.Arbitrary<Timestamp> = fc
  .record({
    secs: fc.constantFrom(...SECONDS_EDGES),
    nanos: fc.oneof(
      fc.constantFrom(...NANOS_EDGES),
      fc.integer({ min: 0, max: 999 }).map((n) => n * 1_000_000), // 3 digits
      fc.integer({ min: 0, max: 999_999 }).map((n) => n * 1000), // 6 digits
      fc.integer({ min: 0, max: 999_999_999 }), // 9 digits
    ),
    leap: fc.boolean(),
  })
  .map(({ secs, nanos, leap }) =>
    // chrono keeps a leap second as second 59 with nanos >= 1e9.
    leap && ((secs % 60) + 60) % 60 === 59
      ? { epochSeconds: BigInt(secs), nanos: nanos + 1_000_000_000 }
      : { epochSeconds: BigInt(secs), nanos },
  );
const arbAnyTimestamp = fc.oneof(arbTimestamp, arbEdgeTimestamp);

describe('timestamp text through words', () => {
  it('writes what formatTimestamp writes, for every fraction width and year', () => {
    const out = new Uint8Array(64);
    const view = new DataView(out.buffer);
    fc.assert(
      fc.property(fc.array(arbAnyTimestamp, { minLength: 1, maxLength: 6 }), fc.nat(8), (list, at) => {
        // Several in a row: the cached second must follow the input back and forth.
        for (const ts of [...list, ...list.reverse()]) {
          out.fill(0xee);
          const end = writeTimestampWords(ts, Number(ts.epochSeconds), out, view, at);
          const text = formatTimestamp(ts);
          expect(new TextDecoder().decode(out.subarray(at, end))).toBe(text);
          // Nothing written outside the text.
          expect(out.subarray(0, at).every((b) => b === 0xee)).toBe(true);
          expect(out.subarray(end).every((b) => b === 0xee)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('covers 0, 3, 6 and 9 fraction digits and the year edges explicitly', () => {
    const cases: [Timestamp, string][] = [
      [{ epochSeconds: 1_760_000_000n, nanos: 0 }, '2025-10-09T08:53:20Z'],
      [{ epochSeconds: 1_760_000_000n, nanos: 7_000_000 }, '2025-10-09T08:53:20.007Z'],
      [{ epochSeconds: 1_760_000_000n, nanos: 7_000 }, '2025-10-09T08:53:20.000007Z'],
      [{ epochSeconds: 1_760_000_000n, nanos: 7 }, '2025-10-09T08:53:20.000000007Z'],
      [{ epochSeconds: -62_167_219_200n, nanos: 0 }, '0000-01-01T00:00:00Z'],
      [{ epochSeconds: -62_167_219_201n, nanos: 999_999_999 }, '-0001-12-31T23:59:59.999999999Z'],
      [{ epochSeconds: 253_402_300_799n, nanos: 120_000 }, '9999-12-31T23:59:59.000120Z'],
      [{ epochSeconds: 253_402_300_800n, nanos: 0 }, '+10000-01-01T00:00:00Z'],
      [{ epochSeconds: BigInt(MIN_EPOCH_SECONDS), nanos: 0 }, '-262144-01-01T00:00:00Z'],
      [{ epochSeconds: BigInt(MAX_EPOCH_SECONDS), nanos: 999_999_999 }, '+262143-12-31T23:59:59.999999999Z'],
      [{ epochSeconds: 1_483_228_799n, nanos: 1_500_000_000 }, '2016-12-31T23:59:60.500Z'],
    ];
    const out = new Uint8Array(64);
    const view = new DataView(out.buffer);
    for (const [ts, text] of cases) {
      const end = writeTimestampWords(ts, Number(ts.epochSeconds), out, view, 3);
      expect(new TextDecoder().decode(out.subarray(3, end))).toBe(text);
      expect(formatTimestamp(ts)).toBe(text);
    }
  });
});

describe('batch encoder (frames straight into one buffer)', () => {
  it('writes the bytes of encodeFrames(prepareMessage) for any messages', () => {
    const arbMessages = fc.array(
      fc.oneof(
        arbMessage,
        arbMessage.chain((m) => arbEdgeTimestamp.map((timestamp) => ({ ...m, timestamp }))),
      ),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(arbMessages, (messages) => {
        const want = hexEncode(reference(messages));
        expect(hexEncode(batchBytes(messages))).toBe(want);
        expect(hexEncode(batchBytes(messages, 'bigint'))).toBe(want);
      }),
      { numRuns: 400 },
    );
  });

  it('fills in the original defaults for fields a caller leaves out', () => {
    const arbPartial = arbMessage.chain((m) =>
      fc
        .subarray(['key', 'headers', 'producerId', 'producerEpoch', 'transactionMarker', 'isTransactional'] as const)
        .map((omit) => {
          const partial: Record<string, unknown> = { ...m };
          for (const k of omit) delete partial[k];
          return { full: makeMessage(partial as unknown as Message), partial };
        }),
    );
    fc.assert(
      fc.property(arbPartial, ({ full, partial }) => {
        const buf = newFrameBuffer();
        appendMessageFrame(buf, partial as unknown as NewMessage, full.timestamp, full.offset);
        expect(hexEncode(buf.bytes.slice(0, buf.length))).toBe(hexEncode(reference([full])));
      }),
      { numRuns: 200 },
    );
  });

  it('header names as words: every name length, empty values, a name repeated and alternated', () => {
    const names = ['', 'a', 'ab', 'abc', 'abcd', 'abcde', 'content-type', 'é', '\u{1F600}x', 'x'.repeat(200)];
    const messages: Message[] = [];
    for (let i = 0; i < 40; i++) {
      messages.push(
        makeMessage({
          offset: BigInt(i),
          value: new Uint8Array(i % 3),
          timestamp: timestampFromMillis(1_700_000_000_000 + i * 700),
          headers: [
            { key: names[i % names.length] as string, value: new Uint8Array(0) },
            { key: names[(i * 7) % names.length] as string, value: new Uint8Array(i % 5).fill(i) },
          ],
        }),
      );
    }
    expect(hexEncode(batchBytes(messages))).toBe(hexEncode(reference(messages)));
  });

  it('rejects what prepareMessage rejects, with its error, before writing anything', () => {
    const good = makeMessage({ value: new Uint8Array(3), timestamp: timestampFromMillis(0) });
    const bad: Record<string, unknown>[] = [
      { key: [1, 2] },
      { value: 'x' },
      { timestamp: { epochSeconds: 1, nanos: 0 } },
      { timestamp: { epochSeconds: BigInt(MAX_EPOCH_SECONDS) + 1n, nanos: 0 } },
      { timestamp: { epochSeconds: 0n, nanos: 1.5 } },
      { timestamp: { epochSeconds: 0n, nanos: 1_000_000_000 } }, // a leap second not on second 59
      { headers: 'x' },
      { headers: [null] },
      { headers: [{ key: 'a', value: 'b' }] },
      { headers: [{ key: '\ud800', value: new Uint8Array(0) }] },
      { producerId: -1n },
      { producerId: 1 },
      { producerEpoch: 65536 },
      { producerEpoch: 1.5 },
      { transactionMarker: 'Other' },
      { transactionMarker: 'toString' },
      { isTransactional: 1 },
    ];
    for (const patch of bad) {
      const m = { ...good, ...patch } as Message;
      let want: unknown;
      try {
        prepareMessage(m);
      } catch (e) {
        want = e;
      }
      expect(want, JSON.stringify(Object.keys(patch))).toBeInstanceOf(LogspecError);
      const buf = newFrameBuffer();
      appendMessageFrame(buf, good, good.timestamp, 0);
      const before = hexEncode(buf.bytes.slice(0, buf.length));
      let got: unknown;
      try {
        appendMessageFrame(buf, m, m.timestamp, 1);
      } catch (e) {
        got = e;
      }
      expect(got).toBeInstanceOf(LogspecError);
      expect((got as LogspecError).code).toBe((want as LogspecError).code);
      expect((got as LogspecError).message).toBe((want as LogspecError).message);
      expect(hexEncode(buf.bytes.slice(0, buf.length))).toBe(before);
    }
  });
});

describe('Partition.appendBatch through the batch encoder', () => {
  const files = (fs: SimFs) => Object.fromEntries(fs.listFiles('/p').map((f) => [f, hexEncode(fs.readFile(f))]));
  const arbBatch = fc.array(
    fc.record({
      key: fc.option(fc.uint8Array({ maxLength: 12 }), { nil: undefined }),
      value: fc.uint8Array({ maxLength: 400 }),
      timestamp: fc.option(arbAnyTimestamp, { nil: undefined }),
      headers: fc.option(
        fc.array(fc.record({ key: fc.constantFrom('a', 'trace-id', 'é'), value: fc.uint8Array({ maxLength: 9 }) }), {
          maxLength: 2,
        }),
        { nil: undefined },
      ),
    }),
    { minLength: 1, maxLength: 30 },
  );

  it('writes the same log, index and time index files as the general path (rolls and splits included)', () => {
    fc.assert(
      fc.property(
        fc.array(arbBatch, { minLength: 1, maxLength: 8 }),
        fc.constantFrom(1500, 4096, 1 << 20),
        (batches, maxSegmentBytes) => {
          const now = () => timestampFromMillis(1_234);
          const fast = new SimFs();
          const slow = new SimFs();
          const a = Partition.open(fast, '/p', { maxSegmentBytes, now });
          const b = Partition.open(slow, '/p', { maxSegmentBytes, now });
          for (const [i, batch] of batches.entries()) {
            const first = a.appendBatch(batch as NewMessage[]);
            const offsets = batch.map((_, k) => first + BigInt(k));
            b.appendBatchAt(
              batch.map((m, k) => ({
                offset: offsets[k] as bigint,
                message: makeMessage({ ...m, offset: offsets[k] as bigint, timestamp: m.timestamp ?? now() }),
              })),
            );
            expect(a.nextOffset()).toBe(b.nextOffset());
            if (i % 3 === 2) {
              a.flush();
              b.flush();
            }
          }
          expect(a.segments()).toEqual(b.segments());
          a.close();
          b.close();
          expect(files(fast)).toEqual(files(slow));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('leaves the partition as it was when a message of the batch is invalid', () => {
    const fs = new SimFs();
    const ref = new SimFs();
    const p = Partition.open(fs, '/p');
    const q = Partition.open(ref, '/p');
    const ok = (i: number): NewMessage => ({
      value: new Uint8Array(300).fill(i),
      timestamp: timestampFromMillis(1_700_000_000_000 + i),
    });
    const first = Array.from({ length: 20 }, (_, i) => ok(i));
    p.appendBatch(first);
    q.appendBatch(first);
    const size = p.segments()[0]?.size;
    // Past the checks the partition makes before choosing the batch path: a bad timestamp.
    const badTs = { epochSeconds: 1, nanos: 0 } as unknown as Timestamp;
    const bad = [...Array.from({ length: 30 }, (_, i) => ok(100 + i)), { value: new Uint8Array(1), timestamp: badTs }];
    let err: unknown;
    try {
      p.appendBatch(bad);
    } catch (e) {
      err = e;
    }
    expect((err as LogspecError).code).toBe(SegCode.INVALID_VALUE);
    expect(p.nextOffset()).toBe(20n);
    expect(p.segments()[0]?.size).toBe(size);
    expect(p.segmentObjects()[0]?.indexEntries()).toEqual(q.segmentObjects()[0]?.indexEntries());
    const more = Array.from({ length: 40 }, (_, i) => ok(200 + i));
    p.appendBatch(more);
    q.appendBatch(more);
    p.close();
    q.close();
    expect(files(fs)).toEqual(files(ref));
  });
});

describe('Segment.appendBatch through the batch encoder', () => {
  /** Messages with increasing offsets from `base` (gaps allowed), within u32 of it. */
  const arbRun = (base: bigint) =>
    fc.array(fc.tuple(arbMessage, fc.integer({ min: 1, max: 1000 })), { minLength: 1, maxLength: 12 }).map((xs) => {
      let o = base - 1n;
      return xs.map(([m, gap]) => {
        o += BigInt(gap);
        return { ...m, offset: o };
      });
    });

  it('writes the frames encodeFrames writes, offsets below and above 2^53, and returns their positions', () => {
    fc.assert(
      fc.property(fc.constantFrom(0n, 5n, MAX_SAFE - 3n, 1n << 60n), fc.integer({ min: 1, max: 3 }), (base, k) => {
        const runs = fc
          .sample(arbRun(base), k)
          .map((r, i) => r.map((m) => ({ ...m, offset: m.offset + BigInt(i) * 20_000n })));
        const fs = new SimFs();
        fs.mkdir('/s');
        const seg = Segment.open(fs, '/s', base);
        const all: Message[] = [];
        let at = 0;
        for (const run of runs) {
          const positions = seg.appendBatch(run.map((m) => ({ offset: m.offset, message: m })));
          const want = reference(run);
          expect(positions[0]).toBe(at);
          expect(positions).toHaveLength(run.length);
          at += want.length;
          all.push(...run);
        }
        seg.close();
        const log = fs.listFiles('/s').find((f) => f.endsWith('.log')) as string;
        expect(hexEncode(fs.readFile(log))).toBe(hexEncode(reference(all)));
      }),
      { numRuns: 40 },
    );
  });

  it('leaves the segment as it was when an offset or a message of the batch is bad', () => {
    const fs = new SimFs();
    fs.mkdir('/s');
    const seg = Segment.open(fs, '/s', 0n);
    const m = (i: number, ts = timestampFromMillis(1_700_000_000_000 + i)): Message =>
      makeMessage({ offset: BigInt(i), value: new Uint8Array(300).fill(i), timestamp: ts });
    seg.appendBatch(Array.from({ length: 20 }, (_, i) => ({ offset: BigInt(i), message: m(i) })));
    const size = seg.size;
    const entries = seg.indexEntries();
    const badTs = { epochSeconds: 1, nanos: 0 } as unknown as Timestamp;
    const badMessage = Array.from({ length: 30 }, (_, i) => ({ offset: BigInt(20 + i), message: m(20 + i) })).concat([
      { offset: 50n, message: m(50, badTs) },
    ]);
    const badOffset = [20, 21, 21].map((i) => ({ offset: BigInt(i), message: m(i) }));
    for (const [batch, code] of [
      [badMessage, SegCode.INVALID_VALUE],
      [badOffset, SegCode.OFFSET_NOT_INCREASING],
    ] as const) {
      let err: unknown;
      try {
        seg.appendBatch(batch);
      } catch (e) {
        err = e;
      }
      expect((err as LogspecError).code).toBe(code);
      expect(seg.size).toBe(size);
      expect(seg.indexEntries()).toEqual(entries);
      expect(seg.lastOffset()).toBe(19n);
    }
    seg.appendBatch([{ offset: 20n, message: m(20) }]);
    seg.close();
    const log = fs.listFiles('/s').find((f) => f.endsWith('.log')) as string;
    expect(hexEncode(fs.readFile(log))).toBe(hexEncode(reference(Array.from({ length: 21 }, (_, i) => m(i)))));
  });
});

describe('index entries as two 32-bit stores', () => {
  it('write the u64 positions and i64 timestamps setBig(U)Int64 writes', () => {
    const arbMs = fc.oneof(
      fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
      fc.constantFrom(Number.MIN_SAFE_INTEGER, -1, 0, 1, 2 ** 32 - 1, 2 ** 32, -(2 ** 32)),
    );
    const arbPos = fc.oneof(fc.nat(), fc.integer({ min: 0, max: 2 ** 53 - 1 }), fc.constantFrom(2 ** 32 - 1, 2 ** 32));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 0xffffffff }), arbPos, arbMs), { maxLength: 20 }), (entries) => {
        const idx = new OffsetIndex();
        const time = new TimeIndex();
        const want = new DataView(new ArrayBuffer(entries.length * 12));
        entries.forEach(([rel, pos, ms], i) => {
          idx.push(rel, pos);
          time.push(ms, rel);
          want.setUint32(i * 12, rel);
          want.setBigUint64(i * 12 + 4, BigInt(pos));
        });
        expect(hexEncode(idx.toBytes())).toBe(hexEncode(new Uint8Array(want.buffer)));
        expect(decodeIndexEntries(idx.toBytes()).map((e) => e.position)).toEqual(entries.map(([, p]) => BigInt(p)));
        expect(decodeTimeIndexEntries(time.toBytes())).toEqual(
          entries.map(([rel, , ms]) => ({ maxTimestampMs: BigInt(ms), relativeOffset: rel })),
        );
      }),
      { numRuns: 200 },
    );
  });
});
