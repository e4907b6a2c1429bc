import type { LogspecError } from '@logspec/core';
import { SegCode, segError } from './errors.js';
import { MARKER_INDEX, type Message } from './message.js';
import { checkTimestamp } from './timestamp.js';
import { timestampTextLength, writeTimestampText } from './timestamp-writer.js';

/**
 * The postcard encoding of a `Message`, as `postcard::to_allocvec(&message)` writes it: each
 * message is validated and sized first (`prepareMessage`), so a batch can be sized before
 * anything is written (`writePrepared`).
 */

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
