import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ByteReader,
  ByteWriter,
  CoreCode,
  hexDecode,
  hexEncode,
  isLogspecError,
  LogspecError,
  parseU64,
  utf8Decode,
  utf8Encode,
  utf8ValidUpTo,
} from '../src/index.js';

const U64_MAX = (1n << 64n) - 1n;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Runs `f` and returns the LogspecError it threw (fails the test on anything else). */
function typedError(f: () => unknown): LogspecError {
  try {
    f();
  } catch (e) {
    if (e instanceof LogspecError) return e;
    throw new Error(`expected a LogspecError, got ${String(e)}`);
  }
  throw new Error('expected an error, got a value');
}

/** A value or a LogspecError; anything else (RangeError, TypeError) fails the property. */
function valueOrTyped(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof LogspecError)) throw e;
  }
}

const rd = (hex: string, opts = {}) => new ByteReader(hexDecode(hex), opts);

type Width = 'u8' | 'u16le' | 'u16be' | 'u32le' | 'u32be' | 'i32le' | 'i32be';
const widths: { w: Width; size: number; min: number; max: number; le: boolean }[] = [
  { w: 'u8', size: 1, min: 0, max: 0xff, le: true },
  { w: 'u16le', size: 2, min: 0, max: 0xffff, le: true },
  { w: 'u16be', size: 2, min: 0, max: 0xffff, le: false },
  { w: 'u32le', size: 4, min: 0, max: 0xffffffff, le: true },
  { w: 'u32be', size: 4, min: 0, max: 0xffffffff, le: false },
  { w: 'i32le', size: 4, min: -0x80000000, max: 0x7fffffff, le: true },
  { w: 'i32be', size: 4, min: -0x80000000, max: 0x7fffffff, le: false },
];

/** Reference encoding of an integer: two's complement, byte by byte. */
function refBytes(v: bigint, size: number, le: boolean): number[] {
  let x = BigInt.asUintN(size * 8, v);
  const out: number[] = [];
  for (let i = 0; i < size; i++) {
    out.push(Number(x & 0xffn));
    x >>= 8n;
  }
  return le ? out : out.reverse();
}

describe('fixed-width integers', () => {
  it.each(widths)('$w round-trips with canonical bytes', ({ w, size, min, max, le }) => {
    fc.assert(
      fc.property(fc.integer({ min, max }), (v) => {
        const bytes = new ByteWriter(1)[w](v).finish();
        expect([...bytes]).toEqual(refBytes(BigInt(v), size, le));
        const r = new ByteReader(bytes);
        expect(r[w]()).toBe(v);
        expect(r.remaining).toBe(0);
      }),
    );
  });

  it.each(widths)('$w rejects values outside its range', ({ w, min, max }) => {
    for (const bad of [min - 1, max + 1, 0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(typedError(() => new ByteWriter()[w](bad)).code).toBe(CoreCode.OUT_OF_RANGE);
    }
  });

  it('u64/i64 round-trip as bigint in both byte orders', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: U64_MAX }),
        fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
        (u, i) => {
          const w = new ByteWriter().u64le(u).u64be(u).i64le(i).i64be(i);
          const bytes = w.finish();
          expect([...bytes]).toEqual([
            ...refBytes(u, 8, true),
            ...refBytes(u, 8, false),
            ...refBytes(i, 8, true),
            ...refBytes(i, 8, false),
          ]);
          const r = new ByteReader(bytes);
          expect([r.u64le(), r.u64be(), r.i64le(), r.i64be()]).toEqual([u, u, i, i]);
        },
      ),
    );
  });

  it('u64/i64 as numbers: exact up to 2^53 − 1, CORE_UNSAFE_INTEGER above, at the field', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: U64_MAX }), fc.nat(5), (u, pad) => {
        const bytes = new ByteWriter().zeros(pad).u64le(u).u64be(u).finish();
        for (const read of ['u64leNumber', 'u64beNumber'] as const) {
          const r = new ByteReader(bytes, { baseOffset: 100 });
          r.skip(pad + (read === 'u64beNumber' ? 8 : 0));
          if (u <= SAFE) {
            expect(r[read]()).toBe(Number(u));
          } else {
            const e = typedError(() => r[read]());
            expect(e.code).toBe(CoreCode.UNSAFE_INTEGER);
            expect(e.offset).toBe(100 + pad + (read === 'u64beNumber' ? 8 : 0));
          }
        }
      }),
    );
    expect(rd('ffffffffffff1f00').u64leNumber()).toBe(Number.MAX_SAFE_INTEGER);
    expect(typedError(() => rd('0000000000002000').u64leNumber()).code).toBe(CoreCode.UNSAFE_INTEGER);
    expect(rd('010000000000e0ff').i64leNumber()).toBe(-Number.MAX_SAFE_INTEGER);
    expect(typedError(() => rd('000000000000e0ff').i64leNumber()).code).toBe(CoreCode.UNSAFE_INTEGER);
    expect(rd('ffffffffffffffff').i64beNumber()).toBe(-1);
  });

  it('u64 writers reject out-of-range values and unsafe numbers', () => {
    for (const f of [
      () => new ByteWriter().u64le(U64_MAX + 1n),
      () => new ByteWriter().u64be(-1n),
      () => new ByteWriter().u64le(2 ** 53),
      () => new ByteWriter().u64le(1.5),
      () => new ByteWriter().i64le(1n << 63n),
      () => new ByteWriter().i64be(-(1n << 63n) - 1n),
    ]) {
      expect(typedError(f).code).toBe(CoreCode.OUT_OF_RANGE);
    }
    expect([...new ByteWriter().u64le(Number.MAX_SAFE_INTEGER).finish()]).toEqual([
      255, 255, 255, 255, 255, 255, 31, 0,
    ]);
  });
});

describe('varints (postcard rules)', () => {
  /** Minimal LEB128, the reference. */
  const leb = (v: bigint): number[] => {
    const out: number[] = [];
    do {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      out.push(v ? b | 0x80 : b);
    } while (v);
    return out;
  };
  /** The same value padded to `len` bytes with redundant zero groups (non-minimal). */
  const padded = (v: bigint, len: number): number[] => {
    const m = leb(v);
    if (m.length >= len) return m;
    const out = m.map((b) => b | 0x80);
    while (out.length < len - 1) out.push(0x80);
    out.push(0);
    return out;
  };

  it('u64 round-trips with minimal bytes; 10-byte maximum', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: U64_MAX }), (v) => {
        const bytes = new ByteWriter(1).varint(v).finish();
        expect([...bytes]).toEqual(leb(v));
        const r = new ByteReader(bytes);
        expect(r.varintU64()).toBe(v);
        expect(r.remaining).toBe(0);
        if (v <= SAFE) expect(new ByteReader(bytes).varintU64Number()).toBe(Number(v));
        else expect(typedError(() => new ByteReader(bytes).varintU64Number()).code).toBe(CoreCode.UNSAFE_INTEGER);
      }),
    );
    expect(hexEncode(new ByteWriter().varint(U64_MAX).finish())).toBe('ffffffffffffffffff01');
    expect(rd('ffffffffffffffffff01').varintU64()).toBe(U64_MAX);
  });

  it.each([
    [16, 3, 0x03, 0xffff],
    [32, 5, 0x0f, 0xffffffff],
  ] as const)('u%i: at most %i bytes, last byte at most %i', (bits, maxLen, lastMax, max) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max }), fc.integer({ min: 1, max: maxLen }), (v, len) => {
        const bytes = new Uint8Array(padded(BigInt(v), len));
        fc.pre(bytes.length <= maxLen);
        const r = new ByteReader(bytes);
        expect(r.varint(bits)).toBe(v);
        expect(r.remaining).toBe(0);
      }),
    );
    const ff = 'ff'.repeat(maxLen - 1);
    expect(rd(ff + hexEncode(new Uint8Array([lastMax]))).varint(bits)).toBe(max);
    const over = typedError(() =>
      rd(`0000${ff}${hexEncode(new Uint8Array([lastMax + 1]))}`, { start: 2 }).varint(bits),
    );
    expect(over.code).toBe(CoreCode.VARINT_OVERFLOW);
    expect(over.offset).toBe(2);
    // A continuation bit on the last allowed byte is an over-long form.
    expect(typedError(() => rd(`${ff}80`).varint(bits)).code).toBe(CoreCode.VARINT_OVERFLOW);
    expect(typedError(() => rd(`${'80'.repeat(maxLen)}00`).varint(bits)).code).toBe(CoreCode.VARINT_OVERFLOW);
    // Non-minimal zero in every allowed length.
    for (let len = 1; len <= maxLen; len++)
      expect(new ByteReader(new Uint8Array(padded(0n, len))).varint(bits)).toBe(0);
  });

  it('u64: last (10th) byte at most 0x01; 11-byte and non-minimal forms', () => {
    expect(typedError(() => rd('ffffffffffffffffff02').varintU64()).code).toBe(CoreCode.VARINT_OVERFLOW);
    expect(typedError(() => rd('ffffffffffffffffff81').varintU64()).code).toBe(CoreCode.VARINT_OVERFLOW);
    expect(typedError(() => rd(`${'80'.repeat(10)}00`).varintU64()).code).toBe(CoreCode.VARINT_OVERFLOW);
    expect(rd(`${'80'.repeat(9)}00`).varintU64()).toBe(0n);
    expect(rd(`${'80'.repeat(9)}01`).varintU64()).toBe(1n << 63n);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: U64_MAX }), fc.integer({ min: 1, max: 10 }), (v, len) => {
        const bytes = new Uint8Array(padded(v, len));
        expect(new ByteReader(bytes).varintU64()).toBe(v);
      }),
    );
  });

  it('every truncation is CORE_TRUNCATED at the first missing byte', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: U64_MAX }), fc.nat(20), (v, base) => {
        const bytes = new Uint8Array(leb(v));
        for (let cut = 0; cut < bytes.length; cut++) {
          const e = typedError(() => new ByteReader(bytes, { end: cut, baseOffset: base }).varintU64());
          expect(e.code).toBe(CoreCode.TRUNCATED);
          expect(e.offset).toBe(base + cut);
          expect(e.details.start).toBe(base);
        }
      }),
    );
    expect(typedError(() => rd('ff').varint(16)).code).toBe(CoreCode.TRUNCATED);
    expect(typedError(() => rd('ffff').varint(32)).offset).toBe(2);
  });

  it('the writer rejects negative, fractional and too-large values', () => {
    for (const v of [-1, 0.5, 2 ** 53, -1n, U64_MAX + 1n]) {
      expect(typedError(() => new ByteWriter().varint(v)).code).toBe(CoreCode.OUT_OF_RANGE);
    }
  });
});

describe('truncation and windows', () => {
  type Field =
    | { k: 'u8' | 'u16le' | 'u16be' | 'u32le' | 'u32be'; v: number }
    | { k: 'u64le' | 'u64be'; v: bigint }
    | { k: 'varint'; v: bigint }
    | { k: 'bytes'; v: Uint8Array }
    | { k: 'str'; v: string };
  const field: fc.Arbitrary<Field> = fc.oneof(
    fc.record({ k: fc.constant('u8' as const), v: fc.integer({ min: 0, max: 0xff }) }),
    fc.record({ k: fc.constantFrom('u16le' as const, 'u16be' as const), v: fc.integer({ min: 0, max: 0xffff }) }),
    fc.record({ k: fc.constantFrom('u32le' as const, 'u32be' as const), v: fc.integer({ min: 0, max: 0xffffffff }) }),
    fc.record({ k: fc.constantFrom('u64le' as const, 'u64be' as const), v: fc.bigInt({ min: 0n, max: U64_MAX }) }),
    fc.record({ k: fc.constant('varint' as const), v: fc.bigInt({ min: 0n, max: U64_MAX }) }),
    fc.record({ k: fc.constant('bytes' as const), v: fc.uint8Array({ maxLength: 12 }) }),
    fc.record({ k: fc.constant('str' as const), v: fc.string({ unit: 'binary', maxLength: 6 }) }),
  );
  const sizeOf = (f: Field): number => {
    switch (f.k) {
      case 'u8':
        return 1;
      case 'u16le':
      case 'u16be':
        return 2;
      case 'u32le':
      case 'u32be':
        return 4;
      case 'u64le':
      case 'u64be':
        return 8;
      case 'varint':
        return new ByteWriter().varint(f.v).pos;
      case 'bytes':
        return 4 + f.v.length;
      case 'str':
        return 4 + utf8Encode(f.v).length;
    }
  };
  const write = (w: ByteWriter, f: Field): void => {
    if (f.k === 'varint') w.varint(f.v);
    else if (f.k === 'bytes') w.u32le(f.v.length).bytes(f.v);
    else if (f.k === 'str') w.u32le(utf8Encode(f.v).length).utf8(f.v);
    else if (f.k === 'u64le' || f.k === 'u64be') w[f.k](f.v);
    else if (f.k === 'u8' || f.k === 'u16le' || f.k === 'u16be' || f.k === 'u32le' || f.k === 'u32be') w[f.k](f.v);
  };
  const read = (r: ByteReader, f: Field): unknown => {
    if (f.k === 'varint') return r.varintU64();
    if (f.k === 'bytes') return r.bytesView(r.u32le());
    if (f.k === 'str') return r.utf8(r.u32le());
    return r[f.k]();
  };

  it('a record of fields round-trips, and every truncation is CORE_TRUNCATED at the right offset', () => {
    fc.assert(
      fc.property(fc.array(field, { maxLength: 8 }), fc.nat(1000), fc.nat(3), (fields, base, lead) => {
        const w = new ByteWriter(4).zeros(lead);
        for (const f of fields) write(w, f);
        const bytes = w.finish();
        const r = new ByteReader(bytes, { start: lead, baseOffset: base });
        expect(fields.map((f) => read(r, f))).toEqual(fields.map((f) => f.v));
        expect(r.remaining).toBe(0);
        for (let cut = lead; cut < bytes.length; cut++) {
          const t = new ByteReader(bytes, { start: lead, end: cut, baseOffset: base });
          const e = typedError(() => {
            for (const f of fields) read(t, f);
          });
          expect(e.code).toBe(CoreCode.TRUNCATED);
          // Where is the cut? Find the field it falls in.
          let at = lead;
          for (const f of fields) {
            const size = sizeOf(f);
            if (cut < at + size) {
              // Fixed fields (and length prefixes) report their first byte; varints the first missing byte;
              // the payload of bytes/str reports the payload's first byte.
              const expected =
                f.k === 'varint' ? cut : f.k === 'bytes' || f.k === 'str' ? (cut < at + 4 ? at : at + 4) : at;
              expect(e.offset).toBe(base + expected);
              break;
            }
            at += size;
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('sub-readers and views are zero-copy and bounded by their window', () => {
    const bytes = hexDecode('000102030405060708');
    const r = new ByteReader(bytes, { start: 1, end: 8, baseOffset: 10 });
    const s = r.sub(4);
    expect(r.offset).toBe(15);
    expect(s.u16be()).toBe(0x0102);
    const v = s.bytesView(2);
    expect(v.buffer).toBe(bytes.buffer);
    v[0] = 0xee;
    expect(bytes[3]).toBe(0xee);
    const e = typedError(() => s.u8());
    expect(e.code).toBe(CoreCode.TRUNCATED);
    expect(e.offset).toBe(15);
    expect(r.u16le()).toBe(0x0605);
    expect(typedError(() => r.u16le()).offset).toBe(17);
  });

  it('no raw RangeError/TypeError escapes for any window or length', () => {
    const num = fc.oneof(
      fc.integer({ min: -5, max: 40 }),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 0.5, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 31)),
      fc.double(),
    );
    const op = fc.oneof(
      fc.constantFrom('u8', 'u16le', 'u16be', 'u32le', 'u32be', 'i32le', 'i32be', 'u64le', 'u64be', 'i64le', 'i64be'),
      fc.constantFrom('u64leNumber', 'u64beNumber', 'i64leNumber', 'i64beNumber', 'varint16', 'varint32', 'varintU64'),
      fc.tuple(fc.constantFrom('skip', 'bytesView', 'sub', 'utf8', 'utf8lossy', 'need'), num),
    );
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 32 }),
        fc.option(num),
        fc.option(num),
        fc.option(num),
        fc.array(op, { maxLength: 12 }),
        (bytes, start, end, baseOffset, ops) => {
          valueOrTyped(() => {
            const r = new ByteReader(bytes, {
              start: start ?? undefined,
              end: end ?? undefined,
              baseOffset: baseOffset ?? undefined,
            });
            for (const o of ops) {
              const before = r.pos;
              valueOrTyped(() => {
                if (typeof o === 'string') {
                  if (o === 'varint16') r.varint(16);
                  else if (o === 'varint32') r.varint(32);
                  else r[o]();
                } else {
                  const [name, n] = o;
                  if (name === 'utf8lossy') r.utf8(n, true);
                  else r[name](n);
                }
              });
              // The cursor never leaves the window.
              expect(r.pos).toBeGreaterThanOrEqual(Math.min(before, r.start));
              expect(r.pos).toBeGreaterThanOrEqual(r.start);
              expect(r.pos).toBeLessThanOrEqual(r.end);
            }
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('bad windows and lengths are CORE_OUT_OF_RANGE, not silent', () => {
    const b = new Uint8Array(4);
    for (const opts of [{ start: -1 }, { end: 5 }, { start: 3, end: 2 }, { start: 0.5 }, { end: Number.NaN }]) {
      expect(typedError(() => new ByteReader(b, opts)).code).toBe(CoreCode.OUT_OF_RANGE);
    }
    const r = new ByteReader(b, { start: 2 });
    for (const n of [-1, 0.5, Number.NaN]) expect(typedError(() => r.skip(n)).code).toBe(CoreCode.OUT_OF_RANGE);
    expect(typedError(() => r.bytesView(2 ** 40)).code).toBe(CoreCode.TRUNCATED);
    expect(r.pos).toBe(2);
  });
});

describe('UTF-8', () => {
  it('strict round-trips any Unicode string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const b = utf8Encode(s);
        expect(utf8Decode(b)).toBe(s);
        expect(utf8Decode(b, { lossy: true })).toBe(s);
        expect(utf8ValidUpTo(b)).toBe(b.length);
        expect(new ByteWriter().utf8(s).finish()).toEqual(b);
      }),
    );
  });

  it('strict rejects invalid bytes with the valid prefix length; lossy never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), fc.nat(50), (b, at) => {
        const lossy = utf8Decode(b, { lossy: true });
        let strict: string | undefined;
        try {
          strict = utf8Decode(b, { offset: at, format: 'wal' });
        } catch (e) {
          expect(isLogspecError(e, CoreCode.BAD_UTF8)).toBe(true);
          const err = e as LogspecError;
          expect(err.format).toBe('wal');
          expect(err.offset).toBe(at);
          const valid = err.details.validUpTo as number;
          expect(valid).toBeLessThan(b.length);
          // The prefix is valid and the lossy text starts with it.
          const prefix = utf8Decode(b.subarray(0, valid));
          expect(lossy.startsWith(`${prefix}\uFFFD`)).toBe(true);
        }
        if (strict !== undefined) {
          expect(strict).toBe(lossy);
          expect(utf8ValidUpTo(b)).toBe(b.length);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("lossy replaces maximal subparts like Rust's from_utf8_lossy (Unicode table 3-8)", () => {
    expect(utf8Decode(hexDecode('48656c6c6ff0908057'), { lossy: true })).toBe('Hello\uFFFDW');
    expect(utf8Decode(hexDecode('61f18080e180c262806380bf64'), { lossy: true })).toBe(
      'a\uFFFD\uFFFD\uFFFDb\uFFFDc\uFFFD\uFFFDd',
    );
    expect(utf8Decode(hexDecode('eda080'), { lossy: true })).toBe('\uFFFD\uFFFD\uFFFD'); // a surrogate
    expect(utf8Decode(hexDecode('c080'), { lossy: true })).toBe('\uFFFD\uFFFD'); // over-long
    expect(utf8Decode(hexDecode('efbbbf41'))).toBe('\uFEFFA'); // the BOM is kept
  });

  it('ByteReader.utf8 reports the string start', () => {
    const r = new ByteReader(hexDecode('00414243ff'), { baseOffset: 7, format: 'session' });
    r.skip(1);
    const e = typedError(() => r.utf8(4));
    expect(e).toMatchObject({ code: CoreCode.BAD_UTF8, offset: 8, format: 'session' });
    expect(e.details.validUpTo).toBe(3);
    const l = new ByteReader(hexDecode('00414243ff'));
    l.skip(1);
    expect(l.utf8(4, true)).toBe('ABC\uFFFD');
  });
});

describe('hex, parseU64 and ByteWriter', () => {
  it('hex round-trips; bad hex is CORE_OUT_OF_RANGE', () => {
    fc.assert(
      fc.property(fc.uint8Array(), (b) => {
        expect(hexDecode(hexEncode(b))).toEqual(b);
      }),
    );
    expect(hexDecode('ABcd')).toEqual(new Uint8Array([0xab, 0xcd]));
    for (const bad of ['a', 'zz', '0x12', ' 12']) expect(typedError(() => hexDecode(bad, 'ring')).format).toBe('ring');
  });

  it('parseU64 takes digits, safe numbers and bigints only', () => {
    expect(parseU64('18446744073709551615')).toBe(U64_MAX);
    expect(parseU64('0')).toBe(0n);
    expect(parseU64(42)).toBe(42n);
    expect(parseU64(7n)).toBe(7n);
    for (const bad of ['', ' 1', '0x10', '1e3', '-1', '18446744073709551616', '1.0', 1.5, -1, 2 ** 64, -1n]) {
      expect(typedError(() => parseU64(bad)).code).toBe(CoreCode.OUT_OF_RANGE);
    }
  });

  it('a fixed target never grows; a growable one keeps what was written', () => {
    const target = new Uint8Array(6);
    const w = new ByteWriter(target, { offset: 2 });
    w.u32be(0xdeadbeef);
    const e = typedError(() => w.u8(1));
    expect(e).toMatchObject({ code: CoreCode.OUT_OF_RANGE, offset: 6 });
    expect(hexEncode(target)).toBe('0000deadbeef');
    const g = new ByteWriter(1);
    for (let i = 0; i < 300; i++) g.u16le(i);
    const r = new ByteReader(g.finish());
    for (let i = 0; i < 300; i++) expect(r.u16le()).toBe(i);
    expect(typedError(() => new ByteWriter(-1)).code).toBe(CoreCode.OUT_OF_RANGE);
    expect(typedError(() => new ByteWriter(new Uint8Array(2), { offset: 3 })).code).toBe(CoreCode.OUT_OF_RANGE);
    expect(typedError(() => new ByteWriter().zeros(-1)).code).toBe(CoreCode.OUT_OF_RANGE);
  });
});
