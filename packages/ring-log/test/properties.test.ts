import { CoreCode, hexEncode, isLogspecError, type LogspecError } from '@logspec/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  columnsRow,
  createRingColumns,
  decodeHeader,
  decodeSlot,
  decodeUnit,
  encodeHeader,
  encodeSlot,
  encodeUnit,
  MAX_CAPACITY,
  RingCode,
  type RingColumns,
  type RingSlot,
  readRing,
  readRingColumns,
  ringFileLength,
  ringToColumns,
  slotFromJson,
  slotToJson,
} from '../src/index.js';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const slotArb: fc.Arbitrary<RingSlot> = fc.record({
  timestampNs: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  slotIdx: u32,
  tenantId: u32,
  opcode: u32,
  args: fc.tuple(u32, u32, u32, u32),
  epoch: u32,
});

/** A ring image: small capacity, any cursor, each slot a record or empty. */
const ringArb = fc.integer({ min: 1, max: 12 }).chain((capacity) =>
  fc.record({
    capacity: fc.constant(capacity),
    cursor: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    slots: fc.array(fc.option(slotArb, { nil: null }), { minLength: capacity, maxLength: capacity }),
  }),
);

function image(r: { capacity: number; cursor: bigint; slots: Array<RingSlot | null> }): Uint8Array {
  const f = new Uint8Array(ringFileLength(r.capacity));
  encodeHeader({ capacity: r.capacity, cursor: 0 }, f, 0);
  new DataView(f.buffer).setBigUint64(24, r.cursor, true);
  r.slots.forEach((s, i) => {
    if (s) f.set(encodeSlot(s), 32 + 64 * i);
  });
  return f;
}

/** The reference replay: ring order from cursor mod capacity, records only. */
function model(r: { capacity: number; cursor: bigint; slots: Array<RingSlot | null> }): RingSlot[] {
  const next = Number(r.cursor % BigInt(r.capacity));
  const out: RingSlot[] = [];
  for (let k = 0; k < r.capacity; k++) {
    const s = r.slots[(next + k) % r.capacity];
    if (s) out.push(s);
  }
  return out;
}

const RING_CODES = new Set<string>(Object.values(RingCode));

/** `f` returns, or throws a typed error with a stable code and (for decoders) a byte offset. */
function valueOrTypedError(f: () => unknown, needOffset = true): unknown {
  try {
    return f();
  } catch (e) {
    if (!isLogspecError(e)) throw e;
    expect(RING_CODES.has(e.code) || e.code === CoreCode.OUT_OF_RANGE, e.code).toBe(true);
    if (needOffset && e.code !== RingCode.INVALID_VALUE) expect(typeof e.offset).toBe('number');
    return e;
  }
}

describe('round trip', () => {
  it('slot: decode(encode(s)) = s, also in strict mode; JSON too', () => {
    fc.assert(
      fc.property(slotArb, (s) => {
        const b = encodeSlot(s);
        expect(decodeSlot(b)).toEqual(s);
        expect(decodeSlot(b, 0, { mode: 'strict' })).toEqual(s);
        expect(slotFromJson(JSON.parse(JSON.stringify(slotToJson(s))))).toEqual(s);
        expect(encodeUnit('slot', slotToJson(s))).toEqual(b);
      }),
      { numRuns: 400 },
    );
  });

  it('header: decode(encode(h)) = h', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: MAX_CAPACITY })
          .chain((c) => fc.tuple(fc.constant(c), fc.integer({ min: 0, max: c - 1 }))),
        ([capacity, cursor]) => {
          const b = encodeHeader({ capacity, cursor });
          expect(decodeHeader(b, { mode: 'strict' })).toEqual({
            version: 1,
            flags: 0,
            capacity,
            cursor: BigInt(cursor),
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('ring: replay equals the model (objects and columns)', () => {
    fc.assert(
      fc.property(ringArb, (r) => {
        const f = image(r);
        expect(readRing(f).records).toEqual(model(r));
        const { columns } = readRingColumns(f);
        expect(columns.count).toBe(model(r).length);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the one-pass column replay', () => {
  it('agrees with scan-then-fill: same rows, same skipped slots, same first error', () => {
    const magicArb = fc.constantFrom(0, 0xdeadbeef, 0x0000beef, 0x12345678, 1);
    fc.assert(
      fc.property(
        ringArb,
        fc.array(fc.tuple(fc.nat(), magicArb), { maxLength: 4 }),
        fc.constantFrom('error', 'skip-torn', 'skip') as fc.Arbitrary<'error' | 'skip-torn' | 'skip'>,
        (r, magics, foreignSlots) => {
          const f = image(r);
          for (const [i, m] of magics) new DataView(f.buffer).setUint32(32 + 64 * (i % r.capacity), m, true);
          const g = { capacity: r.capacity, nextSlot: Number(r.cursor % BigInt(r.capacity)) };
          const outcome = (into?: RingColumns) => {
            try {
              const { columns, foreignSlots: skipped } = ringToColumns(f, g, { foreignSlots }, into);
              return { rows: Array.from({ length: columns.count }, (_, i) => columnsRow(columns, i)), skipped };
            } catch (e) {
              return { code: (e as LogspecError).code, offset: (e as LogspecError).offset };
            }
          };
          expect(outcome(createRingColumns(r.capacity))).toEqual(outcome());
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('canonical bytes', () => {
  // Near-valid inputs: valid encodings with a few bytes overwritten.
  const mutatedSlot = fc.tuple(
    slotArb,
    fc.array(fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
  );
  it('slot: whatever strict decoding accepts re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(mutatedSlot, fc.boolean(), ([s, edits], empty) => {
        const b = empty ? new Uint8Array(64) : encodeSlot(s);
        for (const [i, v] of edits) b[i] = v;
        const got = valueOrTypedError(() => decodeSlot(b, 0, { mode: 'strict' }));
        if (!isLogspecError(got)) expect(hexEncode(encodeSlot(got as RingSlot | null))).toBe(hexEncode(b));
      }),
      { numRuns: 500 },
    );
  });

  it('header: whatever strict decoding accepts re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 31 }), fc.integer({ min: 0, max: 255 })), { maxLength: 2 }),
        (capacity, edits) => {
          const b = encodeHeader({ capacity, cursor: capacity - 1 });
          for (const [i, v] of edits) b[i] = v;
          const got = valueOrTypedError(() => decodeHeader(b, { mode: 'strict' }));
          if (!isLogspecError(got)) expect(encodeHeader(got as { capacity: number; cursor: bigint })).toEqual(b);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('any input gives a value or a typed error', () => {
  it('arbitrary bytes to every decoder', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.constantFrom('original', 'strict') as fc.Arbitrary<'original' | 'strict'>,
        (b, mode) => {
          valueOrTypedError(() => decodeHeader(b, { mode }));
          valueOrTypedError(() => decodeSlot(b, 0, { mode }));
          valueOrTypedError(() => decodeUnit('header', b, mode));
          valueOrTypedError(() => decodeUnit('slot', b, mode));
          valueOrTypedError(() => readRing(b, { mode }));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('arbitrary bytes after a valid header (so the ring walk runs)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.uint8Array({ maxLength: 600 }),
        fc.constantFrom('error', 'skip-torn', 'skip') as fc.Arbitrary<'error' | 'skip-torn' | 'skip'>,
        (capacity, cursor, body, foreignSlots) => {
          const f = new Uint8Array(32 + body.length);
          encodeHeader({ capacity }, f, 0);
          new DataView(f.buffer).setBigUint64(24, cursor, true);
          f.set(body, 32);
          const r = valueOrTypedError(() => readRing(f, { foreignSlots }));
          if (!isLogspecError(r)) expect(f.length).toBeGreaterThanOrEqual(ringFileLength(capacity));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('arbitrary JSON to the encoders', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        valueOrTypedError(() => encodeUnit('slot', v), false);
        valueOrTypedError(() => encodeUnit('header', v), false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('every truncation is caught', () => {
  it('of a ring file: TRUNCATED_HEADER below 32 bytes, SHORT_FILE after', () => {
    fc.assert(
      fc.property(ringArb, (r) => {
        const f = image(r);
        for (let n = 0; n < f.length; n++) {
          const e = valueOrTypedError(() => readRing(f.subarray(0, n))) as LogspecError;
          expect(isLogspecError(e)).toBe(true);
          expect(e.code).toBe(n < 32 ? RingCode.TRUNCATED_HEADER : RingCode.SHORT_FILE);
          expect(e.offset).toBe(n);
        }
      }),
      { numRuns: 12 },
    );
  });

  it('of a slot unit: TRUNCATED_SLOT at the cut', () => {
    fc.assert(
      fc.property(slotArb, (s) => {
        const b = encodeSlot(s);
        for (let n = 0; n < 64; n++) {
          const e = valueOrTypedError(() => decodeUnit('slot', b.subarray(0, n))) as LogspecError;
          expect(e.code).toBe(RingCode.TRUNCATED_SLOT);
          expect(e.offset).toBe(n);
        }
      }),
      { numRuns: 30 },
    );
  });
});

/**
 * Every single bit flip of a ring file, classified as spec/ring.md § 6.3 says: detected (typed
 * error) for the file magic, version and slot magics; undetectable elsewhere, with the exact
 * effect the spec documents.
 */
describe('single bit flips', () => {
  it('are detected or have exactly the documented undetectable effect', () => {
    fc.assert(
      fc.property(ringArb, (r) => {
        const f = image(r);
        const want = model(r);
        for (let bit = 0; bit < f.length * 8; bit++) {
          const g = f.slice();
          const at = bit >> 3;
          g[at] = (g[at] as number) ^ (1 << (bit & 7));
          const got = valueOrTypedError(() => readRing(g));
          const err = isLogspecError(got) ? got.code : undefined;
          const records = isLogspecError(got) ? undefined : (got as { records: RingSlot[] }).records;
          if (at < 8) expect(err).toBe(RingCode.BAD_MAGIC);
          else if (at < 12) expect(err).toBe(RingCode.BAD_VERSION);
          else if (at < 16)
            expect(records).toEqual(want); // flags: ignored
          else if (at < 24) {
            // capacity: 0 / too large / longer than the file are detected; a smaller one is not.
            const cap = new DataView(g.buffer).getBigUint64(16, true);
            if (cap === 0n) expect(err).toBe(RingCode.ZERO_CAPACITY);
            else if (cap > BigInt(MAX_CAPACITY)) expect(err).toBe(RingCode.CAPACITY_OVERFLOW);
            else if (cap > BigInt(r.capacity)) expect(err).toBe(RingCode.SHORT_FILE);
            else expect(err).toBeUndefined();
          } else if (at < 32) {
            // cursor: the same records, rotated.
            expect(err).toBeUndefined();
            const key = (s: RingSlot) => hexEncode(encodeSlot(s));
            expect(records?.map(key).sort()).toEqual(want.map(key).sort());
          } else {
            const slot = (at - 32) >> 6;
            const within = (at - 32) & 63;
            const s = r.slots[slot];
            if (within < 4) {
              expect(err).toBe(RingCode.FOREIGN_SLOT_MAGIC);
              expect((got as LogspecError).details).toMatchObject({ slot, torn: false });
            } else if (s === null || s === undefined || within >= 44) {
              expect(records).toEqual(want); // padding, empty slot body: never read
            } else {
              // A record field: the same records but one, which differs from what was written.
              const idx = want.indexOf(s);
              expect(records?.filter((_, j) => j !== idx)).toEqual(want.filter((_, j) => j !== idx));
              expect(records?.[idx]).not.toEqual(s);
            }
          }
        }
      }),
      { numRuns: 6 },
    );
  });
});
