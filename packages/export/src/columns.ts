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
/** The next batch's buffers: the last batch's size and a quarter more (sources overshoot a little). */
const next = (n: number) => Math.max(INITIAL_ROWS, n + (n >> 2));
const encoder = new TextEncoder();
const lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

function grown<T extends Uint8Array | Int32Array>(a: T, need: number): T {
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

  isValid(i: number): boolean {
    return this.bits === null || i >= this.bits.length * 8 || ((this.bits[i >> 3] as number) & (1 << (i & 7))) !== 0;
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
  /**
   * The values as Arrow `Data`; the column is empty afterwards. With `reuse`, the next batch is
   * written into the same buffers: the caller promises the returned data is no longer read by
   * then (an export, whose sinks have written each batch out before the next is built).
   */
  abstract finish(reuse?: boolean): Data;
}

/**
 * Fixed-width numbers. Every kind is held in one `Uint32Array` (u8/u16/bool one word per row,
 * narrowed when the batch is cut; 64-bit kinds two words per row), so the append paths see a
 * single array type and stay monomorphic however many column kinds a table has.
 */
export class NumberColumn extends Column {
  private words: Uint32Array;
  /** Rows the words hold. */
  private cap: number;
  private readonly wide: boolean;
  constructor(spec: ColumnSpec, rows = INITIAL_ROWS) {
    super(spec);
    this.wide = is64(spec.kind);
    this.cap = rows;
    this.words = new Uint32Array(this.wide ? rows * 2 : rows);
  }

  private grow(): void {
    this.cap *= 2;
    const w = new Uint32Array(this.wide ? this.cap * 2 : this.cap);
    w.set(this.words);
    this.words = w;
  }

  /** A value of a u8/u16/u32 column, or a bool as 0/1. */
  append(v: number): void {
    if (this.length === this.cap) this.grow();
    this.words[this.length++] = v;
  }

  /** A 64-bit value as its two little-endian 32-bit words. */
  appendWords(lo: number, hi: number): void {
    if (this.length === this.cap) this.grow();
    const i = this.length++ << 1;
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
    this.validity.setNull(this.length, this.cap);
    if (this.wide) this.appendWords(0, 0);
    else this.append(0);
  }

  get byteSize(): number {
    return this.length * (this.wide ? 8 : 4);
  }

  finish(reuse = false): Data {
    const n = this.length;
    const { bitmap, nulls } = this.validity.take(n);
    const type = arrowType(this.spec.kind);
    const w = this.words;
    let data: ArrayBufferView;
    switch (this.spec.kind) {
      case 'bool':
        data = packBits(w, n);
        break;
      case 'u8':
        data = Uint8Array.from(w.subarray(0, n));
        break;
      case 'u16':
        data = Uint16Array.from(w.subarray(0, n));
        break;
      case 'u32':
        data = w.subarray(0, n);
        break;
      default:
        data = this.spec.kind === 'u64' ? new BigUint64Array(w.buffer, 0, n) : new BigInt64Array(w.buffer, 0, n);
    }
    if (!reuse) {
      this.cap = next(n);
      this.words = new Uint32Array(this.wide ? this.cap * 2 : this.cap);
    }
    this.length = 0;
    return makeData({ type, length: n, nullCount: nulls, nullBitmap: bitmap, data } as never);
  }
}

function packBits(v: Uint32Array, n: number): Uint8Array {
  const out = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (v[i]) out[i >> 3] = (out[i >> 3] as number) | (1 << (i & 7));
  return out;
}

function is64(kind: ColumnKind): boolean {
  return kind === 'u64' || kind === 'i64' || kind === 'timestamp_ns' || kind === 'timestamp_ms';
}

/** Variable-length values (utf8 or binary): one byte buffer and n + 1 offsets. */
export class BytesColumn extends Column {
  private offsets: Int32Array;
  private bytes: Uint8Array;
  private used = 0;

  constructor(spec: ColumnSpec, rows = INITIAL_ROWS) {
    super(spec);
    this.offsets = new Int32Array(rows + 1);
    this.bytes = new Uint8Array(rows * 32);
  }

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
    if (n <= 128) {
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

  /**
   * Makes room for a value of `n` bytes written in place: write `buffer[at, at + n)` and then
   * call `commit(n)`. (No callback per value: a closure per row showed in profiles.)
   */
  reserve(n: number): number {
    this.room(1, n);
    return this.used;
  }

  /** The byte buffer values are written to; valid until the next `reserve`/append. */
  get buffer(): Uint8Array {
    return this.bytes;
  }

  /** Ends the value written after `reserve(n)`. */
  commit(n: number): void {
    this.used += n;
    this.end();
  }

  /** Where the next value goes: rows and bytes so far (for `repairUtf8`). */
  mark(): { rows: number; bytes: number } {
    return { rows: this.length, bytes: this.used };
  }

  /**
   * Makes the values appended since `m` valid UTF-8 the way Rust's `from_utf8_lossy` reads
   * them (each invalid sequence → U+FFFD), for sources that copy text bytes unchecked and check
   * a whole scanner chunk at once: `allAscii` (a fast native check in Node) clears the common
   * case in one call; otherwise each non-ASCII value is decoded and, if it was not UTF-8,
   * re-encoded.
   */
  repairUtf8(m: { rows: number; bytes: number }, allAscii: (b: Uint8Array) => boolean): void {
    if (allAscii(this.bytes.subarray(m.bytes, this.used))) return;
    const from = m.rows;
    const to = this.length;
    const offs = this.offsets.slice(from, to + 1);
    const data = this.bytes.slice(m.bytes, this.used);
    const nulls = this.validity;
    this.length = from;
    this.used = m.bytes;
    for (let r = from; r < to; r++) {
      const a = (offs[r - from] as number) - m.bytes;
      const b = (offs[r - from + 1] as number) - m.bytes;
      // A null keeps its validity bit; its (empty) value is re-appended as it was.
      if (!nulls.isValid(r)) {
        this.room(1, 0);
        this.end();
      } else this.appendString(lossy.decode(data.subarray(a, b)));
    }
  }

  appendNull(): void {
    this.room(1, 0);
    this.validity.setNull(this.length, this.offsets.length);
    this.end();
  }

  get byteSize(): number {
    return this.used + this.length * 4;
  }

  finish(reuse = false): Data {
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
    if (!reuse) {
      this.offsets = new Int32Array(next(n) + 1);
      this.bytes = new Uint8Array(Math.max(INITIAL_ROWS * 32, this.used + (this.used >> 2)));
    }
    this.used = 0;
    this.length = 0;
    return data;
  }
}

/** A column for `spec`, sized for `rows` rows. */
export function makeColumn(spec: ColumnSpec, rows = INITIAL_ROWS): Column {
  return spec.kind === 'utf8' || spec.kind === 'binary' ? new BytesColumn(spec, rows) : new NumberColumn(spec, rows);
}
