import { asciiString, bytesEqual } from '../json/ascii.js';
import { isValidUtf8 } from '../json/utf8.js';
import { isOneJsonValue, nonAscii } from '../json/value-check.js';
import type { IndexRow } from './types.js';

/**
 * Frames and index rows read as the writer writes them (keys in serde order, no whitespace,
 * plain ASCII strings, short integers). This is the first step of the one reader of each
 * (`records/reader.ts`, and the open scan, which reads frames through the same parse): it
 * accepts only inputs on which the serde-compatible `JsonReader` gives the same answer, and
 * says no to anything else, so the caller goes on with `JsonReader`: results never depend on
 * which step answered.
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
 * A DataView over the buffer being matched against. The scan entry points
 * (`scanIndexLineAsWritten`, `scanFrameAsWritten`, `wordsEqualAt`) keep it across calls on
 * one window buffer, and the scan calls `releaseLiteralView` when done; the other entry
 * points restore it before returning.
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

/** An index row as written in `b[start, end)` (no trailing newline), or `undefined`. */
export function readIndexRowAsWritten(b: Uint8Array, start: number, end: number): IndexRow | undefined {
  if (b === viewBuf) return indexRowAt(b, start, end, false);
  // Not the scan's buffer: whatever view `lit` makes for it is dropped again afterwards.
  const keptBuf = viewBuf;
  const keptView = view;
  const row = indexRowAt(b, start, end, false);
  viewBuf = keptBuf;
  view = keptView;
  return row;
}

/** Where the row `scanIndexLineAsWritten` matched ends: the position of its `\n`. */
export let indexLineEnd = 0;

/**
 * `readIndexRowAsWritten` on the line starting at `start`, in a scan's buffer whose valid
 * bytes end at `end`: the row must be followed by `\n` (then at `indexLineEnd`). A written
 * row holds no `\n`, so this needs no search for the newline first. The buffer's view is
 * kept until `releaseLiteralView`.
 */
export function scanIndexLineAsWritten(b: Uint8Array, start: number, end: number): IndexRow | undefined {
  return indexRowAt(b, start, end, true);
}

function indexRowAt(b: Uint8Array, start: number, end: number, line: boolean): IndexRow | undefined {
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

/**
 * Where each field of a frame read as written lies (string contents without their quotes),
 * and its integers. Filled by `readFrameAsWritten`/`scanFrameAsWritten`; `parentStart` is -1
 * for a root entry. Every string span holds plain ASCII (no escape, quote or control byte),
 * except the 64 bytes of a hash as written, which its user checks (`isPlainAscii`).
 */
export class FrameSpans {
  segmentSeq = 0;
  frameSeq = 0;
  entrySeq = 0;
  idStart = 0;
  idEnd = 0;
  parentStart = -1;
  parentEnd = -1;
  typeStart = 0;
  typeEnd = 0;
  timestampStart = 0;
  timestampEnd = 0;
  shaStart = 0;
  shaEnd = 0;
  payloadBytes = 0;
  payloadStart = 0;
  payloadEnd = 0;
}

/**
 * True when `b[start, end)` (no trailing newline) is a frame as written, filling `out`. The
 * payload must span exactly `payloadBytes` bytes up to the closing brace; it is still checked
 * to be one JSON value (serde's rules, depth included) and, with `checkUtf8`, UTF-8.
 */
export function readFrameAsWritten(
  b: Uint8Array,
  start: number,
  end: number,
  checkUtf8: boolean,
  out: FrameSpans,
): boolean {
  if (b === viewBuf) return frameAt(b, start, end, checkUtf8, out);
  // Not the scan's buffer: whatever view `lit` makes for it is dropped again afterwards.
  const keptBuf = viewBuf;
  const keptView = view;
  const ok = frameAt(b, start, end, checkUtf8, out);
  viewBuf = keptBuf;
  view = keptView;
  return ok;
}

/**
 * `readFrameAsWritten` (UTF-8 checked) for a scan over one window buffer: the buffer's view
 * is kept across calls until `releaseLiteralView`.
 */
export function scanFrameAsWritten(b: Uint8Array, start: number, end: number, out: FrameSpans): boolean {
  return frameAt(b, start, end, true, out);
}

function frameAt(b: Uint8Array, start: number, end: number, checkUtf8: boolean, out: FrameSpans): boolean {
  P = start;
  if (!litAt(b, end, K_FRAME_HEAD)) return false;
  const segmentSeq = intAt(b, end);
  if (segmentSeq < 0 || !litAt(b, end, K_FRAME_SEQ)) return false;
  const frameSeq = intAt(b, end);
  if (frameSeq < 0 || !litAt(b, end, K_ENTRY_SEQ)) return false;
  const entrySeq = intAt(b, end);
  if (entrySeq < 0 || !litAt(b, end, K_ENTRY_ID)) return false;
  const idStart = spanAt(b, end);
  if (idStart < 0) return false;
  out.idEnd = P - 1;
  out.parentStart = -1;
  out.parentEnd = -1;
  if (litAt(b, end, K_PARENT)) {
    const parentStart = spanAt(b, end);
    if (parentStart < 0) return false;
    out.parentStart = parentStart;
    out.parentEnd = P - 1;
  }
  if (!litAt(b, end, K_ENTRY_TYPE)) return false;
  const typeStart = spanAt(b, end);
  if (typeStart < 0) return false;
  out.typeEnd = P - 1;
  if (!litAt(b, end, K_TIMESTAMP)) return false;
  const timestampStart = spanAt(b, end);
  if (timestampStart < 0) return false;
  out.timestampEnd = P - 1;
  if (!litAt(b, end, K_SHA)) return false;
  // A hash as written is 64 bytes between quotes: taken without a look at them (the scan
  // compares them with the hash it computes, `decodeFrameHead` checks they are plain).
  let shaStart: number;
  if (P + 66 <= end && b[P] === 0x22 && b[P + 65] === 0x22) {
    shaStart = P + 1;
    P += 66;
  } else {
    shaStart = spanAt(b, end);
    if (shaStart < 0) return false;
  }
  out.shaEnd = P - 1;
  if (!litAt(b, end, K_BYTES)) return false;
  const payloadBytes = intAt(b, end);
  if (payloadBytes < 0 || !litAt(b, end, K_PAYLOAD)) return false;
  const p = P;
  const payloadEnd = end - 1;
  if (b[payloadEnd] !== 0x7d || payloadEnd - p !== payloadBytes || payloadBytes === 0) return false;
  // Outside strings every accepted byte is ASCII, so UTF-8 needs checking only if a string had more.
  if (!isOneJsonValue(b, p, payloadEnd, 127, view)) return false;
  if (checkUtf8 && nonAscii && !isValidUtf8(b, p, payloadEnd)) return false;
  out.segmentSeq = segmentSeq;
  out.frameSeq = frameSeq;
  out.entrySeq = entrySeq;
  out.idStart = idStart;
  out.typeStart = typeStart;
  out.timestampStart = timestampStart;
  out.shaStart = shaStart;
  out.payloadBytes = payloadBytes;
  out.payloadStart = p;
  out.payloadEnd = payloadEnd;
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
