import { isLogspecError } from '@logspec/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeRecord,
  encodedSize,
  encodeRecord,
  encodeRecordInto,
  Field,
  fromCanonicalRecord,
  HEADER_SIZE,
  toCanonicalRecord,
  WalCode,
} from '../src/index.js';
import { arbRecord, normalized } from './arbitraries.js';

/** Runs `f`; a thrown value must be a LogspecError of format wal (never a RangeError/TypeError). */
function valueOrTypedError<T>(f: () => T): T | { code: string } {
  try {
    return f();
  } catch (e) {
    if (!isLogspecError(e) || e.format !== 'wal') throw e;
    expect(e.code).toMatch(/^WAL_[A-Z_]+$/);
    return { code: e.code };
  }
}

describe('record codec properties', () => {
  it('decode(encode(r)) = r, with Some("") read as none', () => {
    fc.assert(
      fc.property(arbRecord, (r) => {
        for (const mode of ['original', 'strict'] as const) {
          expect(decodeRecord(encodeRecord(r), { mode })).toEqual(normalized(r));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('bytes are canonical: encode(decode(b)) = b, and encodedSize is exact', () => {
    fc.assert(
      fc.property(arbRecord, (r) => {
        const b = encodeRecord(r);
        expect(encodeRecord(decodeRecord(b))).toEqual(b);
        expect(encodedSize(r)).toBe(b.length);
        expect(encodeRecord(fromCanonicalRecord(toCanonicalRecord(decodeRecord(b))))).toEqual(b);
      }),
      { numRuns: 300 },
    );
  });

  it('encodeRecordInto at any offset writes the same bytes', () => {
    fc.assert(
      fc.property(arbRecord, fc.nat(64), (r, at) => {
        const b = encodeRecord(r);
        const out = new Uint8Array(at + b.length + 5).fill(0xee);
        expect(encodeRecordInto(r, out, at)).toBe(at + b.length);
        expect(out.subarray(at, at + b.length)).toEqual(b);
        expect(out[at + b.length]).toBe(0xee);
      }),
      { numRuns: 200 },
    );
  });

  it('any bytes give a record or a typed WAL_ error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom('original', 'strict'), (bytes, mode) => {
        valueOrTypedError(() => decodeRecord(bytes, { mode: mode as 'original' | 'strict' }));
      }),
      { numRuns: 2000 },
    );
  });

  it('structured garbage (plausible header, random payload) gives a record or a typed error', () => {
    fc.assert(
      fc.property(fc.nat(300), fc.nat(12), fc.uint8Array({ maxLength: 300 }), (len, type, rest) => {
        const b = new Uint8Array(9 + rest.length);
        const v = new DataView(b.buffer);
        v.setUint32(0, len, true);
        b[8] = type;
        b.set(rest, 9);
        valueOrTypedError(() => decodeRecord(b));
        valueOrTypedError(() => decodeRecord(b, { mode: 'strict' }));
      }),
      { numRuns: 1000 },
    );
  });

  it('every truncation is caught', () => {
    fc.assert(
      fc.property(arbRecord, (r) => {
        const b = encodeRecord(r);
        for (let n = 0; n < b.length; n++) {
          const got = valueOrTypedError(() => decodeRecord(b.subarray(0, n)));
          expect(got).toEqual({ code: n < HEADER_SIZE ? WalCode.RECORD_TOO_SMALL : WalCode.RECORD_TRUNCATED });
        }
      }),
      { numRuns: 50 },
    );
  });

  it('every bit flip is caught, except in type/trace/node (bytes 8..28, outside the CRC: documented undetectable)', () => {
    fc.assert(
      fc.property(arbRecord, (r) => {
        const b = encodeRecord(r);
        for (let i = 0; i < b.length; i++) {
          for (let bit = 0; bit < 8; bit++) {
            const f = b.slice();
            f[i] = (f[i] as number) ^ (1 << bit);
            for (const mode of ['original', 'strict'] as const) {
              const got = valueOrTypedError(() => decodeRecord(f, { mode }));
              const outsideCrc = i >= Field.TYPE && i < HEADER_SIZE;
              const typeStillKnown = i !== Field.TYPE || (f[i] as number) <= 10;
              if (outsideCrc && typeStillKnown) expect(got).not.toHaveProperty('code');
              else expect(got, `byte ${i} bit ${bit} ${mode}`).toHaveProperty('code');
            }
          }
        }
      }),
      { numRuns: 15 },
    );
  });
});
