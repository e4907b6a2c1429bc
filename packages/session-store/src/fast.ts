import { isValidUtf8 } from './json/reader.js';
import type { U64 } from './u64.js';

/**
 * Fast paths for the exact bytes the writer produces (keys in serde order, no whitespace,
 * plain ASCII strings, short integers). They accept only inputs on which the general
 * serde-compatible decoder gives the same answer, and return `undefined` for anything else,
 * so the caller falls back to that decoder: results never depend on which path ran.
 */

const te = new TextEncoder();

/** A key literal: its bytes, and the same bytes as little-endian 32-bit words (whole words only). */
interface Literal {
  bytes: Uint8Array;
  words: Int32Array;
}

function literal(text: string): Literal {
  const bytes = te.encode(text);
  const words = new Int32Array(bytes.length >> 2);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let k = 0; k < words.length; k++) words[k] = v.getInt32(4 * k, true);
  return { bytes, words };
}

/**
 * A DataView over the buffer being matched against. The scan entry points (`fastIndexLine`,
 * `fastFrameCheck`, `wordsEqualAt`) keep it across calls on one window buffer, and the scan
 * calls `releaseLiteralView` when done; the other entry points restore it before returning.
 */
let viewBuf: Uint8Array | undefined;
let view: DataView = new DataView(new ArrayBuffer(0));

/** Drops the cached view, so that a large scan buffer is not kept alive after the scan. */
export function releaseLiteralView(): void {
  viewBuf = undefined;
  view = new DataView(new ArrayBuffer(0));
}

/** `b[p, p+n)` equals the first `n` bytes of `x` (`n` a multiple of 4), compared as words. */
export function wordsEqualAt(b: Uint8Array, p: number, x: DataView, n: number): boolean {
  if (p < 0 || p + n > b.length || n > x.byteLength) return false;
  if (b !== viewBuf) {
    viewBuf = b;
    view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  for (let i = 0; i < n; i += 4) if (view.getInt32(p + i, true) !== x.getInt32(i, true)) return false;
  return true;
}

/** Matches the literal `l` at `p`; returns the position after it or -1. Four bytes per compare. */
function lit(b: Uint8Array, p: number, end: number, l: Literal): number {
  const bytes = l.bytes;
  const n = bytes.length;
  if (p + n > end || p + n > b.length) return -1;
  if (b !== viewBuf) {
    viewBuf = b;
    view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  const words = l.words;
  let i = 0;
  for (let k = 0; k < words.length; k++, i += 4) if (view.getInt32(p + i, true) !== words[k]) return -1;
  for (; i < n; i++) if (b[p + i] !== bytes[i]) return -1;
  return p + n;
}

let numEnd = 0;
/** A JSON integer of 1–15 digits without a leading zero (or `0`); sets `numEnd`. */
function int(b: Uint8Array, p: number, end: number): number {
  let v = 0;
  let q = p;
  const c0 = b[q];
  if (c0 === 0x30) {
    numEnd = q + 1;
    return 0;
  }
  while (q < end) {
    const c = b[q] as number;
    if (c < 0x30 || c > 0x39) break;
    v = v * 10 + (c - 0x30);
    q++;
  }
  const n = q - p;
  if (n === 0 || n > 15) return -1;
  numEnd = q;
  return v;
}

const fromCode = String.fromCharCode;

/**
 * `b[p, q)` (ASCII) as a string. Eight fixed arguments per `fromCharCode` call: several times
 * faster than `fromCharCode.apply` on a `subarray` for the short ids and hex strings here.
 */
export function asciiString(b: Uint8Array, p: number, q: number): string {
  let s = '';
  let i = p;
  for (; i + 8 <= q; i += 8) {
    s += fromCode(
      b[i] as number,
      b[i + 1] as number,
      b[i + 2] as number,
      b[i + 3] as number,
      b[i + 4] as number,
      b[i + 5] as number,
      b[i + 6] as number,
      b[i + 7] as number,
    );
  }
  if (i < q && i + 8 <= b.length) {
    s += fromCode(
      b[i] as number,
      b[i + 1] as number,
      b[i + 2] as number,
      b[i + 3] as number,
      b[i + 4] as number,
      b[i + 5] as number,
      b[i + 6] as number,
      b[i + 7] as number,
    ).slice(0, q - i);
  } else {
    for (; i < q; i++) s += fromCode(b[i] as number);
  }
  return s;
}

let strEnd = 0;
/** A `"…"` string of printable ASCII without escapes; sets `strEnd` (after the quote). */
function str(b: Uint8Array, p: number, end: number): string | undefined {
  if (b[p] !== 0x22) return undefined;
  let q = p + 1;
  while (q < end) {
    const c = b[q] as number;
    if (c === 0x22) {
      strEnd = q + 1;
      return asciiString(b, p + 1, q);
    }
    if (c < 0x20 || c === 0x5c || c > 0x7f) return undefined;
    q++;
  }
  return undefined;
}

const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;
const stack = new Uint8Array(130);
/** Bytes that need no attention inside a string: printable ASCII except `"` and `\`. */
const STR_PLAIN = new Uint8Array(256);
for (let c = 0x20; c < 0x80; c++) STR_PLAIN[c] = c === 0x22 || c === 0x5c ? 0 : 1;

/** Set by `isOneJsonValue` when a string held a byte ≥ 0x80 (only then is UTF-8 worth checking). */
let nonAscii = false;

/** After a string's opening quote: serde's `ignore_str` (escapes checked, not UTF-8). Position after, or -1. */
function skipStr(b: Uint8Array, p: number, end: number): number {
  const wordEnd = Math.min(end, b.length) - 4;
  while (p < end) {
    // Four bytes at a time while none needs attention (SWAR: a byte ≥ 0x80, < 0x20, `"` or `\`).
    while (p <= wordEnd) {
      const x = view.getUint32(p, true);
      const q = x ^ 0x22222222;
      const s = x ^ 0x5c5c5c5c;
      if (
        (x & 0x80808080) |
        ((x - 0x20202020) & ~x & 0x80808080) |
        ((q - 0x01010101) & ~q & 0x80808080) |
        ((s - 0x01010101) & ~s & 0x80808080)
      ) {
        break;
      }
      p += 4;
    }
    if (p >= end) break;
    const c = b[p++] as number;
    if (STR_PLAIN[c] === 1) continue;
    if (c === 0x22) return p;
    if (c < 0x20) return -1;
    if (c >= 0x80) nonAscii = true;
    if (c === 0x5c) {
      if (p >= end) return -1;
      const e = b[p++] as number;
      if (e === 0x75) {
        if (
          p + 4 > end ||
          !HEX[b[p] as number] ||
          !HEX[b[p + 1] as number] ||
          !HEX[b[p + 2] as number] ||
          !HEX[b[p + 3] as number]
        ) {
          return -1;
        }
        p += 4;
      } else if (
        !(e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74)
      ) {
        return -1;
      }
    }
  }
  return -1;
}

function digit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/** A JSON number (serde's `ignore_number` grammar). Position after, or -1. */
function skipNum(b: Uint8Array, p: number, end: number): number {
  if (b[p] === 0x2d) p++;
  if (p >= end) return -1;
  if (b[p] === 0x30) p++;
  else if (digit(b[p])) while (p < end && digit(b[p])) p++;
  else return -1;
  if (p < end && b[p] === 0x2e) {
    p++;
    if (!(p < end && digit(b[p]))) return -1;
    while (p < end && digit(b[p])) p++;
  }
  if (p < end && (b[p] === 0x65 || b[p] === 0x45)) {
    p++;
    if (p < end && (b[p] === 0x2b || b[p] === 0x2d)) p++;
    if (!(p < end && digit(b[p]))) return -1;
    while (p < end && digit(b[p])) p++;
  }
  return p;
}

function word(b: Uint8Array, p: number, end: number, w: number[]): number {
  if (p + w.length > end) return -1;
  for (let i = 0; i < w.length; i++) if (b[p + i] !== w[i]) return -1;
  return p + w.length;
}
const NULL = [0x6e, 0x75, 0x6c, 0x6c];
const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];

function isWs(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * True when `b[p, end)` is exactly one JSON value (no surrounding whitespace) that serde's
 * `ignore_value` accepts with `depth` levels left. Never throws; allocates at most a DataView.
 */
export function isOneJsonValue(b: Uint8Array, p: number, end: number, depth: number): boolean {
  if (b === viewBuf) return oneJsonValue(b, p, end, depth);
  // A buffer other than the scan's: view it for this call only (nothing kept alive after).
  const keptBuf = viewBuf;
  const keptView = view;
  viewBuf = b;
  view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const ok = oneJsonValue(b, p, end, depth);
  viewBuf = keptBuf;
  view = keptView;
  return ok;
}

function oneJsonValue(b: Uint8Array, p: number, end: number, depth: number): boolean {
  // No whitespace before the value: a raw value's bytes start at its first token.
  if (p >= end || isWs(b[p])) return false;
  nonAscii = false;
  let sp = 0;
  for (;;) {
    while (p < end && isWs(b[p])) p++;
    if (p >= end) return false;
    let c = b[p] as number;
    let frame: number;
    let acceptComma: boolean;
    if (c === 0x5b || c === 0x7b) {
      if (--depth === 0) return false;
      p++;
      frame = c;
      acceptComma = false;
    } else {
      if (c === 0x22) p = skipStr(b, p + 1, end);
      else if (c === 0x2d || digit(c)) p = skipNum(b, p, end);
      else if (c === 0x6e) p = word(b, p, end, NULL);
      else if (c === 0x74) p = word(b, p, end, TRUE);
      else if (c === 0x66) p = word(b, p, end, FALSE);
      else return false;
      if (p < 0) return false;
      if (sp === 0) return p === end;
      frame = stack[--sp] as number;
      acceptComma = true;
    }
    for (;;) {
      while (p < end && isWs(b[p])) p++;
      if (p >= end) return false;
      c = b[p] as number;
      if (c === 0x2c && acceptComma) {
        p++;
        break;
      }
      if ((c === 0x5d && frame === 0x5b) || (c === 0x7d && frame === 0x7b)) {
        p++;
        depth++;
        if (sp === 0) return p === end;
        frame = stack[--sp] as number;
        acceptComma = true;
        continue;
      }
      if (acceptComma) return false;
      break;
    }
    if (frame === 0x7b) {
      while (p < end && isWs(b[p])) p++;
      if (b[p] !== 0x22 || p >= end) return false;
      p = skipStr(b, p + 1, end);
      if (p < 0) return false;
      while (p < end && isWs(b[p])) p++;
      if (p >= end || b[p] !== 0x3a) return false;
      p++;
    }
    if (sp >= stack.length) return false;
    stack[sp++] = frame;
  }
}

/** The fast parsers' cursor (module state: these functions never re-enter). */
let P = 0;

/** Matches `l` at the cursor and moves past it. */
function litAt(b: Uint8Array, end: number, l: Literal): boolean {
  const q = lit(b, P, end, l);
  if (q < 0) return false;
  P = q;
  return true;
}

/** An integer at the cursor (as `int`), moving past it; -1 when not one. */
function intAt(b: Uint8Array, end: number): number {
  const v = int(b, P, end);
  if (v >= 0) P = numEnd;
  return v;
}

/** A plain string at the cursor (as `str`), moving past it. */
function strAt(b: Uint8Array, end: number): string | undefined {
  const v = str(b, P, end);
  if (v !== undefined) P = strEnd;
  return v;
}

/** A plain string at the cursor, skipped without building it; its start or -1. */
function spanAt(b: Uint8Array, end: number): number {
  const v = strSpan(b, P, end);
  if (v >= 0) P = strEnd;
  return v;
}

const K_ROW_HEAD = literal('{"schema":"pi.session_store_v2.offset_index.v1","entrySeq":');
const K_ENTRY_ID = literal(',"entryId":');
const K_SEGMENT_SEQ = literal(',"segmentSeq":');
const K_FRAME_SEQ = literal(',"frameSeq":');
const K_BYTE_OFFSET = literal(',"byteOffset":');
const K_BYTE_LENGTH = literal(',"byteLength":');
const K_CRC = literal(',"crc32c":');
const K_STATE = literal(',"state":');

export interface FastRow {
  schema: string;
  entrySeq: U64;
  entryId: string;
  segmentSeq: U64;
  frameSeq: U64;
  byteOffset: U64;
  byteLength: U64;
  crc32c: string;
  state: string;
}

/** A canonical index row in `b[start, end)` (no trailing newline), or `undefined`. */
export function fastIndexRow(b: Uint8Array, start: number, end: number): FastRow | undefined {
  if (b === viewBuf) return indexRowAt(b, start, end, false);
  // Not the scan's buffer: whatever view `lit` makes for it is dropped again afterwards.
  const keptBuf = viewBuf;
  const keptView = view;
  const row = indexRowAt(b, start, end, false);
  viewBuf = keptBuf;
  view = keptView;
  return row;
}

/** Where the row `fastIndexLine` matched ends: the position of its `\n`. */
export let indexLineEnd = 0;

/**
 * `fastIndexRow` on the line starting at `start`, in a buffer whose valid bytes end at `end`:
 * the row must be followed by `\n` (then at `indexLineEnd`). A canonical row holds no `\n`,
 * so this is `fastIndexRow(b, start, <first \n>)` without searching for the newline first.
 */
export function fastIndexLine(b: Uint8Array, start: number, end: number): FastRow | undefined {
  return indexRowAt(b, start, end, true);
}

function indexRowAt(b: Uint8Array, start: number, end: number, line: boolean): FastRow | undefined {
  P = start;
  if (!litAt(b, end, K_ROW_HEAD)) return undefined;
  const entrySeq = intAt(b, end);
  if (entrySeq < 0 || !litAt(b, end, K_ENTRY_ID)) return undefined;
  const entryId = strAt(b, end);
  if (entryId === undefined || !litAt(b, end, K_SEGMENT_SEQ)) return undefined;
  const segmentSeq = intAt(b, end);
  if (segmentSeq < 0 || !litAt(b, end, K_FRAME_SEQ)) return undefined;
  const frameSeq = intAt(b, end);
  if (frameSeq < 0 || !litAt(b, end, K_BYTE_OFFSET)) return undefined;
  const byteOffset = intAt(b, end);
  if (byteOffset < 0 || !litAt(b, end, K_BYTE_LENGTH)) return undefined;
  const byteLength = intAt(b, end);
  if (byteLength < 0 || !litAt(b, end, K_CRC)) return undefined;
  const crc32c = strAt(b, end);
  if (crc32c === undefined || !litAt(b, end, K_STATE)) return undefined;
  const stateAt = P;
  const s0 = spanAt(b, end);
  if (s0 < 0) return undefined;
  // Every row says "active": reuse one string instead of building it per row.
  const state = bytesEqual(b, s0, P - 1, 'active') ? 'active' : str(b, stateAt, end);
  if (state === undefined) return undefined;
  if (line) {
    if (P + 1 >= end || b[P] !== 0x7d || b[P + 1] !== 0x0a) return undefined;
    indexLineEnd = P + 1;
  } else if (P !== end - 1 || b[end - 1] !== 0x7d) {
    return undefined;
  }
  return {
    schema: 'pi.session_store_v2.offset_index.v1',
    entrySeq,
    entryId,
    segmentSeq,
    frameSeq,
    byteOffset,
    byteLength,
    crc32c,
    state,
  };
}

const K_FRAME_HEAD = literal('{"schema":"pi.session_store_v2.segment_frame.v1","segmentSeq":');
const K_ENTRY_SEQ = literal(',"entrySeq":');
const K_PARENT = literal(',"parentEntryId":');
const K_ENTRY_TYPE = literal(',"entryType":');
const K_TIMESTAMP = literal(',"timestamp":');
const K_SHA = literal(',"payloadSha256":');
const K_BYTES = literal(',"payloadBytes":');
const K_PAYLOAD = literal(',"payload":');

export interface FastFrameHead {
  schema: string;
  segmentSeq: U64;
  frameSeq: U64;
  entrySeq: U64;
  entryId: string;
  parentEntryId: string | undefined;
  entryType: string;
  timestamp: string;
  payloadSha256: string;
  payloadBytes: U64;
  payloadStart: number;
  payloadEnd: number;
}

/**
 * A canonical frame in `b[start, end)` (no trailing newline), or `undefined`. The payload
 * must span exactly `payloadBytes` bytes up to the closing brace; it is still checked to be
 * one JSON value (serde's rules, depth included) and, with `checkUtf8`, UTF-8.
 */
export function fastFrameHead(
  b: Uint8Array,
  start: number,
  end: number,
  checkUtf8: boolean,
): FastFrameHead | undefined {
  if (b === viewBuf) return frameHeadAt(b, start, end, checkUtf8);
  // Not the scan's buffer: whatever view `lit` makes for it is dropped again afterwards.
  const keptBuf = viewBuf;
  const keptView = view;
  const head = frameHeadAt(b, start, end, checkUtf8);
  viewBuf = keptBuf;
  view = keptView;
  return head;
}

function frameHeadAt(b: Uint8Array, start: number, end: number, checkUtf8: boolean): FastFrameHead | undefined {
  P = start;
  if (!litAt(b, end, K_FRAME_HEAD)) return undefined;
  const segmentSeq = intAt(b, end);
  if (segmentSeq < 0 || !litAt(b, end, K_FRAME_SEQ)) return undefined;
  const frameSeq = intAt(b, end);
  if (frameSeq < 0 || !litAt(b, end, K_ENTRY_SEQ)) return undefined;
  const entrySeq = intAt(b, end);
  if (entrySeq < 0 || !litAt(b, end, K_ENTRY_ID)) return undefined;
  const entryId = strAt(b, end);
  if (entryId === undefined) return undefined;
  let parentEntryId: string | undefined;
  if (litAt(b, end, K_PARENT)) {
    parentEntryId = strAt(b, end);
    if (parentEntryId === undefined) return undefined;
  }
  if (!litAt(b, end, K_ENTRY_TYPE)) return undefined;
  const entryType = strAt(b, end);
  if (entryType === undefined || !litAt(b, end, K_TIMESTAMP)) return undefined;
  const timestamp = strAt(b, end);
  if (timestamp === undefined || !litAt(b, end, K_SHA)) return undefined;
  const payloadSha256 = strAt(b, end);
  if (payloadSha256 === undefined || !litAt(b, end, K_BYTES)) return undefined;
  const payloadBytes = intAt(b, end);
  if (payloadBytes < 0 || !litAt(b, end, K_PAYLOAD)) return undefined;
  const p = P;
  const payloadEnd = end - 1;
  if (b[payloadEnd] !== 0x7d || payloadEnd - p !== payloadBytes || payloadBytes === 0) return undefined;
  if (!isOneJsonValue(b, p, payloadEnd, 127)) return undefined;
  if (checkUtf8 && nonAscii && !isValidUtf8(b, p, payloadEnd)) return undefined;
  return {
    schema: 'pi.session_store_v2.segment_frame.v1',
    segmentSeq,
    frameSeq,
    entrySeq,
    entryId,
    parentEntryId,
    entryType,
    timestamp,
    payloadSha256,
    payloadBytes,
    payloadStart: p,
    payloadEnd,
  };
}

/** Bytes `b[p, q)` equal the ASCII string `s`. */
function bytesEqual(b: Uint8Array, p: number, q: number, s: string): boolean {
  if (q - p !== s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[p + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** A plain ASCII string at `p` (as `str`), without building it; sets `strEnd`. -1 when not plain. */
function strSpan(b: Uint8Array, p: number, end: number): number {
  if (b[p] !== 0x22) return -1;
  for (let q = p + 1; q < end; q++) {
    const c = b[q] as number;
    if (c === 0x22) {
      strEnd = q + 1;
      return p + 1;
    }
    if (c < 0x20 || c === 0x5c || c > 0x7f) return -1;
  }
  return -1;
}

/** What `fastFrameCheck` learns about a frame besides the comparisons it makes. */
export interface FrameCheck {
  parentEntryId: string | undefined;
  payloadStart: number;
  payloadEnd: number;
  /** Start of the claimed payloadSha256's 64 bytes (after its quote); not checked to be plain. */
  shaStart: number;
}

/**
 * For the open-time scan: true when `b[start, end)` is a canonical frame whose seqs and id
 * equal the row's (what validate_integrity compares), filling `out`. False means "not
 * proven", never "invalid": the caller then takes the general path. Builds no strings
 * except the parent id, and not that one when it is `prevId` (the previous row's id).
 */
export function fastFrameCheck(
  b: Uint8Array,
  start: number,
  end: number,
  row: { segmentSeq: U64; frameSeq: U64; entrySeq: U64; entryId: string },
  prevId: string | undefined,
  out: FrameCheck,
): boolean {
  P = start;
  if (!litAt(b, end, K_FRAME_HEAD) || intAt(b, end) !== row.segmentSeq) return false;
  if (!litAt(b, end, K_FRAME_SEQ) || intAt(b, end) !== row.frameSeq) return false;
  if (!litAt(b, end, K_ENTRY_SEQ) || intAt(b, end) !== row.entrySeq) return false;
  if (!litAt(b, end, K_ENTRY_ID)) return false;
  const idStart = spanAt(b, end);
  if (idStart < 0 || !bytesEqual(b, idStart, P - 1, row.entryId)) return false;
  out.parentEntryId = undefined;
  if (litAt(b, end, K_PARENT)) {
    const ps = spanAt(b, end);
    if (ps < 0) return false;
    // Usually the previous entry: reuse its string (same characters) instead of building one.
    out.parentEntryId = prevId !== undefined && bytesEqual(b, ps, P - 1, prevId) ? prevId : asciiString(b, ps, P - 1);
  }
  if (!litAt(b, end, K_ENTRY_TYPE) || spanAt(b, end) < 0) return false;
  if (!litAt(b, end, K_TIMESTAMP) || spanAt(b, end) < 0) return false;
  if (!litAt(b, end, K_SHA)) return false;
  // 64 bytes between quotes; the caller compares them with the computed hash (plain hex), and
  // takes the general path when they differ, so their content needs no check here.
  const shaStart = P + 1;
  if (P + 66 > end || b[P] !== 0x22 || b[P + 65] !== 0x22) return false;
  P += 66;
  if (!litAt(b, end, K_BYTES)) return false;
  const payloadBytes = intAt(b, end);
  if (payloadBytes < 0 || !litAt(b, end, K_PAYLOAD)) return false;
  const p = P;
  const payloadEnd = end - 1;
  if (b[payloadEnd] !== 0x7d || payloadEnd - p !== payloadBytes || payloadBytes === 0) return false;
  // Outside strings every accepted byte is ASCII, so UTF-8 needs checking only if a string had more.
  if (!isOneJsonValue(b, p, payloadEnd, 127) || (nonAscii && !isValidUtf8(b, p, payloadEnd))) return false;
  out.payloadStart = p;
  out.payloadEnd = payloadEnd;
  out.shaStart = shaStart;
  return true;
}
