// The writer of the rkyv 0.8 archive of `HotEventRecord` (HOT-W-010…016): out-of-line string
// bodies first in field order, zero padding to 8, then the 192-byte root.
import { INLINE_CAPACITY, MAX_STRING_BYTES, ROOT_SIZE } from './archive-layout.js';
import { HotCode, hotlogError } from './codes.js';
import type { HotEventRecord } from './record.js';

const textEncoder = new TextEncoder();
const hasWellFormed = typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function';

/** An upper bound of the archive's size (UTF-8 needs at most 3 bytes per UTF-16 unit). */
export function maxArchiveSize(rec: HotEventRecord): number {
  let chars = rec.sessionId.length + rec.kind.length + rec.source.length + rec.payloadJson.length;
  if (rec.tool !== null) chars += rec.tool.length;
  if (rec.toolCallId !== null) chars += rec.toolCallId.length;
  if (rec.stopReason !== null) chars += rec.stopReason.length;
  return ROOT_SIZE + 7 + 3 * chars;
}

let scratch = new Uint8Array(4096);

/** Encodes the archive of `rec` (a fresh, exactly sized array). */
export function encodeRecord(rec: HotEventRecord): Uint8Array {
  checkStringTypes(rec);
  const max = maxArchiveSize(rec);
  if (scratch.length < max) scratch = new Uint8Array(Math.max(max, scratch.length * 2));
  const end = encodeRecordInto(rec, scratch, 0);
  return scratch.slice(0, end);
}

/**
 * Per string field (numbered as in `STRING_FIELDS`), what `putString` decided: inline (its two
 * little-endian words, `FF`-filled) or out of line (its body's index in `out`, its length).
 */
const slotInline = new Uint8Array(7);
const slotA = new Int32Array(7);
const slotB = new Int32Array(7);

/**
 * Encodes the archive of `rec` into `out` at `at` (needs {@link maxArchiveSize} bytes there)
 * and returns its end. The archive's size is `end - at`, a multiple of 8; place it at an
 * 8-aligned file position (the hot log's layout does) for rkyv to accept it.
 */
export function encodeRecordInto(rec: HotEventRecord, out: Uint8Array, at: number): number {
  checkStringTypes(rec);
  let cur = at;
  cur = putString(rec.sessionId, 0, out, cur, 'session_id');
  cur = putString(rec.kind, 1, out, cur, 'kind');
  cur = putString(rec.source, 2, out, cur, 'source');
  if (rec.tool !== null) cur = putString(rec.tool, 3, out, cur, 'tool');
  if (rec.toolCallId !== null) cur = putString(rec.toolCallId, 4, out, cur, 'tool_call_id');
  if (rec.stopReason !== null) cur = putString(rec.stopReason, 5, out, cur, 'stop_reason');
  cur = putString(rec.payloadJson, 6, out, cur, 'payload_json');
  const root = at + ((cur - at + 7) & ~7);
  if (root - at + ROOT_SIZE > 0x7fffffff) {
    throw hotlogError(HotCode.STRING_TOO_LONG, 'archive larger than 2 GiB: relative pointers cannot span it', 0);
  }
  for (let p = cur; p < root; p++) out[p] = 0;
  // The root is built as its 48 words, every one of them (padding and None payloads as 0), in
  // an aligned scratch root, then copied: cheaper than clearing it and storing through a DataView.
  const w = rootWords;
  stringWords(root, 0, 0);
  u64Word(1, rec.seq, 'seq');
  u64Word(2, rec.tsMs, 'ts_ms');
  if (typeof rec.tsExact !== 'boolean') throw fieldRange('ts_exact', 'a boolean', rec.tsExact);
  w[6] = rec.tsExact ? 1 : 0;
  stringWords(root, 7, 1);
  stringWords(root, 9, 2);
  optStringWords(root, 11, rec.tool !== null, 3);
  optStringWords(root, 14, rec.toolCallId !== null, 4);
  optU32Words(17, rec.tokensIn, 'tokens_in');
  optU32Words(19, rec.tokensOut, 'tokens_out');
  optU32Words(21, rec.reasoningTokens, 'reasoning_tokens');
  w[23] = 0;
  const cost = rec.costUsdE6;
  w[25] = 0;
  if (cost === null) {
    w[24] = 0;
    w[26] = 0;
    w[27] = 0;
  } else {
    if (typeof cost !== 'bigint' || BigInt.asIntN(64, cost) !== cost) fieldRange('cost_usd_e6', 'an i64 bigint', cost);
    w[24] = 1;
    // Stored as its two's complement u64 (the array reduces modulo 2^64).
    rootU64[13] = cost;
  }
  optStringWords(root, 28, rec.stopReason !== null, 5);
  optU32Words(31, rec.latencyMs, 'latency_ms');
  optU32Words(33, rec.ttftMs, 'ttft_ms');
  const retry = rec.retryCount;
  if (retry !== null && (typeof retry !== 'number' || (retry & 0xffff) !== retry)) {
    fieldRange('retry_count', 'a u16', retry);
  }
  // Tag, one padding byte, the u16.
  w[35] = retry === null ? 0 : 1 | (retry << 16);
  optU32Words(36, rec.contextUsedTokens, 'context_used_tokens');
  optU32Words(38, rec.contextMaxTokens, 'context_max_tokens');
  optU32Words(40, rec.cacheCreationTokens, 'cache_creation_tokens');
  optU32Words(42, rec.cacheReadTokens, 'cache_read_tokens');
  optU32Words(44, rec.systemPromptTokens, 'system_prompt_tokens');
  stringWords(root, 46, 6);
  if (!LITTLE_ENDIAN) wordsToLittleEndian();
  out.set(rootBytes, root);
  return root + ROOT_SIZE;
}

/** The root being built, as 48 words (`rootU64`: as 24 u64s; `rootBytes`: its bytes). */
const rootWords = new Int32Array(ROOT_SIZE / 4);
const rootU64 = new BigUint64Array(rootWords.buffer);
const rootBytes = new Uint8Array(rootWords.buffer);
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** Big-endian hosts: the words were stored in host order; the archive is little-endian. */
function wordsToLittleEndian(): void {
  // A u64 was stored high word first: swap the halves, then every word's bytes.
  for (const k of [1, 2, 13]) {
    const hi = rootWords[2 * k] as number;
    rootWords[2 * k] = rootWords[2 * k + 1] as number;
    rootWords[2 * k + 1] = hi;
  }
  for (let i = 0; i < rootWords.length; i++) {
    const x = rootWords[i] as number;
    rootWords[i] = (x >>> 24) | ((x >>> 8) & 0xff00) | ((x << 8) & 0xff0000) | (x << 24);
  }
}

function checkStringTypes(rec: HotEventRecord): void {
  if (
    typeof rec.sessionId !== 'string' ||
    typeof rec.kind !== 'string' ||
    typeof rec.source !== 'string' ||
    typeof rec.payloadJson !== 'string' ||
    (rec.tool !== null && typeof rec.tool !== 'string') ||
    (rec.toolCallId !== null && typeof rec.toolCallId !== 'string') ||
    (rec.stopReason !== null && typeof rec.stopReason !== 'string')
  ) {
    throw hotlogError(HotCode.FIELD_RANGE, 'string fields must be strings (or null for options)');
  }
}

function fieldRange(field: string, want: string, got: unknown): never {
  throw hotlogError(
    HotCode.FIELD_RANGE,
    `${field} must be ${want}, got ${typeof got === 'bigint' ? `${got}n` : String(got)}`,
    undefined,
    {
      field,
    },
  );
}

/** The u64 at root word pair `k` (`asUintN` is the cheapest range check: one call). */
function u64Word(k: number, x: bigint, field: string): void {
  if (typeof x !== 'bigint' || BigInt.asUintN(64, x) !== x) fieldRange(field, 'a u64 bigint', x);
  rootU64[k] = x;
}

/** An option<u32> at root word `i`: the tag word (tag and 3 padding bytes), then the value. */
function optU32Words(i: number, x: number | null, field: string): void {
  if (x === null) {
    rootWords[i] = 0;
    rootWords[i + 1] = 0;
    return;
  }
  if (typeof x !== 'number' || x >>> 0 !== x) fieldRange(field, 'a u32', x);
  rootWords[i] = 1;
  rootWords[i + 1] = x;
}

/** Up to this many UTF-16 units a JS loop beats `TextEncoder.encodeInto`'s fixed cost. */
const SHORT_STRING = 32;

/**
 * Writes `s`'s UTF-8 at `cur` if it goes out of line (returns the new `cur`); an inline string
 * is kept as its two words instead. Short ASCII strings (names, ids) never touch `out`.
 */
function putString(s: string, slot: number, out: Uint8Array, cur: number, field: string): number {
  const len = s.length;
  if (len <= INLINE_CAPACITY) {
    // Start from eight FF bytes and put each byte in place.
    let lo = -1;
    let hi = -1;
    let i = 0;
    for (; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      if (i < 4) lo ^= (c ^ 0xff) << (i << 3);
      else hi ^= (c ^ 0xff) << ((i - 4) << 3);
    }
    if (i === len) {
      slotInline[slot] = 1;
      slotA[slot] = lo;
      slotB[slot] = hi;
      return cur;
    }
  }
  const n = len <= SHORT_STRING ? utf8Write(s, out, cur, field) : utf8WriteLong(s, out, cur, field);
  if (n <= INLINE_CAPACITY) {
    // Non-ASCII but short enough: the bytes just written at `cur` become the words (and are
    // overwritten by whatever follows).
    let lo = -1;
    let hi = -1;
    for (let i = 0; i < n; i++) {
      const c = out[cur + i] as number;
      if (i < 4) lo ^= (c ^ 0xff) << (i << 3);
      else hi ^= (c ^ 0xff) << ((i - 4) << 3);
    }
    slotInline[slot] = 1;
    slotA[slot] = lo;
    slotB[slot] = hi;
    return cur;
  }
  if (n > MAX_STRING_BYTES) {
    throw hotlogError(
      HotCode.STRING_TOO_LONG,
      `${field} is ${n} bytes; rkyv strings hold at most 2^30 - 1`,
      undefined,
      {
        field,
        length: n,
      },
    );
  }
  slotInline[slot] = 0;
  slotA[slot] = cur;
  slotB[slot] = n;
  return cur + n;
}

/** Fills the 8-byte string field at root word `i` (in the file: `root + 4i`) from slot `slot`. */
function stringWords(root: number, i: number, slot: number): void {
  if (slotInline[slot] === 1) {
    rootWords[i] = slotA[slot] as number;
    rootWords[i + 1] = slotB[slot] as number;
    return;
  }
  // Length with `10` in bits 6–7 of the first byte; the offset is relative to the field.
  const n = slotB[slot] as number;
  rootWords[i] = (n & 0x3f) | 0x80 | ((n & ~0x3f) << 2);
  rootWords[i + 1] = (slotA[slot] as number) - (root + 4 * i);
}

/** An option<string> at root word `i`: the tag word, then the string (or zeros for None). */
function optStringWords(root: number, i: number, present: boolean, slot: number): void {
  if (!present) {
    rootWords[i] = 0;
    rootWords[i + 1] = 0;
    rootWords[i + 2] = 0;
    return;
  }
  rootWords[i] = 1;
  stringWords(root, i + 1, slot);
}

function utf8Write(s: string, out: Uint8Array, at: number, field: string): number {
  let p = at;
  const len = s.length;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      out[p++] = c;
    } else if (c < 0x800) {
      out[p++] = 0xc0 | (c >> 6);
      out[p++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdfff) {
      out[p++] = 0xe0 | (c >> 12);
      out[p++] = 0x80 | ((c >> 6) & 0x3f);
      out[p++] = 0x80 | (c & 0x3f);
    } else {
      const d = i + 1 < len ? s.charCodeAt(i + 1) : 0;
      if (c > 0xdbff || d < 0xdc00 || d > 0xdfff) throw unpaired(field, i);
      const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
      out[p++] = 0xf0 | (cp >> 18);
      out[p++] = 0x80 | ((cp >> 12) & 0x3f);
      out[p++] = 0x80 | ((cp >> 6) & 0x3f);
      out[p++] = 0x80 | (cp & 0x3f);
      i++;
    }
  }
  return p - at;
}

function utf8WriteLong(s: string, out: Uint8Array, at: number, field: string): number {
  if (hasWellFormed) {
    if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed()) throw unpaired(field, -1);
  } else {
    return utf8Write(s, out, at, field);
  }
  return textEncoder.encodeInto(s, out.subarray(at)).written;
}

function unpaired(field: string, index: number): never {
  throw hotlogError(HotCode.UNPAIRED_SURROGATE, `${field} holds a lone surrogate: it has no UTF-8 form`, undefined, {
    field,
    index: index < 0 ? null : index,
  });
}
