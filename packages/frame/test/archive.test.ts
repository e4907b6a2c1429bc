import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hexDecode, hexEncode, isLogspecError } from '@logspec/core';
import { errorCodeOf } from '@logspec/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeRecord,
  decodeRecordAt,
  encodeRecord,
  encodeRecordInto,
  HotCode,
  type HotEventRecord,
  maxArchiveSize,
  ROOT_OFFSETS,
  ROOT_SIZE,
  recordFromJson,
  recordToJson,
} from '../src/index.js';
import { recordArb } from './arbitraries.js';

const here = dirname(fileURLToPath(import.meta.url));
const log = JSON.parse(
  readFileSync(join(here, '../../../conformance/golden/hotlog/original-kaizen-rkyv-0.8.16/log.json'), 'utf8'),
) as { events: Record<string, unknown>[] };
const ref = (i: number) => hexDecode(log.events[i]?.archive_hex as string);

const code = errorCodeOf;

function errorOf(f: () => unknown): { code: string; offset: number | undefined } {
  try {
    f();
  } catch (e) {
    if (isLogspecError(e)) return { code: e.code, offset: e.offset };
    throw e;
  }
  return { code: 'ok', offset: undefined };
}

describe('archive round trip (property)', () => {
  it('decode(encode(r)) = r; the bytes are canonical (strict accepts them); size is 8k ≥ 192', () => {
    fc.assert(
      fc.property(recordArb, (r) => {
        const a = encodeRecord(r);
        expect(a.length % 8).toBe(0);
        expect(a.length).toBeGreaterThanOrEqual(ROOT_SIZE);
        expect(a.length).toBeLessThanOrEqual(maxArchiveSize(r));
        expect(decodeRecord(a)).toEqual(r);
        expect(decodeRecord(a, { mode: 'strict' })).toEqual(r);
        expect(recordFromJson(JSON.parse(JSON.stringify(recordToJson(r))))).toEqual(r);
      }),
      { numRuns: 300 },
    );
  });

  it('encodeRecordInto at any offset writes the same bytes', () => {
    fc.assert(
      fc.property(recordArb, fc.nat(40), (r, at) => {
        const out = new Uint8Array(at + maxArchiveSize(r)).fill(0xaa);
        const end = encodeRecordInto(r, out, at);
        expect(hexEncode(out.subarray(at, end))).toBe(hexEncode(encodeRecord(r)));
      }),
      { numRuns: 100 },
    );
  });

  it('strings of 8 bytes are inline, 9 out of line; empty is eight FF', () => {
    const base = recordFromJson(log.events[1]);
    const a = encodeRecord({ ...base, sessionId: '12345678' });
    expect(hexEncode(a.subarray(a.length - ROOT_SIZE, a.length - ROOT_SIZE + 8))).toBe('3132333435363738');
    const b = encodeRecord({ ...base, sessionId: '123456789' });
    expect(b.length).toBe(ROOT_SIZE + 16);
    expect(hexEncode(b.subarray(0, 16))).toBe(`313233343536373839${'00'.repeat(7)}`);
    // len 9 → 0x89; offset = 0 − 16 (the root's first field sits at 16).
    expect(hexEncode(b.subarray(16, 24))).toBe('89000000f0ffffff');
    expect(hexEncode(encodeRecord(base).subarray(0, 8))).toBe('ffffffffffffffff');
  });

  it('length encoding: (l & 0x3F) | 0x80 | ((l & ~0x3F) << 2), decoded back for every length class', () => {
    for (const n of [9, 63, 64, 65, 255, 256, 4096, 70_000]) {
      const r = { ...recordFromJson(log.events[1]), payloadJson: 'x'.repeat(n) };
      const a = encodeRecord(r);
      const raw = new DataView(a.buffer).getUint32(a.length - ROOT_SIZE + ROOT_OFFSETS.payloadJson, true);
      expect(raw).toBe(((n & 0x3f) | 0x80 | ((n & ~0x3f) << 2)) >>> 0);
      expect(decodeRecord(a).payloadJson.length).toBe(n);
    }
  });
});

describe('hostile archives', () => {
  it('arbitrary bytes give a record or a typed error, never a raw exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(7), (bytes, pos) => {
        for (const mode of ['original', 'strict'] as const) {
          try {
            decodeRecord(bytes, { mode, position: pos });
          } catch (e) {
            expect(isLogspecError(e)).toBe(true);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('mutated reference archives give a record or a typed error', () => {
    fc.assert(
      fc.property(
        fc.nat(11),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        (i, muts) => {
          const a = ref(i).slice();
          for (const [at, x] of muts) a[at % a.length] = (a[at % a.length] as number) ^ x;
          try {
            decodeRecord(a);
          } catch (e) {
            expect(isLogspecError(e)).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('every truncation of the reference archives is refused (in a file, the frame length and CRC catch any cut)', () => {
    for (let i = 0; i < 12; i++) {
      const a = ref(i);
      if (a.length > 2000) continue;
      for (let n = 0; n < a.length; n++) {
        const c = code(() => decodeRecord(a.subarray(0, n)));
        expect(c, `event ${i} cut to ${n}`).not.toBe('ok');
      }
    }
  });

  it('too short / misaligned', () => {
    expect(errorOf(() => decodeRecord(new Uint8Array(191)))).toEqual({ code: HotCode.ARCHIVE_TOO_SHORT, offset: 0 });
    const a = ref(1);
    // The same bytes placed at a position that leaves the root unaligned.
    expect(errorOf(() => decodeRecord(a, { position: 4 }))).toEqual({ code: HotCode.ARCHIVE_MISALIGNED, offset: 4 });
    const longer = new Uint8Array(a.length + 4);
    longer.set(a, 4);
    expect(code(() => decodeRecord(longer))).toBe(HotCode.ARCHIVE_MISALIGNED);
    // Unreferenced leading bytes with the root still aligned: rkyv accepts, strict refuses.
    const padded = new Uint8Array(a.length + 8);
    padded.set(a, 8);
    padded[0] = 0x77;
    expect(decodeRecord(padded)).toEqual(decodeRecord(a));
    expect(errorOf(() => decodeRecord(padded, { mode: 'strict' }))).toEqual({ code: HotCode.NONCANONICAL, offset: 0 });
  });

  const root = (a: Uint8Array) => a.length - ROOT_SIZE;

  it('bool and option tags must be 0 or 1', () => {
    const a = ref(0).slice();
    a[root(a) + ROOT_OFFSETS.tsExact] = 2;
    expect(errorOf(() => decodeRecord(a))).toEqual({ code: HotCode.BAD_BOOL, offset: root(a) + 24 });
    const b = ref(0).slice();
    b[root(b) + ROOT_OFFSETS.stopReason] = 7;
    expect(errorOf(() => decodeRecord(b))).toEqual({ code: HotCode.BAD_OPTION_TAG, offset: root(b) + 112 });
    // A None whose payload bytes are not zero: rkyv does not look; strict does.
    const c = ref(0).slice();
    c[root(c) + ROOT_OFFSETS.stopReason + 5] = 1;
    expect(code(() => decodeRecord(c))).toBe('ok');
    expect(code(() => decodeRecord(c, { mode: 'strict' }))).toBe(HotCode.NONCANONICAL);
  });

  it('UTF-8 is checked inline and out of line', () => {
    const a = ref(0).slice();
    a[root(a) + 36] = 0xc3; // "Tail" → C3 'a' 'i' 'l': a lead byte without continuation
    expect(errorOf(() => decodeRecord(a))).toEqual({ code: HotCode.BAD_UTF8, offset: root(a) + 36 });
    const b = ref(0).slice();
    b[3] = 0xff; // inside the body of payload_json
    expect(errorOf(() => decodeRecord(b))).toEqual({ code: HotCode.BAD_UTF8, offset: 0 });
  });

  it('an inline string ends at the first FF; bytes after it are not read (strict refuses them)', () => {
    const a = ref(0).slice();
    a[root(a) + 6] = 0x41; // "s1" FF FF FF FF 41 FF
    expect(decodeRecord(a).sessionId).toBe('s1');
    expect(code(() => decodeRecord(a, { mode: 'strict' }))).toBe(HotCode.NONCANONICAL);
  });

  it('out-of-line strings: length ≤ 8 is a bad representation', () => {
    const a = ref(0).slice();
    const at = root(a) + ROOT_OFFSETS.payloadJson;
    a[at] = 0x88; // length 8 out of line
    expect(errorOf(() => decodeRecord(a))).toEqual({ code: HotCode.STRING_REPR, offset: at });
  });

  it('out-of-line bodies must lie before the root, in field order, without overlap', () => {
    const a = ref(2).slice(); // all Some: 7 bodies, session_id first
    const v = new DataView(a.buffer);
    const sid = root(a);
    // Point session_id's body into the root.
    v.setInt32(sid + 4, 8, true);
    expect(errorOf(() => decodeRecord(a))).toEqual({ code: HotCode.STRING_OUT_OF_RANGE, offset: sid });
    // Before the buffer.
    v.setInt32(sid + 4, -sid - 1, true);
    expect(code(() => decodeRecord(a))).toBe(HotCode.STRING_OUT_OF_RANGE);
    // tool (later field) pointing at session_id's body: overlap with an earlier claim.
    const b = ref(2).slice();
    const bv = new DataView(b.buffer);
    const toolAt = root(b) + ROOT_OFFSETS.tool + 4;
    bv.setInt32(toolAt + 4, -toolAt, true);
    bv.setUint32(toolAt, bv.getUint32(root(b), true), true);
    expect(errorOf(() => decodeRecord(b))).toEqual({ code: HotCode.STRING_OUT_OF_RANGE, offset: toolAt });
    // A body past the archive's end.
    const c = ref(2).slice();
    new DataView(c.buffer).setInt32(root(c) + 184 + 4, 0x7fffffff, true);
    expect(code(() => decodeRecord(c))).toBe(HotCode.STRING_OUT_OF_RANGE);
  });

  it('errors carry file offsets when given the archive position', () => {
    const a = ref(0).slice();
    a[root(a) + 24] = 9;
    const file = new Uint8Array(a.length + 16);
    file.set(a, 16);
    expect(errorOf(() => decodeRecordAt(file, 16, 16 + a.length, { position: 16 }))).toEqual({
      code: HotCode.BAD_BOOL,
      offset: 16 + root(a) + 24,
    });
  });

  it('bit flips in an archive: an error, or another valid record (no checksum inside: the frame CRC guards it)', () => {
    const a = ref(2);
    const before = decodeRecord(a);
    let valid = 0;
    let refused = 0;
    for (let bit = 0; bit < a.length * 8; bit++) {
      const b = a.slice();
      b[bit >> 3] = (b[bit >> 3] as number) ^ (1 << (bit & 7));
      try {
        const r = decodeRecord(b);
        valid++;
        // Padding bytes rkyv never reads can flip silently; everything else changes the value
        // or is refused. Strict mode catches all of them.
        if (JSON.stringify(recordToJson(r)) === JSON.stringify(recordToJson(before))) {
          expect(code(() => decodeRecord(b, { mode: 'strict' }))).toBe(HotCode.NONCANONICAL);
        }
      } catch (e) {
        expect(isLogspecError(e)).toBe(true);
        refused++;
      }
    }
    expect(valid + refused).toBe(a.length * 8);
    expect(refused).toBeGreaterThan(0);
  });
});

describe('encoding refuses values outside their types', () => {
  const base = () => recordFromJson(log.events[0]);
  const cases: [string, Partial<Record<keyof HotEventRecord, unknown>>, string][] = [
    ['seq < 0', { seq: -1n }, HotCode.FIELD_RANGE],
    ['seq ≥ 2^64', { seq: 1n << 64n }, HotCode.FIELD_RANGE],
    ['seq as number', { seq: 5 }, HotCode.FIELD_RANGE],
    ['tokens_in 2^32', { tokensIn: 2 ** 32 }, HotCode.FIELD_RANGE],
    ['tokens_in 1.5', { tokensIn: 1.5 }, HotCode.FIELD_RANGE],
    ['retry_count 65536', { retryCount: 65536 }, HotCode.FIELD_RANGE],
    ['cost ≥ 2^63', { costUsdE6: 1n << 63n }, HotCode.FIELD_RANGE],
    ['ts_exact 1', { tsExact: 1 }, HotCode.FIELD_RANGE],
    ['kind null', { kind: null }, HotCode.FIELD_RANGE],
    ['lone surrogate (short)', { tool: 'a\ud800' }, HotCode.UNPAIRED_SURROGATE],
    ['lone surrogate (long)', { payloadJson: `${'x'.repeat(100)}\udc00` }, HotCode.UNPAIRED_SURROGATE],
  ];
  for (const [name, patch, want] of cases) {
    it(name, () => {
      expect(code(() => encodeRecord({ ...base(), ...patch } as HotEventRecord))).toBe(want);
    });
  }

  it('canonical JSON shapes are checked', () => {
    const ok = log.events[0] as Record<string, unknown>;
    expect(code(() => recordFromJson({ ...ok, seq: '01' }))).toBe(HotCode.INVALID_VALUE);
    expect(code(() => recordFromJson({ ...ok, seq: '18446744073709551616' }))).toBe(HotCode.INVALID_VALUE);
    expect(code(() => recordFromJson({ ...ok, tokens_in: '1' }))).toBe(HotCode.INVALID_VALUE);
    const { payload_json: _p, ...missing } = ok;
    expect(code(() => recordFromJson(missing))).toBe(HotCode.INVALID_VALUE);
    expect(code(() => recordFromJson([]))).toBe(HotCode.INVALID_VALUE);
    expect(recordFromJson({ ...ok, seq: 7 }).seq).toBe(7n);
  });
});
