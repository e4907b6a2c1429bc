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

/** Decodes UTF-8; `lossy` maps invalid sequences to U+FFFD as Rust's `from_utf8_lossy` does. */
export function utf8Decode(
  bytes: Uint8Array,
  opts: { lossy?: boolean; format?: FormatName; offset?: number } = {},
): string {
  if (opts.lossy) return lossyDecoder.decode(bytes);
  try {
    return strictDecoder.decode(bytes);
  } catch (cause) {
    throw new LogspecError(opts.format ?? 'core', CoreCode.BAD_UTF8, 'invalid UTF-8', {
      offset: opts.offset,
      cause,
    });
  }
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
    if (this.start < 0 || this.end > bytes.length || this.start > this.end) {
      throw new LogspecError(opts.format ?? 'core', CoreCode.OUT_OF_RANGE, 'reader window outside the buffer');
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

  need(n: number, what = 'field'): void {
    if (n > this.end - this.pos) {
      throw this.error(CoreCode.TRUNCATED, `truncated ${what}: need ${n} bytes, ${this.end - this.pos} left`, {
        need: n,
        have: this.end - this.pos,
      });
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

  /** Unsigned LEB128 with postcard's rules: max length and last-byte limit per width; non-minimal forms accepted. */
  varint(bits: 16 | 32): number {
    const { maxLen, lastMax } = VARINT_LIMITS[bits];
    const at = this.pos;
    let value = 0;
    for (let i = 0; i < maxLen; i++) {
      if (this.pos >= this.end) {
        throw this.error(CoreCode.TRUNCATED, 'truncated varint', { need: 1, have: 0 });
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

  varintU64(): bigint {
    const { maxLen, lastMax } = VARINT_LIMITS[64];
    const at = this.pos;
    // Fast path: up to 7 bytes fit a double exactly.
    let value = 0;
    let i = 0;
    for (; i < 7; i++) {
      if (this.pos >= this.end) throw this.error(CoreCode.TRUNCATED, 'truncated varint', { need: 1, have: 0 });
      const b = this.bytes[this.pos++] as number;
      value += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) return BigInt(value);
    }
    let big = BigInt(value);
    for (; i < maxLen; i++) {
      if (this.pos >= this.end) throw this.error(CoreCode.TRUNCATED, 'truncated varint', { need: 1, have: 0 });
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
  i32le(v: number): this {
    if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
      throw new LogspecError(this.format, CoreCode.OUT_OF_RANGE, `i32 out of range: ${v}`, { offset: this.pos });
    }
    this.room(4);
    this.view.setInt32(this.pos, v, true);
    this.pos += 4;
    return this;
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

/** Parses a decimal u64 string (the wire form of u64 in logspec's canonical JSON). */
export function parseU64(s: string | number | bigint, format: FormatName = 'core'): bigint {
  let v: bigint;
  try {
    v = typeof s === 'bigint' ? s : typeof s === 'number' ? toBigInt(s, format) : BigInt(s);
  } catch {
    throw new LogspecError(format, CoreCode.OUT_OF_RANGE, `not an integer: ${String(s)}`);
  }
  if (v < 0n || v > U64_MAX) throw new LogspecError(format, CoreCode.OUT_OF_RANGE, `u64 out of range: ${v}`);
  return v;
}
