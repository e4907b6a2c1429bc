import { CoreCode, type FormatName, LogspecError } from './errors.js';
import { MAX_SAFE } from './integers.js';
import { utf8Decode } from './text.js';

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
