import { isLogspecError } from '@logspec/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeRecord,
  encodedSize,
  encodeRecord,
  encodeRecordInto,
  Field,
  formatTraceId,
  fromCanonicalRecord,
  HEADER_SIZE,
  maxEncodedSize,
  toCanonicalRecord,
  WalCode,
  type WalRecordInput,
} from '../src/index.js';
import { viewOf } from '../src/record-reader.js';
import { encodeRecordAt } from '../src/record-writer.js';
import { traceIdWords, traceIdWordsCached } from '../src/trace-id.js';
import { arbFieldValue, arbRecord, arbRecordInput, normalized } from './arbitraries.js';
import { legacyEncodeRecord, legacyTraceIdBytes } from './legacy-encoder.js';

/** The bytes, or the error's code and field. */
function outcome(f: () => Uint8Array): Uint8Array | { code: string; field: unknown } {
  try {
    return f();
  } catch (e) {
    if (!isLogspecError(e)) throw e;
    return { code: e.code, field: (e.details as { field?: unknown } | undefined)?.field };
  }
}

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

describe('the single-pass encoder against the previous one (test/legacy-encoder.ts)', () => {
  it('same bytes for every accepted input form (codes or names, numbers or bigints, any trace id form)', () => {
    fc.assert(
      fc.property(arbRecordInput, (r) => {
        const b = encodeRecord(r);
        expect(b).toEqual(legacyEncodeRecord(r));
        expect(encodedSize(r)).toBe(b.length);
        expect(maxEncodedSize(r)).toBeGreaterThanOrEqual(b.length);
      }),
      { numRuns: 500 },
    );
  });

  it('same bytes or the same typed error when any one field holds any value', () => {
    const keys = [
      'recordType',
      'traceId',
      'nodeId',
      'timestampNs',
      'outputOffset',
      'outputSize',
      'schemaHash',
      'iteration',
      'errorMessage',
      'metadata',
    ] as const;
    fc.assert(
      fc.property(arbRecordInput, fc.constantFrom(...keys), arbFieldValue, (r, key, value) => {
        const bad = { ...r, [key]: value } as WalRecordInput;
        expect(outcome(() => encodeRecord(bad))).toEqual(outcome(() => legacyEncodeRecord(bad)));
      }),
      { numRuns: 2000 },
    );
  });

  it('encodeRecordAt writes the record where it fits and nothing (returning minus its size) where it does not', () => {
    fc.assert(
      fc.property(arbRecordInput, fc.nat(300), fc.nat(400), (r, at, extra) => {
        const want = legacyEncodeRecord(r);
        const out = new Uint8Array(at + extra).fill(0xa5);
        const end = encodeRecordAt(r, out, at, viewOf(out));
        if (extra >= want.length) {
          expect(end).toBe(at + want.length);
          expect(out.subarray(at, end)).toEqual(want);
          expect(out.subarray(0, at).every((x) => x === 0xa5)).toBe(true);
          expect(out.subarray(end).every((x) => x === 0xa5)).toBe(true);
        } else {
          expect(end).toBe(-want.length);
          expect(out.every((x) => x === 0xa5)).toBe(true);
          expect(
            outcome(() => {
              encodeRecordInto(r, out, at);
              return out;
            }),
          ).toMatchObject({ code: WalCode.INVALID_FIELD });
          expect(out.every((x) => x === 0xa5)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('trace ids: the word parser (cached or not) agrees with the byte parser on any string', () => {
    const words = new Int32Array(4);
    const bytesOf = (w: Int32Array) => {
      const b = new Uint8Array(16);
      new DataView(b.buffer).setInt32(0, w[0] as number);
      new DataView(b.buffer).setInt32(4, w[1] as number);
      new DataView(b.buffer).setInt32(8, w[2] as number);
      new DataView(b.buffer).setInt32(12, w[3] as number);
      return b;
    };
    const idLike = fc.oneof(
      fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatTraceIdUnchecked(b)),
      fc.stringMatching(/^[0-9a-fA-F-]{32,36}$/),
      fc.string({ minLength: 32, maxLength: 36 }),
      fc.string({ unit: 'binary', minLength: 32, maxLength: 36 }),
    );
    fc.assert(
      fc.property(idLike, (id) => {
        const want = outcome(() => legacyTraceIdBytes(id));
        // Twice through the memo: the miss that fills it, then the hit.
        for (const parse of [traceIdWords, traceIdWordsCached, traceIdWordsCached]) {
          const ok = parse(id, words);
          expect(ok ? bytesOf(words) : 'refused').toEqual(want instanceof Uint8Array ? want : 'refused');
        }
        const dashed = want instanceof Uint8Array ? formatTraceIdUnchecked(want) : 'refused';
        for (let k = 0; k < 2; k++) {
          const got = outcome(() => new TextEncoder().encode(formatTraceId(id)));
          expect(got instanceof Uint8Array ? new TextDecoder().decode(got) : 'refused').toBe(dashed);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

/** Dashed lowercase form of 16 bytes, written out here so the test does not lean on the parser. */
function formatTraceIdUnchecked(b: Uint8Array): string {
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
