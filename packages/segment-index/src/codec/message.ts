import { ByteReader, CoreCode, LogspecError } from '@logspec/core';
import { SegCode, segError } from './errors.js';
import {
  checkTimestamp,
  parseCanonicalBytes,
  parseTimestamp,
  type Timestamp,
  timestampTextLength,
  writeTimestampText,
} from './timestamp.js';

export type TransactionMarker = 'Commit' | 'Abort';
/** Variant index of each marker on the wire (serde's declaration order). */
export const MARKER_INDEX: Record<TransactionMarker, number> = { Commit: 0, Abort: 1 };
const MARKERS: readonly TransactionMarker[] = ['Commit', 'Abort'];

export interface Header {
  key: string;
  value: Uint8Array;
}

/**
 * rivven-core's `Message`, field for field. Bytes are `Uint8Array`s (decoded ones are views of
 * the input unless `copy` is asked for); u64s are bigints; the timestamp keeps nanoseconds.
 */
export interface Message {
  offset: bigint;
  key: Uint8Array | null;
  value: Uint8Array;
  timestamp: Timestamp;
  headers: Header[];
  producerId: bigint | null;
  producerEpoch: number | null;
  transactionMarker: TransactionMarker | null;
  isTransactional: boolean;
}

/** What a caller must give; everything else has the original's default (None, empty, false). */
export type MessageInit = Partial<Message> & Pick<Message, 'value' | 'timestamp'>;

export function makeMessage(init: MessageInit): Message {
  return {
    offset: init.offset ?? 0n,
    key: init.key ?? null,
    value: init.value,
    timestamp: init.timestamp,
    headers: init.headers ?? [],
    producerId: init.producerId ?? null,
    producerEpoch: init.producerEpoch ?? null,
    transactionMarker: init.transactionMarker ?? null,
    isTransactional: init.isTransactional ?? false,
  };
}

const U64_MAX = (1n << 64n) - 1n;
const encoder = new TextEncoder();

function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

function varintSizeBig(v: bigint): number {
  if (v <= 0x1fffffffffffffn) return varintSize(Number(v));
  let n = 1;
  while (v >= 0x80n) {
    v >>= 7n;
    n++;
  }
  return n;
}

// Local writers: the encoder fills a caller's batch buffer at a precomputed position, and
// core's ByteWriter converts every number to a bigint first, which dominates small messages.
/** A varint of a non-negative integer below 2^53 (`& 0x7f` is exact there: ToInt32 keeps the low bits). */
export function putVarint(out: Uint8Array, at: number, v: number): number {
  while (v >= 0x80) {
    out[at++] = (v & 0x7f) | 0x80;
    v = v < 0x80000000 ? v >>> 7 : Math.floor(v / 128);
  }
  out[at++] = v;
  return at;
}

export function putVarintBig(out: Uint8Array, at: number, v: bigint): number {
  if (v <= 0x1fffffffffffffn) return putVarint(out, at, Number(v));
  while (v >= 0x80n) {
    out[at++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  out[at++] = Number(v);
  return at;
}

/**
 * `out.set(src, at)`; a plain loop for very short arrays, where `set`'s fixed cost dominates
 * (Node 20: a byte loop costs ~2 ns a byte, `set` ~22 ns whatever the size up to 64 bytes).
 */
function copyInto(out: Uint8Array, at: number, src: Uint8Array): number {
  const n = src.length;
  if (n < 12) for (let i = 0; i < n; i++) out[at + i] = src[i] as number;
  else out.set(src, at);
  return at + n;
}

// Header names repeat (content-type, trace ids…): keep the UTF-8 of the most recent ones, and
// of the very last one outside the map (a batch usually repeats one name message after message).
const keyCache = new Map<string, Uint8Array>();
let lastKey: string | undefined;
let lastKeyBytes: Uint8Array = new Uint8Array(0);

export function headerKeyBytes(key: string): Uint8Array {
  if (key === lastKey) return lastKeyBytes;
  let b = keyCache.get(key);
  if (b === undefined) {
    b = new Uint8Array(utf8Length(key));
    encoder.encodeInto(key, b);
    if (keyCache.size >= 256) keyCache.clear();
    keyCache.set(key, b);
  }
  lastKey = key;
  lastKeyBytes = b;
  return b;
}

/** UTF-8 length of a Rust-representable string; a lone surrogate has no UTF-8 form. */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c < 0xd800 || c > 0xdfff) n += 3;
    else {
      const d = s.charCodeAt(i + 1);
      if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) throw invalid('header key holds a lone surrogate (not UTF-8)');
      n += 4;
      i++;
    }
  }
  return n;
}

export function invalid(what: string): LogspecError {
  return segError(SegCode.INVALID_VALUE, what);
}

export function checkU64(v: unknown, what: string): bigint {
  if (typeof v !== 'bigint' || v < 0n || v > U64_MAX) throw invalid(`${what} must be a bigint in 0..2^64-1`);
  return v;
}

export function checkBytes(v: unknown, what: string): Uint8Array {
  if (!(v instanceof Uint8Array)) throw invalid(`${what} must be a Uint8Array`);
  return v;
}

/**
 * A message prepared for encoding: sizes computed and strings encoded once, so a batch can be
 * sized exactly before anything is written.
 */
export interface PreparedMessage {
  readonly message: Message;
  readonly size: number;
  /** Bytes of the timestamp text (chrono's form, ASCII). */
  readonly timestampLength: number;
}

/** Validates `m` and computes its postcard size. */
export function prepareMessage(m: Message): PreparedMessage {
  checkU64(m.offset, 'offset');
  if (m.key !== null) checkBytes(m.key, 'key');
  checkBytes(m.value, 'value');
  checkTimestamp(m.timestamp);
  const tsLen = timestampTextLength(m.timestamp);
  if (!Array.isArray(m.headers)) throw invalid('headers must be an array');
  let size = varintSizeBig(m.offset);
  size += m.key === null ? 1 : 1 + varintSize(m.key.length) + m.key.length;
  size += varintSize(m.value.length) + m.value.length;
  size += varintSize(tsLen) + tsLen;
  size += varintSize(m.headers.length);
  for (const h of m.headers) {
    if (typeof h?.key !== 'string') throw invalid('header key must be a string');
    checkBytes(h.value, 'header value');
    const kl = headerKeyBytes(h.key).length;
    size += varintSize(kl) + kl + varintSize(h.value.length) + h.value.length;
  }
  if (m.producerId !== null) size += varintSizeBig(checkU64(m.producerId, 'producerId'));
  if (m.producerEpoch !== null) {
    const e = m.producerEpoch;
    if (!Number.isInteger(e) || e < 0 || e > 0xffff) throw invalid('producerEpoch must be an integer in 0..65535');
    size += varintSize(e);
  }
  if (m.transactionMarker !== null) checkMarker(m.transactionMarker);
  if (typeof m.isTransactional !== 'boolean') throw invalid('isTransactional must be a boolean');
  size += 4; // three option tags, one bool (marker and epoch values counted above, marker index is 1 byte)
  if (m.transactionMarker !== null) size += 1;
  return { message: m, size, timestampLength: tsLen };
}

/** Own keys only: `'toString' in MARKER_INDEX` is true, and would encode as variant NaN → 0. */
export function checkMarker(marker: unknown): number {
  if (marker === 'Commit') return 0;
  if (marker === 'Abort') return 1;
  throw invalid(`transactionMarker must be Commit, Abort or null, not ${String(marker)}`);
}

/** Writes the postcard encoding of a prepared message at `out[at…]`; returns the end. */
export function writePrepared(p: PreparedMessage, out: Uint8Array, at: number): number {
  const m = p.message;
  at = putVarintBig(out, at, m.offset);
  if (m.key === null) out[at++] = 0;
  else {
    out[at++] = 1;
    at = putVarint(out, at, m.key.length);
    at = copyInto(out, at, m.key);
  }
  at = putVarint(out, at, m.value.length);
  at = copyInto(out, at, m.value);
  at = putVarint(out, at, p.timestampLength);
  at = writeTimestampText(m.timestamp, out, at);
  at = putVarint(out, at, m.headers.length);
  for (const h of m.headers) {
    const k = headerKeyBytes(h.key);
    at = putVarint(out, at, k.length);
    at = copyInto(out, at, k);
    at = putVarint(out, at, h.value.length);
    at = copyInto(out, at, h.value);
  }
  if (m.producerId === null) out[at++] = 0;
  else {
    out[at++] = 1;
    at = putVarintBig(out, at, m.producerId);
  }
  if (m.producerEpoch === null) out[at++] = 0;
  else {
    out[at++] = 1;
    at = putVarint(out, at, m.producerEpoch);
  }
  if (m.transactionMarker === null) out[at++] = 0;
  else {
    out[at++] = 1;
    out[at++] = MARKER_INDEX[m.transactionMarker];
  }
  out[at++] = m.isTransactional ? 1 : 0;
  return at;
}

/** The postcard bytes of `m`, exactly as `postcard::to_allocvec(&message)` writes them. */
export function encodeMessage(m: Message): Uint8Array {
  const p = prepareMessage(m);
  const out = new Uint8Array(p.size);
  writePrepared(p, out, 0);
  return out;
}

export interface DecodeMessageOptions {
  /** Added to byte positions in errors (e.g. the payload's position in the file). */
  baseOffset?: number;
  /** Copy key, value and header values out of the input instead of returning views. */
  copy?: boolean;
  /**
   * `original` (default) accepts what postcard + chrono accept: non-minimal varints, lenient
   * timestamp text, trailing bytes. `strict` also requires the bytes to be exactly what the
   * writer produces for the decoded value (`SEG_NON_CANONICAL`).
   */
  mode?: 'original' | 'strict';
}

export interface DecodedMessage {
  message: Message;
  /** Index in the input just past the struct; anything after it is ignored, as postcard does. */
  end: number;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Postcard field reader over `bytes[pos, end)`. Varints of up to 4 bytes (lengths below
 * 256 MiB, offsets below 2^28, epochs, marker indices) are read inline; longer ones go to core's
 * `ByteReader`, which holds postcard's per-type limits. Errors carry postcard's variant names.
 * One reader serves every decode (`reset`): decoding calls nothing that decodes again, and a
 * scan decodes millions of messages (an object per message showed in its profile).
 */
class PostcardReader {
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

const reader = new PostcardReader();

/** Core's varint/truncation errors, renamed to the postcard variants the original reports. */
function mapCoreError(e: unknown, pr: PostcardReader): unknown {
  if (!(e instanceof LogspecError) || e.format !== 'segment') return e;
  if (e.code === CoreCode.TRUNCATED) {
    return pr.fail(SegCode.UNEXPECTED_END, 'payload ends inside a varint');
  }
  if (e.code === CoreCode.VARINT_OVERFLOW) {
    return segError(SegCode.BAD_VARINT, `${pr.field}: varint too long for its type`, e.offset, { field: pr.field });
  }
  return e;
}

/**
 * Copies of small payloads (`copy: true`) are carved from shared blocks instead of one
 * ArrayBuffer each: an ArrayBuffer per ~200-byte message was a quarter of a segment scan.
 * Copies never overlap, so each message still owns its bytes; a kept message keeps its
 * block (at most ARENA_SIZE bytes) reachable.
 */
const ARENA_SIZE = 64 * 1024;
const ARENA_MAX_COPY = 4 * 1024;
let arena = new Uint8Array(0);
let arenaPos = 0;

function copyBytes(src: Uint8Array, start: number, end: number, dst: Uint8Array, at: number): void {
  if (end - start < 12) for (let i = start; i < end; i++) dst[at++] = src[i] as number;
  else dst.set(src.subarray(start, end), at);
}

/**
 * Decodes the postcard `Message` at `bytes[start, end)`. Any input gives a message or a
 * `SEG_…` error with the byte offset of the field that failed and, in `details.postcard`,
 * the variant name postcard reports for it.
 */
export function decodeMessageAt(
  bytes: Uint8Array,
  start: number,
  end: number,
  opts: DecodeMessageOptions = {},
): DecodedMessage {
  const base = opts.baseOffset ?? start;
  // With `copy`, one copy of the payload that key, value and header values are views of.
  let src = bytes;
  let from = start;
  if (opts.copy) {
    const n = end - start;
    if (n > ARENA_MAX_COPY) {
      src = bytes.slice(start, end);
      from = 0;
    } else {
      if (arenaPos + n > arena.length) {
        arena = new Uint8Array(ARENA_SIZE);
        arenaPos = 0;
      }
      src = arena;
      from = arenaPos;
      copyBytes(bytes, start, end, arena, arenaPos);
      arenaPos += n;
    }
  }
  const pr = reader.reset(src, from, from + (end - start), base);
  let message: Message;
  try {
    pr.begin('offset');
    const offset = pr.u64();
    pr.begin('key');
    const key = pr.option() ? pr.take(pr.length()) : null;
    pr.begin('value');
    const value = pr.take(pr.length());
    pr.begin('timestamp');
    const timestamp = pr.timestamp();
    pr.begin('headers');
    // No preallocation from the count: each header takes >= 2 bytes, so a count larger than the
    // input runs the loop out of bytes and fails with the error postcard gives at that point.
    const limit = pr.count();
    const headers: Header[] = [];
    for (let i = 0; i < limit; i++) {
      pr.beginHeader(i, 'key');
      const k = pr.str('header key');
      pr.beginHeader(i, 'value');
      headers.push({ key: k, value: pr.take(pr.length()) });
    }
    pr.begin('producer_id');
    const producerId = pr.option() ? pr.u64() : null;
    pr.begin('producer_epoch');
    const producerEpoch = pr.option() ? pr.u16() : null;
    pr.begin('transaction_marker');
    let transactionMarker: TransactionMarker | null = null;
    if (pr.option()) {
      const at = pr.pos;
      const idx = pr.u32();
      const mk = MARKERS[idx];
      if (mk === undefined) {
        throw pr.fail(SegCode.BAD_MARKER, `unknown variant index ${idx} (Commit = 0, Abort = 1)`, at, { value: idx });
      }
      transactionMarker = mk;
    }
    pr.begin('is_transactional');
    const at = pr.pos;
    const flag = pr.byte();
    if (flag > 1) throw pr.fail(SegCode.BAD_BOOL, `bool byte ${flag} is neither 0 nor 1`, at, { value: flag });
    message = {
      offset,
      key,
      value,
      timestamp,
      headers,
      producerId,
      producerEpoch,
      transactionMarker,
      isTransactional: flag === 1,
    };
  } catch (e) {
    throw mapCoreError(e, pr);
  }
  const structEnd = start + (pr.pos - from);
  if (opts.mode === 'strict') checkCanonical(message, bytes, start, structEnd, end, base);
  return { message, end: structEnd };
}

function checkCanonical(
  m: Message,
  bytes: Uint8Array,
  start: number,
  structEnd: number,
  end: number,
  base: number,
): void {
  const canon = encodeMessage(m);
  const n = structEnd - start;
  for (let i = 0; i < Math.min(n, canon.length); i++) {
    if (bytes[start + i] !== canon[i]) {
      throw segError(SegCode.NON_CANONICAL, 'bytes differ from the canonical encoding of the decoded value', base + i, {
        reason: 'bytes',
        expected: canon[i],
        found: bytes[start + i],
      });
    }
  }
  if (n !== canon.length) {
    throw segError(
      SegCode.NON_CANONICAL,
      'encoding length differs from the canonical encoding',
      base + Math.min(n, canon.length),
      {
        reason: 'length',
      },
    );
  }
  if (structEnd !== end) {
    throw segError(SegCode.NON_CANONICAL, `${end - structEnd} bytes after the message`, base + n, {
      reason: 'trailing',
    });
  }
}

/**
 * The `offset` field alone (the first one), or undefined when it does not decode: lets a reader
 * skip the frames before the offset it was asked for without decoding them.
 */
export function peekMessageOffset(bytes: Uint8Array, start: number, end: number): bigint | undefined {
  try {
    return reader.reset(bytes, start, end, start).u64();
  } catch (e) {
    if (e instanceof LogspecError) return undefined;
    throw e;
  }
}

/** Decodes a whole buffer as one postcard `Message` (trailing bytes ignored unless strict). */
export function decodeMessage(bytes: Uint8Array, opts: DecodeMessageOptions = {}): Message {
  return decodeMessageAt(bytes, 0, bytes.length, { ...opts, baseOffset: opts.baseOffset ?? 0 }).message;
}
