import { CoreCode, type FormatName, LogspecError } from './errors.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossyDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const encoder = new TextEncoder();

export function utf8Encode(s: string): Uint8Array {
  return encoder.encode(s);
}

/**
 * Decodes UTF-8 (a BOM is kept as U+FEFF, as Rust keeps it). `lossy` maps each maximal
 * invalid subsequence to one U+FFFD, as Rust's `from_utf8_lossy` does; strict decoding
 * throws `CORE_BAD_UTF8` at `opts.offset` with `details.validUpTo` (Rust's `valid_up_to`).
 */
export function utf8Decode(
  bytes: Uint8Array,
  opts: { lossy?: boolean; format?: FormatName; offset?: number } = {},
): string {
  if (opts.lossy) return lossyDecoder.decode(bytes);
  try {
    return strictDecoder.decode(bytes);
  } catch (cause) {
    const validUpTo = utf8ValidUpTo(bytes);
    throw new LogspecError(opts.format ?? 'core', CoreCode.BAD_UTF8, `invalid UTF-8 after ${validUpTo} valid bytes`, {
      offset: opts.offset,
      details: { validUpTo },
      cause,
    });
  }
}

/** Length of the longest valid UTF-8 prefix (Unicode table 3-7); only used on the error path. */
export function utf8ValidUpTo(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    let more: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) more = 1;
    else if (c === 0xe0) [more, lo] = [2, 0xa0];
    else if (c === 0xed) [more, hi] = [2, 0x9f];
    else if (c >= 0xe1 && c <= 0xef) more = 2;
    else if (c === 0xf0) [more, lo] = [3, 0x90];
    else if (c === 0xf4) [more, hi] = [3, 0x8f];
    else if (c >= 0xf1 && c <= 0xf3) more = 3;
    else return i;
    for (let k = 1; k <= more; k++) {
      const x = b[i + k];
      if (x === undefined || x < (k === 1 ? lo : 0x80) || x > (k === 1 ? hi : 0xbf)) return i;
    }
    i += more + 1;
  }
  return n;
}

export function hexEncode(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i] as number];
  return s;
}
const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function hexDecode(hex: string, format: FormatName = 'core'): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new LogspecError(format, CoreCode.OUT_OF_RANGE, 'hex string must have an even number of hex digits');
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export interface ByteReaderOptions {
  /** Whose input this is: errors carry it. */
  format?: FormatName;
  /** First readable index in `bytes` (default 0). */
  start?: number;
  /** One past the last readable index (default `bytes.length`). */
  end?: number;
  /** Added to positions in errors, so offsets name the file position, not the buffer index. */
  baseOffset?: number;
}

/** Postcard's varint limits: max encoded length and the largest value of the last byte. */
const VARINT_LIMITS = {
  16: { maxLen: 3, lastMax: 0x03 },
  32: { maxLen: 5, lastMax: 0x0f },
  64: { maxLen: 10, lastMax: 0x01 },
} as const;

/**
 * Bounds-checked little/big-endian reader. Every read checks what remains first and
 * throws `CORE_TRUNCATED` with the absolute offset, so no raw RangeError escapes.
 */
export class ByteReader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly start: number;
  readonly end: number;
  readonly format: FormatName;
  readonly baseOffset: number;
  pos: number;

  constructor(bytes: Uint8Array, opts: ByteReaderOptions = {}) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.start = opts.start ?? 0;
    this.end = opts.end ?? bytes.length;
    const base = opts.baseOffset ?? 0;
    if (
      !Number.isSafeInteger(this.start) ||
      !Number.isSafeInteger(this.end) ||
      !Number.isSafeInteger(base) ||
      this.start < 0 ||
      this.end > bytes.length ||
      this.start > this.end
    ) {
      throw new LogspecError(opts.format ?? 'core', CoreCode.OUT_OF_RANGE, 'reader window outside the buffer', {
        details: { start: opts.start, end: opts.end, length: bytes.length, baseOffset: opts.baseOffset },
      });
    }
    this.pos = this.start;
    this.format = opts.format ?? 'core';
    this.baseOffset = opts.baseOffset ?? 0;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Absolute offset (file position) of the cursor. */
  get offset(): number {
    return this.baseOffset + this.pos;
  }

  error(code: string, message: string, details?: Record<string, unknown>, at: number = this.pos): LogspecError {
    return new LogspecError(this.format, code, message, { offset: this.baseOffset + at, details });
  }

  /**
   * Checks that `n` more bytes are there. `CORE_TRUNCATED` (offset: the cursor, i.e. the
   * field's first byte) if not; `CORE_OUT_OF_RANGE` if `n` is not a non-negative integer
   * (e.g. a length computed from hostile input went negative).
   */
  need(n: number, what = 'field'): void {
    const have = this.end - this.pos;
    if (n <= have && n >= 0 && (n | 0) === n) return;
    if (!Number.isInteger(n) || n < 0) {
      throw this.error(CoreCode.OUT_OF_RANGE, `bad ${what} length: ${n}`, { need: n, have });
    }
    if (n > have) {
      throw this.error(CoreCode.TRUNCATED, `truncated ${what}: need ${n} bytes, ${have} left`, { need: n, have });
    }
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++] as number;
  }
  u16le(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u16be(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, false);
    this.pos += 2;
    return v;
  }
  u32le(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u32be(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, false);
    this.pos += 4;
    return v;
  }
  i32le(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  i32be(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos, false);
    this.pos += 4;
    return v;
  }
  u64le(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }
  u64be(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, false);
    this.pos += 8;
    return v;
  }
  i64le(): bigint {
    this.need(8);
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }
  i64be(): bigint {
    this.need(8);
    const v = this.view.getBigInt64(this.pos, false);
    this.pos += 8;
    return v;
  }
  /** u64 as a number; `CORE_UNSAFE_INTEGER` above 2^53 − 1. */
  u64leNumber(): number {
    const at = this.pos;
    return this.safe(this.u64le(), at);
  }
  u64beNumber(): number {
    const at = this.pos;
    return this.safe(this.u64be(), at);
  }

  /** i64 as a number; `CORE_UNSAFE_INTEGER` outside ±(2^53 − 1). */
  i64leNumber(): number {
    const at = this.pos;
    return this.safe(this.i64le(), at);
  }
  i64beNumber(): number {
    const at = this.pos;
    return this.safe(this.i64be(), at);
  }

  private safe(v: bigint, at: number): number {
    if (v > MAX_SAFE || v < -MAX_SAFE) {
      throw this.error(CoreCode.UNSAFE_INTEGER, `integer ${v} does not fit a JS number; ask for bigint`, {}, at);
    }
    return Number(v);
  }

  /** Zero-copy view of the next `n` bytes; `n` is checked against what is there first. */
  bytesView(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  utf8(n: number, lossy = false): string {
    const at = this.pos;
    const v = this.bytesView(n, 'string');
    return utf8Decode(v, { lossy, format: this.format, offset: this.baseOffset + at });
  }

  /**
   * Unsigned LEB128 with postcard's rules: at most 3/5/10 bytes for u16/u32/u64, and the
   * last allowed byte at most 0x03/0x0F/0x01 (no continuation bit, no bits past the width);
   * non-minimal forms (e.g. `80 00` for 0) are accepted, as postcard does.
   * Errors: `CORE_VARINT_OVERFLOW` at the varint's first byte; `CORE_TRUNCATED` at the
   * first missing byte (the end of the window), with `details.start` the varint's first byte.
   */
  varint(bits: 16 | 32): number {
    const { maxLen, lastMax } = VARINT_LIMITS[bits];
    const at = this.pos;
    let value = 0;
    for (let i = 0; i < maxLen; i++) {
      if (this.pos >= this.end) {
        throw this.error(CoreCode.TRUNCATED, 'truncated varint', { need: 1, have: 0, start: this.baseOffset + at });
      }
      const b = this.bytes[this.pos++] as number;
      if (i === maxLen - 1) {
        if (b > lastMax) throw this.error(CoreCode.VARINT_OVERFLOW, `varint overflows u${bits}`, {}, at);
        return value + b * 2 ** (7 * i);
      }
      value += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) return value;
    }
    throw this.error(CoreCode.VARINT_OVERFLOW, `varint overflows u${bits}`, {}, at);
  }

  /** A u64 varint as a bigint (see `varint` for the rules). */
  varintU64(): bigint {
    const { maxLen, lastMax } = VARINT_LIMITS[64];
    const at = this.pos;
    // Fast path: up to 7 bytes fit a double exactly.
    let value = 0;
    let i = 0;
    for (; i < 7; i++) {
      if (this.pos >= this.end) {
        throw this.error(CoreCode.TRUNCATED, 'truncated varint', { need: 1, have: 0, start: this.baseOffset + at });
      }
      const b = this.bytes[this.pos++] as number;
      value += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) return BigInt(value);
    }
    let big = BigInt(value);
    for (; i < maxLen; i++) {
      if (this.pos >= this.end) {
        throw this.error(CoreCode.TRUNCATED, 'truncated varint', { need: 1, have: 0, start: this.baseOffset + at });
      }
      const b = this.bytes[this.pos++] as number;
      if (i === maxLen - 1) {
        if (b > lastMax) throw this.error(CoreCode.VARINT_OVERFLOW, 'varint overflows u64', {}, at);
        return big | (BigInt(b) << BigInt(7 * i));
      }
      big |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) return big;
    }
    throw this.error(CoreCode.VARINT_OVERFLOW, 'varint overflows u64', {}, at);
  }

  /** A u64 varint as a number; `CORE_UNSAFE_INTEGER` (at its first byte) above 2^53 − 1. */
  varintU64Number(): number {
    const at = this.pos;
    return this.safe(this.varintU64(), at);
  }

  /** Sub-reader over the next `n` bytes (zero-copy); advances this reader past them. */
  sub(n: number, what = 'section'): ByteReader {
    this.need(n, what);
    const r = new ByteReader(this.bytes, {
      format: this.format,
      start: this.pos,
      end: this.pos + n,
      baseOffset: this.baseOffset,
    });
    this.pos += n;
    return r;
  }
}

/**
 * Little/big-endian writer. Grows its buffer unless constructed over a fixed target,
 * in which case writing past the end throws `CORE_OUT_OF_RANGE`.
 */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private readonly fixed: boolean;
  readonly format: FormatName;
  pos: number;

  constructor(target: number | Uint8Array = 256, opts: { format?: FormatName; offset?: number } = {}) {
    const start = opts.offset ?? 0;
    if (
      (typeof target === 'number' && (!Number.isSafeInteger(target) || target < 0)) ||
      !Number.isSafeInteger(start) ||
      start < 0 ||
      (typeof target !== 'number' && start > target.length)
    ) {
      throw new LogspecError(opts.format ?? 'core', CoreCode.OUT_OF_RANGE, 'bad writer capacity or offset');
    }
    this.fixed = typeof target !== 'number';
    this.buf = typeof target === 'number' ? new Uint8Array(target) : target;
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.pos = opts.offset ?? 0;
    this.format = opts.format ?? 'core';
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.fixed) {
      throw new LogspecError(this.format, CoreCode.OUT_OF_RANGE, `writer target full: need ${n} more bytes`, {
        offset: this.pos,
      });
    }
    let cap = Math.max(16, this.buf.length * 2);
    while (cap < this.pos + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  private range(v: number, max: number, what: string): void {
    if (!Number.isInteger(v) || v < 0 || v > max) {
      throw new LogspecError(this.format, CoreCode.OUT_OF_RANGE, `${what} out of range: ${v}`, { offset: this.pos });
    }
  }

  u8(v: number): this {
    this.range(v, 0xff, 'u8');
    this.room(1);
    this.buf[this.pos++] = v;
    return this;
  }
  u16le(v: number): this {
    this.range(v, 0xffff, 'u16');
    this.room(2);
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
    return this;
  }
  u16be(v: number): this {
    this.range(v, 0xffff, 'u16');
    this.room(2);
    this.view.setUint16(this.pos, v, false);
    this.pos += 2;
    return this;
  }
  u32le(v: number): this {
    this.range(v, 0xffffffff, 'u32');
    this.room(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
    return this;
  }
  u32be(v: number): this {
    this.range(v, 0xffffffff, 'u32');
    this.room(4);
    this.view.setUint32(this.pos, v, false);
    this.pos += 4;
    return this;
  }
  private i32(v: number, le: boolean): this {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
      throw new LogspecError(this.format, CoreCode.OUT_OF_RANGE, `i32 out of range: ${v}`, { offset: this.pos });
    }
    this.room(4);
    this.view.setInt32(this.pos, v, le);
    this.pos += 4;
    return this;
  }
  i32le(v: number): this {
    return this.i32(v, true);
  }
  i32be(v: number): this {
    return this.i32(v, false);
  }
  private u64(v: bigint | number, le: boolean): this {
    const b = typeof v === 'bigint' ? v : toBigInt(v, this.format);
    if (b < 0n || b > U64_MAX) {
      throw new LogspecError(this.format, CoreCode.OUT_OF_RANGE, `u64 out of range: ${b}`, { offset: this.pos });
    }
    this.room(8);
    this.view.setBigUint64(this.pos, b, le);
    this.pos += 8;
    return this;
  }
  private i64(v: bigint | number, le: boolean): this {
    const b = typeof v === 'bigint' ? v : toBigInt(v, this.format);
    if (b < I64_MIN || b > I64_MAX) {
      throw new LogspecError(this.format, CoreCode.OUT_OF_RANGE, `i64 out of range: ${b}`, { offset: this.pos });
    }
    this.room(8);
    this.view.setBigInt64(this.pos, b, le);
    this.pos += 8;
    return this;
  }
  u64le(v: bigint | number): this {
    return this.u64(v, true);
  }
  u64be(v: bigint | number): this {
    return this.u64(v, false);
  }
  i64le(v: bigint | number): this {
    return this.i64(v, true);
  }
  i64be(v: bigint | number): this {
    return this.i64(v, false);
  }
  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }
  zeros(n: number): this {
    this.range(n, Number.MAX_SAFE_INTEGER, 'zeros length');
    this.room(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
    return this;
  }
  utf8(s: string): this {
    return this.bytes(encoder.encode(s));
  }
  /** Minimal unsigned LEB128 (what postcard writes). */
  varint(v: bigint | number): this {
    let b = typeof v === 'bigint' ? v : toBigInt(v, this.format);
    if (b < 0n || b > U64_MAX) {
      throw new LogspecError(this.format, CoreCode.OUT_OF_RANGE, `varint out of range: ${b}`, { offset: this.pos });
    }
    if (b < 0x80n) return this.u8(Number(b));
    while (b >= 0x80n) {
      this.room(1);
      this.buf[this.pos++] = Number(b & 0x7fn) | 0x80;
      b >>= 7n;
    }
    this.room(1);
    this.buf[this.pos++] = Number(b);
    return this;
  }

  /** The written bytes: a view of the internal buffer (no copy). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

function toBigInt(v: number, format: FormatName): bigint {
  if (!Number.isSafeInteger(v)) {
    throw new LogspecError(format, CoreCode.OUT_OF_RANGE, `not a safe integer: ${v}; pass a bigint`);
  }
  return BigInt(v);
}

/**
 * Parses a u64 given as a decimal string of digits only (the wire form of u64 in logspec's
 * canonical JSON: no sign, spaces, `0x` or exponent), a safe integer number, or a bigint.
 */
export function parseU64(s: string | number | bigint, format: FormatName = 'core'): bigint {
  let v: bigint;
  try {
    if (typeof s === 'string' && !/^[0-9]{1,20}$/.test(s)) throw new Error('not decimal');
    v = typeof s === 'bigint' ? s : typeof s === 'number' ? toBigInt(s, format) : BigInt(s);
  } catch {
    throw new LogspecError(format, CoreCode.OUT_OF_RANGE, `not an integer: ${String(s)}`);
  }
  if (v < 0n || v > U64_MAX) throw new LogspecError(format, CoreCode.OUT_OF_RANGE, `u64 out of range: ${v}`);
  return v;
}
