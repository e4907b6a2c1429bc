import { CoreCode, type FormatName, LogspecError } from './errors.js';
import { I64_MAX, I64_MIN, toBigInt, U64_MAX } from './integers.js';
import { encoder } from './text.js';

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
