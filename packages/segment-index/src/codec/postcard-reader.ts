import { ByteReader, CoreCode, LogspecError } from '@logspec/core';
import { SegCode, segError } from './errors.js';
import type { Timestamp } from './timestamp.js';
import { parseCanonicalBytes, parseTimestamp } from './timestamp-reader.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Postcard field reader over `bytes[pos, end)`. Varints of up to 4 bytes (lengths below
 * 256 MiB, offsets below 2^28, epochs, marker indices) are read inline; longer ones go to core's
 * `ByteReader`, which holds postcard's per-type limits. Errors carry postcard's variant names.
 * One reader serves every decode (`reset`): decoding calls nothing that decodes again, and a
 * scan decodes millions of messages (an object per message showed in its profile).
 */
export class PostcardReader {
  bytes: Uint8Array = new Uint8Array(0);
  pos = 0;
  end = 0;
  fieldAt = 0;
  /** Added to an index in `bytes` to give the position reported in errors. */
  shift = 0;
  private fieldName = 'offset';
  /** The header being read (-1: none); its field name is only built for an error. */
  private header = -1;
  private headerPart: 'key' | 'value' = 'key';

  reset(bytes: Uint8Array, start: number, end: number, baseOffset: number): this {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
    this.fieldAt = start;
    this.shift = baseOffset - start;
    this.fieldName = 'offset';
    this.header = -1;
    return this;
  }

  get field(): string {
    return this.header < 0 ? this.fieldName : `headers[${this.header}].${this.headerPart}`;
  }

  begin(field: string): void {
    this.fieldName = field;
    this.header = -1;
    this.fieldAt = this.pos;
  }

  beginHeader(index: number, part: 'key' | 'value'): void {
    this.header = index;
    this.headerPart = part;
    this.fieldAt = this.pos;
  }

  fail(code: SegCode, message: string, at = this.fieldAt, details: Record<string, unknown> = {}): LogspecError {
    return segError(code, `${this.field}: ${message}`, this.shift + at, { field: this.field, ...details });
  }

  truncated(need: number): LogspecError {
    return this.fail(SegCode.UNEXPECTED_END, 'payload ends before the field is complete', this.fieldAt, {
      need,
      have: this.end - this.pos,
    });
  }

  byte(): number {
    if (this.pos >= this.end) throw this.truncated(1);
    return this.bytes[this.pos++] as number;
  }

  /**
   * A varint of at most `max` bytes (≤ 4, so it is within every type's limits: below 2^28, and
   * below 2^14 for the 2 bytes asked for u16), or -1 when it is longer or cut short: then `slow`.
   */
  private small(max: number): number {
    const p = this.pos;
    const bytes = this.bytes;
    const lim = Math.min(this.end, p + max);
    let v = 0;
    for (let i = p, shift = 0; i < lim; i++, shift += 7) {
      const b = bytes[i] as number;
      v |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = i + 1;
        return v;
      }
    }
    return -1;
  }

  private slow(bits: 16 | 32 | 64): number | bigint {
    const r = new ByteReader(this.bytes, { format: 'segment', start: this.pos, end: this.end, baseOffset: this.shift });
    const v = bits === 64 ? r.varintU64() : r.varint(bits);
    this.pos = r.pos;
    return v;
  }

  /** A `usize` length (postcard: u64 varint rules on 64-bit targets), checked against what remains. */
  length(): number {
    let n = this.small(4);
    if (n < 0) {
      const v = this.slow(64) as bigint;
      n = v > BigInt(this.end - this.pos) ? Number.MAX_SAFE_INTEGER : Number(v);
    }
    if (n > this.end - this.pos) throw this.truncated(n);
    return n;
  }

  u64(): bigint {
    const n = this.small(4);
    return n >= 0 ? BigInt(n) : (this.slow(64) as bigint);
  }

  /**
   * A u64 element count as a number: one that cannot be met by the bytes left (each element
   * takes at least one) comes back as +Infinity, so no bigint is made for the common small count.
   */
  count(): number {
    const n = this.small(4);
    const left = this.end - this.pos;
    if (n >= 0) return n > left ? Number.POSITIVE_INFINITY : n;
    const v = this.slow(64) as bigint;
    return v > BigInt(this.end - this.pos) ? Number.POSITIVE_INFINITY : Number(v);
  }

  u16(): number {
    const n = this.small(2);
    return n >= 0 ? n : (this.slow(16) as number);
  }

  u32(): number {
    const n = this.small(4);
    return n >= 0 ? n : (this.slow(32) as number);
  }

  take(n: number): Uint8Array {
    const p = this.pos;
    this.pos = p + n;
    return this.bytes.subarray(p, p + n);
  }

  option(): boolean {
    const at = this.pos;
    const tag = this.byte();
    if (tag === 0) return false;
    if (tag === 1) return true;
    throw this.fail(SegCode.BAD_OPTION, `option tag ${tag} is neither 0 nor 1`, at, { value: tag });
  }

  str(what: 'header key'): string {
    const n = this.length();
    const at = this.pos;
    this.pos += n;
    try {
      return strictUtf8.decode(this.bytes.subarray(at, at + n));
    } catch (cause) {
      throw segError(SegCode.BAD_UTF8, `${what} is not valid UTF-8`, this.shift + at, { field: this.field }, cause);
    }
  }

  timestamp(): Timestamp {
    const n = this.length();
    const bytes = this.bytes;
    const at = this.pos;
    this.pos += n;
    const fast = parseCanonicalBytes(bytes, at, at + n);
    if (fast) return fast;
    let text: string;
    try {
      text = strictUtf8.decode(bytes.subarray(at, at + n));
    } catch (cause) {
      throw segError(SegCode.BAD_UTF8, 'timestamp is not valid UTF-8', this.shift + at, { field: this.field }, cause);
    }
    try {
      return parseTimestamp(text);
    } catch (e) {
      if (e instanceof LogspecError) {
        throw segError(SegCode.BAD_TIMESTAMP, e.message, this.shift + at, { field: this.field, text });
      }
      throw e;
    }
  }
}

/** Core's varint/truncation errors, renamed to the postcard variants the original reports. */
export function mapCoreError(e: unknown, pr: PostcardReader): unknown {
  if (!(e instanceof LogspecError) || e.format !== 'segment') return e;
  if (e.code === CoreCode.TRUNCATED) {
    return pr.fail(SegCode.UNEXPECTED_END, 'payload ends inside a varint');
  }
  if (e.code === CoreCode.VARINT_OVERFLOW) {
    return segError(SegCode.BAD_VARINT, `${pr.field}: varint too long for its type`, e.offset, { field: pr.field });
  }
  return e;
}
