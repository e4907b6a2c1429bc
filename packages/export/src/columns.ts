import { type Data, makeData } from 'apache-arrow';
import { arrowType, type ColumnKind, type ColumnSpec } from './table.js';

/**
 * Growable columns that become Arrow `Data` without a per-value Arrow builder: values go
 * straight into typed arrays (64-bit integers as two 32-bit words, so no bigint is made per
 * value), strings and bytes are copied into one byte buffer with an offsets array, and a
 * validity bitmap is kept only once a null was appended. `finish()` hands the buffers to a
 * `Data` and starts over with new ones: a finished batch is never written to again (the
 * Arrow IPC writer queues the buffers themselves), and no two columns share a buffer (the
 * apache-arrow IPC writer miscounts a body whose buffers overlap).
 */

const INITIAL_ROWS = 1024;
const encoder = new TextEncoder();

function grown<T extends Uint8Array | Uint32Array | Int32Array | Uint16Array>(a: T, need: number): T {
  let cap = a.length * 2;
  while (cap < need) cap *= 2;
  const b = new (a.constructor as new (n: number) => T)(cap);
  b.set(a);
  return b;
}

/** Validity bits, allocated on the first null. */
class Validity {
  bits: Uint8Array | null = null;
  nulls = 0;

  /** Marks row `i` null (rows before it valid). */
  setNull(i: number, capRows: number): void {
    if (this.bits === null) {
      this.bits = new Uint8Array(Math.max(8, (capRows + 7) >> 3)).fill(0xff);
    } else if (this.bits.length * 8 <= i) {
      const b = new Uint8Array(Math.max(this.bits.length * 2, (i >> 3) + 1)).fill(0xff);
      b.set(this.bits);
      this.bits = b;
    }
    this.bits[i >> 3] = (this.bits[i >> 3] as number) & ~(1 << (i & 7));
    this.nulls++;
  }

  /** The bitmap for `n` rows (bits past a grown region are valid: 0xff fill). */
  take(n: number): { bitmap: Uint8Array | undefined; nulls: number } {
    const out = this.bits === null ? undefined : this.bits.subarray(0, (n + 7) >> 3);
    const nulls = this.nulls;
    this.bits = null;
    this.nulls = 0;
    return { bitmap: out, nulls };
  }
}

export abstract class Column {
  length = 0;
  protected readonly validity = new Validity();
  constructor(readonly spec: ColumnSpec) {}
  /** Appends a null (the column must be nullable: the table definitions decide). */
  abstract appendNull(): void;
  /** Approximate bytes held, for batch sizing. */
  abstract get byteSize(): number;
  /** The values as Arrow `Data`; the column is empty afterwards. */
  abstract finish(): Data;
}

/** Fixed-width numbers: u8/u16/u32 in their own arrays, 64-bit ones as word pairs. */
export class NumberColumn extends Column {
  private words: Uint32Array | Uint16Array | Uint8Array;
  private readonly wide: boolean;
  constructor(spec: ColumnSpec) {
    super(spec);
    this.wide = is64(spec.kind);
    this.words = this.alloc(INITIAL_ROWS);
  }

  private alloc(rows: number): Uint32Array | Uint16Array | Uint8Array {
    switch (this.spec.kind) {
      case 'u8':
      case 'bool':
        return new Uint8Array(rows);
      case 'u16':
        return new Uint16Array(rows);
      default:
        return new Uint32Array(this.wide ? rows * 2 : rows);
    }
  }

  private ensure(): void {
    const need = this.wide ? (this.length + 1) * 2 : this.length + 1;
    if (need > this.words.length) this.words = grown(this.words, need);
  }

  /** A value of a u8/u16/u32 column, or a bool as 0/1. */
  append(v: number): void {
    this.ensure();
    this.words[this.length++] = v;
  }

  /** A 64-bit value as its two little-endian 32-bit words. */
  appendWords(lo: number, hi: number): void {
    this.ensure();
    const i = this.length++ * 2;
    this.words[i] = lo;
    this.words[i + 1] = hi;
  }

  /** A 64-bit value read little-endian from `view` at `at`. */
  appendU64At(view: DataView, at: number): void {
    this.appendWords(view.getUint32(at, true), view.getUint32(at + 4, true));
  }

  appendBigInt(v: bigint): void {
    const u = BigInt.asUintN(64, v);
    this.appendWords(Number(u & 0xffffffffn), Number(u >> 32n));
  }

  /** A non-negative or negative safe integer into a 64-bit column. */
  appendInt(v: number): void {
    const hi = Math.floor(v / 4294967296);
    this.appendWords(v - hi * 4294967296, hi >>> 0);
  }

  appendNull(): void {
    this.validity.setNull(this.length, this.words.length);
    if (this.wide) this.appendWords(0, 0);
    else this.append(0);
  }

  get byteSize(): number {
    return this.length * (this.wide ? 8 : this.words.BYTES_PER_ELEMENT);
  }

  finish(): Data {
    const n = this.length;
    const { bitmap, nulls } = this.validity.take(n);
    const type = arrowType(this.spec.kind);
    let data: ArrayBufferView;
    if (this.spec.kind === 'bool') data = packBits(this.words as Uint8Array, n);
    else if (this.wide) {
      const w = this.words.subarray(0, n * 2) as Uint32Array;
      data = this.spec.kind === 'u64' ? new BigUint64Array(w.buffer, 0, n) : new BigInt64Array(w.buffer, 0, n);
    } else data = this.words.subarray(0, n);
    this.words = this.alloc(Math.max(INITIAL_ROWS, n));
    this.length = 0;
    return makeData({ type, length: n, nullCount: nulls, nullBitmap: bitmap, data } as never);
  }
}

function packBits(v: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (v[i]) out[i >> 3] = (out[i >> 3] as number) | (1 << (i & 7));
  return out;
}

function is64(kind: ColumnKind): boolean {
  return kind === 'u64' || kind === 'i64' || kind === 'timestamp_ns' || kind === 'timestamp_ms';
}

/** Variable-length values (utf8 or binary): one byte buffer and n + 1 offsets. */
export class BytesColumn extends Column {
  private offsets = new Int32Array(INITIAL_ROWS + 1);
  private bytes = new Uint8Array(INITIAL_ROWS * 32);
  private used = 0;

  private room(rows: number, bytes: number): void {
    if (this.length + 1 + rows > this.offsets.length) this.offsets = grown(this.offsets, this.length + 1 + rows);
    if (this.used + bytes > this.bytes.length) this.bytes = grown(this.bytes, this.used + bytes);
  }

  private end(): void {
    this.offsets[++this.length] = this.used;
  }

  /** Copies `src[start, end)` as one value (utf8 columns: the caller has checked it is UTF-8). */
  appendBytes(src: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.room(1, n);
    if (n <= 32) {
      const b = this.bytes;
      let u = this.used;
      for (let i = start; i < end; i++) b[u++] = src[i] as number;
    } else this.bytes.set(src.subarray(start, end), this.used);
    this.used += n;
    this.end();
  }

  appendString(s: string): void {
    // At most 3 bytes per UTF-16 unit.
    this.room(1, s.length * 3);
    this.used += encoder.encodeInto(s, this.bytes.subarray(this.used)).written;
    this.end();
  }

  /** Reserves `n` bytes for a value written in place by `write` (which gets the buffer and where to start). */
  appendWith(n: number, write: (out: Uint8Array, at: number) => void): void {
    this.room(1, n);
    write(this.bytes, this.used);
    this.used += n;
    this.end();
  }

  appendNull(): void {
    this.room(1, 0);
    this.validity.setNull(this.length, this.offsets.length);
    this.end();
  }

  get byteSize(): number {
    return this.used + this.length * 4;
  }

  finish(): Data {
    const n = this.length;
    const { bitmap, nulls } = this.validity.take(n);
    const data = makeData({
      type: arrowType(this.spec.kind),
      length: n,
      nullCount: nulls,
      nullBitmap: bitmap,
      valueOffsets: this.offsets.subarray(0, n + 1),
      data: this.bytes.subarray(0, this.used),
    } as never);
    this.offsets = new Int32Array(Math.max(INITIAL_ROWS, n) + 1);
    this.bytes = new Uint8Array(Math.max(INITIAL_ROWS * 32, this.used));
    this.used = 0;
    this.length = 0;
    return data;
  }
}

export function makeColumn(spec: ColumnSpec): Column {
  return spec.kind === 'utf8' || spec.kind === 'binary' ? new BytesColumn(spec) : new NumberColumn(spec);
}
