// The inputs of the logspec drivers are the original bench's: the PRNG behind them, and the
// record sizes its workloads are defined by.
import { encodeRecord } from '@logspec/wal';
import { describe, expect, test } from 'vitest';
import {
  approxSegmentFrameBytes,
  HOT_PAYLOAD_BYTES,
  hotPayload,
  hotPayloadPool,
  ringSlot,
  SESSION_PAYLOAD_BYTES,
  segmentMessageCount,
  sessionEntries,
  sessionEntryId,
  WAL_RECORD_BYTES,
  walRecords,
} from '../../src/bench-original/inputs.js';
import { Prng } from '../../src/bench-original/prng.js';
import { defaultSizes, withN } from '../../src/bench-original/sizes.js';

const M64 = (1n << 64n) - 1n;

/** SplitMix64 with a stream offset, on bigints: the reference the 32-bit-word port is checked against. */
function bigSplitMix(seed: bigint, stream: bigint): () => bigint {
  let s = (seed ^ (stream * 0x9e3779b97f4a7c15n)) & M64;
  return () => {
    s = (s + 0x9e3779b97f4a7c15n) & M64;
    let z = s;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
    return z ^ (z >> 31n);
  };
}

describe('the PRNG of original bench (SplitMix64)', () => {
  test('seed 0 gives the published first output', () => {
    expect(new Prng(0, 0).nextBig()).toBe(0xe220a8397b1dcdafn);
  });

  test.each([
    [7, 3],
    [7, 4],
    [7, 5],
    [7, 6],
    [7, 7],
    [0xffffffff, 12345],
  ])('seed %i stream %i: 20,000 outputs equal the bigint reference', (seed, stream) => {
    const p = new Prng(seed, stream);
    const ref = bigSplitMix(BigInt(seed), BigInt(stream));
    for (let i = 0; i < 20_000; i++) expect(p.nextBig()).toBe(ref());
  });

  test('below and bytes are next_u64 % n and its low byte', () => {
    const ref = bigSplitMix(7n, 5n);
    const p = new Prng(7, 5);
    for (let i = 0; i < 1000; i++) expect(p.below(1_074_000)).toBe(Number(ref() % 1_074_000n));
    const bytes = new Prng(7, 7).bytes(64);
    const r2 = bigSplitMix(7n, 7n);
    expect([...bytes]).toEqual(Array.from({ length: 64 }, () => Number(r2() & 0xffn)));
  });
});

describe('the workloads’ records', () => {
  test('WAL NodeDone records are 200 bytes each, a new trace every 16', () => {
    const records = walRecords(40, () => 1_760_000_000_000_000_000n);
    for (const r of records) expect(encodeRecord(r).length).toBe(WAL_RECORD_BYTES);
    expect(new Set(records.map((r) => r.traceId)).size).toBe(3);
    expect(records[17]?.traceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('session payloads are 300 bytes of compact JSON, ids are unique 8-hex words', () => {
    const entries = sessionEntries(50, '2026-04-15T12:34:56.789Z');
    for (const e of entries) expect(JSON.stringify(e.payload).length).toBe(SESSION_PAYLOAD_BYTES);
    expect(entries[0]?.parent).toBeUndefined();
    expect(entries[1]?.parent).toBe(entries[0]?.id);
    expect(sessionEntryId(0)).toBe('5bd1b244'); // (0 × k) ^ 0x5bd1e995, then x ^ x >> 16
    expect(new Set(Array.from({ length: 100_000 }, (_, i) => sessionEntryId(i))).size).toBe(100_000);
  });

  test('segment frames of ~250 bytes make 1,074,000 messages of 256 MiB; --n counts messages', () => {
    expect(approxSegmentFrameBytes()).toBe(250);
    expect(segmentMessageCount(256 * 2 ** 20)).toBe(1_074_000);
    expect(segmentMessageCount(withN(defaultSizes(), 'segment-append', 3000).bigBytes)).toBe(3000);
  });

  test('ring slots and hot payloads follow the formulas', () => {
    expect(ringSlot(2 ** 32 + 5)).toMatchObject({ slotIdx: 5, tenantId: 5, args: [5, 10, 15, 20] });
    expect(ringSlot(3000).timestampNs).toBe(1_760_000_000_003_000_000n);
    const pool = hotPayloadPool();
    expect(hotPayload(pool, 1).length).toBe(HOT_PAYLOAD_BYTES);
    expect(hotPayload(pool, 1)[0]).toBe(pool[4099]);
  });
});
