import { hexDecode, hexEncode, LogspecError } from '@logspec/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeFrame,
  decodeMessage,
  encodeFrame,
  encodeMessage,
  type Message,
  makeMessage,
  SegCode,
  timestampFromMillis,
} from '../src/index.js';
import { arbMessage, plain } from './arbitraries.js';

const SEG_CODES = new Set<string>(Object.values(SegCode));

/** Decodes or returns the typed error; anything else (RangeError, TypeError…) fails the test. */
function tryDecode(bytes: Uint8Array, mode: 'original' | 'strict' = 'original'): Message | LogspecError {
  try {
    return decodeMessage(bytes, { mode });
  } catch (e) {
    if (e instanceof LogspecError && SEG_CODES.has(e.code)) return e;
    throw e;
  }
}

const base = makeMessage({ offset: 2n, value: hexDecode('726177'), timestamp: timestampFromMillis(1735689602000) });

describe('postcard Message codec', () => {
  it('encodes the wire layout field by field', () => {
    // offset 2 · key None · value "raw" · ts "2025-01-01T00:00:02Z" · 0 headers · 3 × None · false
    expect(hexEncode(encodeMessage(base))).toBe(
      `02000372617714${hexEncode(new TextEncoder().encode('2025-01-01T00:00:02Z'))}0000000000`,
    );
    const full: Message = {
      offset: 300n,
      key: hexDecode('6b'),
      value: new Uint8Array(0),
      timestamp: base.timestamp,
      headers: [{ key: 'é', value: hexDecode('01') }],
      producerId: (1n << 64n) - 1n,
      producerEpoch: 65535,
      transactionMarker: 'Abort',
      isTransactional: true,
    };
    const hex = hexEncode(encodeMessage(full));
    expect(hex.startsWith('ac02' + '01016b' + '00' + '14')).toBe(true);
    expect(hex.endsWith(`0102c3a9010101${'ff'.repeat(9)}0101ffff03010101`)).toBe(true);
  });

  it('round-trips any message, and its bytes are canonical', () => {
    fc.assert(
      fc.property(arbMessage, (m) => {
        const bytes = encodeMessage(m);
        const back = decodeMessage(bytes, { mode: 'strict' });
        expect(plain(back)).toEqual(plain(m));
        expect(hexEncode(encodeMessage(back))).toBe(hexEncode(bytes));
      }),
      { numRuns: 400 },
    );
  });

  it('ignores trailing bytes as postcard does; strict mode refuses them', () => {
    fc.assert(
      fc.property(arbMessage, fc.uint8Array({ minLength: 1, maxLength: 16 }), (m, extra) => {
        const bytes = new Uint8Array([...encodeMessage(m), ...extra]);
        expect(plain(decodeMessage(bytes))).toEqual(plain(m));
        const e = tryDecode(bytes, 'strict');
        expect(e).toBeInstanceOf(LogspecError);
        expect((e as LogspecError).code).toBe(SegCode.NON_CANONICAL);
      }),
      { numRuns: 100 },
    );
  });

  it('gives a message or a typed error with an in-range offset for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), (bytes) => {
        const r = tryDecode(bytes);
        if (r instanceof LogspecError) {
          expect(r.offset).toBeGreaterThanOrEqual(0);
          expect(r.offset).toBeLessThanOrEqual(bytes.length);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('gives a message or a typed error for any byte-level damage of a valid message', () => {
    fc.assert(
      fc.property(
        arbMessage,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 }),
        (m, edits) => {
          const bytes = encodeMessage(m).slice();
          for (const [at, x] of edits) bytes[at % bytes.length] = (bytes[at % bytes.length] as number) ^ x;
          const r = tryDecode(bytes);
          if (r instanceof LogspecError) expect(r.offset).toBeLessThanOrEqual(bytes.length);
          // Without the frame CRC, postcard cannot tell a damaged value from another valid one:
          // whatever decodes is re-encodable.
          else expect(() => encodeMessage(r)).not.toThrow();
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('fails every truncation with DeserializeUnexpectedEnd', () => {
    fc.assert(
      fc.property(arbMessage, (m) => {
        const bytes = encodeMessage(m);
        for (let n = 0; n < bytes.length; n++) {
          const r = tryDecode(bytes.subarray(0, n));
          expect(r).toBeInstanceOf(LogspecError);
          expect((r as LogspecError).code).toBe(SegCode.UNEXPECTED_END);
          expect((r as LogspecError).details.postcard).toBe('DeserializeUnexpectedEnd');
        }
      }),
      { numRuns: 60 },
    );
  });

  it('reports the postcard variant of each hand-built defect', () => {
    const ts = hexEncode(new TextEncoder().encode('2025-01-01T00:00:02Z'));
    const cases: [string, string, string, number][] = [
      // hex, code, postcard variant, offset of the bad byte (UnexpectedEnd: of the field cut short)
      [`0202037261771400`, SegCode.BAD_OPTION, 'DeserializeBadOption', 1],
      [`020003726177${`14${ts}`}0000000002`, SegCode.BAD_BOOL, 'DeserializeBadBool', 31],
      [`02000372617714${ts}000000010200`, SegCode.BAD_MARKER, 'SerdeDeCustom', 31],
      [
        `0200037261770f${hexEncode(new TextEncoder().encode('not-a-timestamp'))}0000000000`,
        SegCode.BAD_TIMESTAMP,
        'SerdeDeCustom',
        7,
      ],
      [`020003726177${`14${ts}`}0000`, SegCode.UNEXPECTED_END, 'DeserializeUnexpectedEnd', 29],
      // u64 varint: 10th byte may only be 0 or 1.
      [`${'ff'.repeat(9)}02`, SegCode.BAD_VARINT, 'DeserializeBadVarint', 0],
      // u16 producer_epoch: 3rd byte at most 3.
      [`020003726177${`14${ts}`}00000180800400`, SegCode.BAD_VARINT, 'DeserializeBadVarint', 30],
      // u32 marker index: 5th byte at most 0x0f.
      [`020003726177${`14${ts}`}00000001ffffffff1000`, SegCode.BAD_VARINT, 'DeserializeBadVarint', 31],
      // header name not UTF-8.
      [`020003726177${`14${ts}`}0101ff00000000`, SegCode.BAD_UTF8, 'DeserializeBadUtf8', 29],
      // timestamp text not UTF-8.
      [`02000372617701ff`, SegCode.BAD_UTF8, 'DeserializeBadUtf8', 7],
      // a length larger than the input.
      [`0201ffffffffffffffffff01`, SegCode.UNEXPECTED_END, 'DeserializeUnexpectedEnd', 1],
    ];
    for (const [hex, code, variant, offset] of cases) {
      const r = tryDecode(hexDecode(hex));
      expect(r, hex).toBeInstanceOf(LogspecError);
      const e = r as LogspecError;
      expect(e.code, hex).toBe(code);
      expect(e.details.postcard, hex).toBe(variant);
      expect(e.offset, hex).toBe(offset);
    }
  });

  it('accepts non-minimal varints (as postcard does) but strict mode flags them', () => {
    const ts = hexEncode(new TextEncoder().encode('2025-01-01T00:00:02Z'));
    const hex = `8300000372617714${ts}0000000000`;
    expect(decodeMessage(hexDecode(hex)).offset).toBe(3n);
    expect((tryDecode(hexDecode(hex), 'strict') as LogspecError).code).toBe(SegCode.NON_CANONICAL);
    // 10-byte u64 with last byte 1: 2^63 + ... is valid.
    const big = `${'80'.repeat(9)}01000372617714${ts}0000000000`;
    expect(decodeMessage(hexDecode(big)).offset).toBe(1n << 63n);
  });

  it('a header count larger than the input fails without allocating for it', () => {
    const ts = hexEncode(new TextEncoder().encode('2025-01-01T00:00:02Z'));
    const r = tryDecode(hexDecode(`02000372617714${ts}ffffffffffffffffff01`));
    expect((r as LogspecError).code).toBe(SegCode.UNEXPECTED_END);
  });
});

describe('frames', () => {
  it('round-trips and lays out crc BE · len BE · payload', () => {
    fc.assert(
      fc.property(arbMessage, (m) => {
        const f = encodeFrame(m);
        const payload = encodeMessage(m);
        expect(f.length).toBe(8 + payload.length);
        const v = new DataView(f.buffer);
        expect(v.getUint32(4)).toBe(payload.length);
        expect(hexEncode(f.subarray(8))).toBe(hexEncode(payload));
        const d = decodeFrame(f);
        expect(d.length).toBe(payload.length);
        expect(plain(d.message)).toEqual(plain(m));
      }),
      { numRuns: 100 },
    );
  });

  it('detects every single-bit flip of a frame', () => {
    fc.assert(
      fc.property(arbMessage, fc.nat(), (m, seed) => {
        const f = encodeFrame(m);
        const bit = seed % (f.length * 8);
        const g = f.slice();
        g[bit >> 3] = (g[bit >> 3] as number) ^ (1 << (bit & 7));
        let err: unknown;
        try {
          decodeFrame(g);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(LogspecError);
        expect([SegCode.CRC_MISMATCH, SegCode.TORN_FRAME, SegCode.TRAILING_BYTES]).toContain(
          (err as LogspecError).code,
        );
      }),
      { numRuns: 500 },
    );
  });

  it('every truncation of a frame is a torn frame', () => {
    const f = encodeFrame(base);
    for (let n = 0; n < f.length; n++) {
      expect(() => decodeFrame(f.subarray(0, n))).toThrowError(expect.objectContaining({ code: SegCode.TORN_FRAME }));
    }
  });
});
