import { crc32 } from '@logspec/core';
import { WalCode, walError } from './errors.js';
import { Field, HEADER_SIZE, MAX_RECORD_SIZE, MIN_PAYLOAD_SIZE, PayloadField } from './layout.js';
import {
  isRecordType,
  MAX_RECORD_TYPE,
  recordTypeFromName,
  type WalRecordType,
  type WalRecordTypeName,
} from './record-type.js';
import { type TraceIdInput, traceIdAt, traceIdBytes } from './trace-id.js';

/** One decoded record. u64 fields are bigints so their full range survives. */
export interface WalRecord {
  recordType: WalRecordType;
  /** Dashed lowercase UUID. */
  traceId: string;
  nodeId: number;
  timestampNs: bigint;
  /** Arena offset of the node's output; 0 is the original's `ArenaOffset::NULL`. */
  outputOffset: bigint;
  outputSize: number;
  schemaHash: bigint;
  iteration: number;
  /** `null` for none. The format stores `Some("")` like none, so it reads back as `null`. */
  errorMessage: string | null;
  metadata: string | null;
}

/** What the encoder takes: a `WalRecord`, or friendlier forms of its fields. */
export interface WalRecordInput {
  recordType: WalRecordType | WalRecordTypeName;
  traceId: TraceIdInput;
  nodeId?: number;
  timestampNs: bigint | number;
  outputOffset?: bigint | number;
  outputSize?: number;
  schemaHash?: bigint | number;
  iteration?: number;
  errorMessage?: string | null;
  metadata?: string | null;
}

export type DecodeMode = 'original' | 'strict';

export interface DecodeRecordOptions {
  /**
   * `original` (default) checks in the order of xerv's `from_bytes` (type before CRC) and
   * ignores bytes after `total_len`; `strict` checks the CRC first and rejects trailing bytes.
   */
  mode?: DecodeMode;
  /** Added to error offsets (the record's position in its file). */
  baseOffset?: number;
}

/** Why a complete record is not returned; names as the original reader's skip log. */
export type SkipReason = 'crc_mismatch' | 'unknown_record_type' | 'payload_eof';

// Numeric reasons keep the scanner's hot loop free of string compares.
export const OK = 0;
export const BAD_CRC = 1;
export const BAD_TYPE = 2;
export const BAD_PAYLOAD = 3;
export const SKIP_REASONS: readonly SkipReason[] = [
  'crc_mismatch',
  'crc_mismatch',
  'unknown_record_type',
  'payload_eof',
];

/**
 * Where the payload of the record at `start` (of `totalLen` bytes, all present) runs out:
 * the offset, from the record start, of the first field or string that does not fit, or -1
 * if everything it declares fits. Bytes after the metadata are ignored, as the original does.
 */
export function payloadEofAt(view: DataView, start: number, totalLen: number): number {
  const end = start + totalLen;
  const p = start + HEADER_SIZE;
  if (end - p < PayloadField.ERROR) return firstShortFixed(end - p);
  const errLen = view.getUint32(p + PayloadField.ERROR_LEN, true);
  const m = p + PayloadField.ERROR + errLen;
  if (m > end) return HEADER_SIZE + PayloadField.ERROR;
  if (m + 4 > end) return m - start;
  const metaLen = view.getUint32(m, true);
  if (m + 4 + metaLen > end) return m + 4 - start;
  return -1;
}

/** Start and end of each fixed payload field, in order. */
const FIXED_FIELDS: readonly (readonly [number, number])[] = [
  [PayloadField.TIMESTAMP_NS, PayloadField.TIMESTAMP_NS + 8],
  [PayloadField.OUTPUT_OFFSET, PayloadField.OUTPUT_OFFSET + 8],
  [PayloadField.OUTPUT_SIZE, PayloadField.OUTPUT_SIZE + 4],
  [PayloadField.SCHEMA_HASH, PayloadField.SCHEMA_HASH + 8],
  [PayloadField.ITERATION, PayloadField.ITERATION + 4],
  [PayloadField.ERROR_LEN, PayloadField.ERROR_LEN + 4],
];

/** Offset (from the record start) of the first fixed payload field that `have` payload bytes do not hold. */
function firstShortFixed(have: number): number {
  for (const [start, end] of FIXED_FIELDS) if (end > have) return HEADER_SIZE + start;
  return HEADER_SIZE + PayloadField.ERROR_LEN;
}

/**
 * Checks a complete record (`totalLen` ≥ 29 bytes present at `start`) without decoding it:
 * OK, BAD_CRC, BAD_TYPE or BAD_PAYLOAD. `typeFirst` is the original's order (its
 * `from_bytes` rejects an unknown type before looking at the CRC).
 */
export function classifyRecord(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  totalLen: number,
  typeFirst: boolean,
): number {
  const type = bytes[start + Field.TYPE] as number;
  if (typeFirst && type > MAX_RECORD_TYPE) return BAD_TYPE;
  if (view.getUint32(start + Field.CRC, true) !== crc32(bytes, start + HEADER_SIZE, start + totalLen)) return BAD_CRC;
  if (type > MAX_RECORD_TYPE) return BAD_TYPE;
  return payloadEofAt(view, start, totalLen) < 0 ? OK : BAD_PAYLOAD;
}

const lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Reads the fields of a record that `classifyRecord` accepted. Strings decode lossily
 * (invalid UTF-8 → U+FFFD, as Rust's `from_utf8_lossy`); a zero length is `null`.
 */
export function readRecordFields(bytes: Uint8Array, view: DataView, start: number): WalRecord {
  const p = start + HEADER_SIZE;
  const errLen = view.getUint32(p + PayloadField.ERROR_LEN, true);
  const e = p + PayloadField.ERROR;
  const metaLen = view.getUint32(e + errLen, true);
  const m = e + errLen + 4;
  return {
    recordType: bytes[start + Field.TYPE] as WalRecordType,
    traceId: traceIdAt(bytes, start + Field.TRACE_ID),
    nodeId: view.getUint32(start + Field.NODE_ID, true),
    timestampNs: view.getBigUint64(p + PayloadField.TIMESTAMP_NS, true),
    outputOffset: view.getBigUint64(p + PayloadField.OUTPUT_OFFSET, true),
    outputSize: view.getUint32(p + PayloadField.OUTPUT_SIZE, true),
    schemaHash: view.getBigUint64(p + PayloadField.SCHEMA_HASH, true),
    iteration: view.getUint32(p + PayloadField.ITERATION, true),
    errorMessage: errLen === 0 ? null : lossy.decode(bytes.subarray(e, e + errLen)),
    metadata: metaLen === 0 ? null : lossy.decode(bytes.subarray(m, m + metaLen)),
  };
}

export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** `total_len` of the record starting at `bytes[at]`, or -1 if fewer than 4 bytes are there. */
export function recordLengthAt(bytes: Uint8Array, at = 0): number {
  if (at < 0 || bytes.length - at < 4) return -1;
  return viewOf(bytes).getUint32(at, true);
}

/**
 * Decodes the one record at the start of `bytes`, with a typed error (code and offset) for
 * everything the original's `from_bytes` rejects, and for the `total_len < 29` it panics on.
 */
export function decodeRecord(bytes: Uint8Array, opts: DecodeRecordOptions = {}): WalRecord {
  const strict = opts.mode === 'strict';
  const base = opts.baseOffset ?? 0;
  if (bytes.length < HEADER_SIZE) {
    throw walError(WalCode.RECORD_TOO_SMALL, `record too small: ${bytes.length} bytes, need ${HEADER_SIZE}`, base, {
      have: bytes.length,
    });
  }
  const view = viewOf(bytes);
  const totalLen = view.getUint32(Field.TOTAL_LEN, true);
  const type = bytes[Field.TYPE] as number;
  // The original rejects an unknown type before it looks at total_len or the CRC.
  if (!strict && type > MAX_RECORD_TYPE) throw unknownType(type, base);
  if (totalLen < HEADER_SIZE) {
    throw walError(WalCode.BAD_LENGTH, `record length ${totalLen} is below the ${HEADER_SIZE}-byte header`, base, {
      totalLen,
    });
  }
  if (totalLen > bytes.length) {
    throw walError(
      WalCode.RECORD_TRUNCATED,
      `record truncated: expected ${totalLen} bytes, got ${bytes.length}`,
      base,
      { totalLen, have: bytes.length },
    );
  }
  const reason = classifyRecord(bytes, view, 0, totalLen, !strict);
  if (reason === BAD_CRC) {
    const stored = view.getUint32(Field.CRC, true);
    const computed = crc32(bytes, HEADER_SIZE, totalLen);
    throw walError(WalCode.CRC_MISMATCH, `CRC mismatch: expected ${stored}, got ${computed}`, base, {
      stored,
      computed,
    });
  }
  if (reason === BAD_TYPE) throw unknownType(type, base);
  if (reason === BAD_PAYLOAD) {
    const at = payloadEofAt(view, 0, totalLen);
    throw walError(WalCode.PAYLOAD_EOF, 'payload ends before the fields it declares', base + at, { totalLen });
  }
  if (strict && bytes.length > totalLen) {
    throw walError(WalCode.TRAILING_BYTES, `${bytes.length - totalLen} bytes after the record`, base + totalLen, {
      totalLen,
      have: bytes.length,
    });
  }
  return readRecordFields(bytes, view, 0);
}

function unknownType(type: number, base: number) {
  return walError(WalCode.UNKNOWN_RECORD_TYPE, `unknown WAL record type ${type}`, base + Field.TYPE, { type });
}

// ---- encoding ----------------------------------------------------------------------------

const U64_MAX = (1n << 64n) - 1n;
const TWO32 = 2 ** 32;
const encoder = new TextEncoder();
type WellFormed = { isWellFormed?: () => boolean };
const LONE_SURROGATE = /\p{Cs}/u;

function invalid(field: string, value: unknown, why: string): never {
  throw walError(WalCode.INVALID_FIELD, `${field} ${why}: ${String(value)}`, undefined, { field });
}

function u32(v: unknown, field: string): number {
  if (typeof v !== 'number' || v >>> 0 !== v) invalid(field, v, 'must be a u32');
  return v;
}

function u64(v: unknown, field: string): bigint | number {
  if (typeof v === 'bigint') {
    if (v < 0n || v > U64_MAX) invalid(field, v, 'must be a u64');
    return v;
  }
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    invalid(field, v, 'must be a u64 (bigint or safe integer)');
  return v;
}

function text(v: unknown, field: string): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') invalid(field, v, 'must be a string or null');
  // Rust strings are UTF-8: a lone surrogate has no encoding that reads back the same.
  const wf = (v as WellFormed).isWellFormed;
  if (wf ? !wf.call(v) : LONE_SURROGATE.test(v)) invalid(field, JSON.stringify(v), 'contains a lone surrogate');
  return v;
}

function typeCode(v: unknown): WalRecordType {
  const code = typeof v === 'string' ? recordTypeFromName(v) : v;
  if (typeof code !== 'number' || !isRecordType(code)) invalid('recordType', v, 'is not a known record type (0..10)');
  return code;
}

/** A record input checked field by field; strings kept as JS strings until written. */
export interface Checked {
  type: WalRecordType;
  trace: Uint8Array;
  nodeId: number;
  timestampNs: bigint | number;
  outputOffset: bigint | number;
  outputSize: number;
  schemaHash: bigint | number;
  iteration: number;
  error: string | null;
  meta: string | null;
}

/** Validates every field of `r` (typed `WAL_INVALID_FIELD` on the first bad one). */
export function check(r: WalRecordInput): Checked {
  if (r === null || typeof r !== 'object') invalid('record', r, 'must be an object');
  return {
    type: typeCode(r.recordType),
    trace: traceIdBytes(r.traceId),
    nodeId: u32(r.nodeId ?? 0, 'nodeId'),
    timestampNs: u64(r.timestampNs, 'timestampNs'),
    outputOffset: u64(r.outputOffset ?? 0, 'outputOffset'),
    outputSize: u32(r.outputSize ?? 0, 'outputSize'),
    schemaHash: u64(r.schemaHash ?? 0, 'schemaHash'),
    iteration: u32(r.iteration ?? 0, 'iteration'),
    error: text(r.errorMessage, 'errorMessage'),
    meta: text(r.metadata, 'metadata'),
  };
}

function setU64(view: DataView, at: number, v: bigint | number): void {
  if (typeof v === 'bigint') {
    view.setBigUint64(at, v, true);
  } else {
    view.setUint32(at, v % TWO32, true);
    view.setUint32(at + 4, Math.floor(v / TWO32), true);
  }
}

export function maxSizeOf(c: Checked): number {
  return HEADER_SIZE + MIN_PAYLOAD_SIZE + 3 * ((c.error?.length ?? 0) + (c.meta?.length ?? 0));
}

function exactSizeOf(c: Checked): number {
  return HEADER_SIZE + MIN_PAYLOAD_SIZE + utf8Length(c.error) + utf8Length(c.meta);
}

/** Exact encoded size of `r` (checks every field). */
export function encodedSize(r: WalRecordInput): number {
  return exactSizeOf(check(r));
}

/** An upper bound of `encodedSize(r)` that costs nothing to compute (3 bytes per UTF-16 unit). */
export function maxEncodedSize(r: WalRecordInput): number {
  return maxSizeOf(check(r));
}

function utf8Length(s: string | null): number {
  if (s === null) return 0;
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 2; // a pair: 2 units, 4 bytes
      i++;
    } else n += 2;
  }
  return n;
}

/**
 * Encodes `r` into `out` at `at` exactly as xerv's `WalRecord::to_bytes` does and returns
 * the record's end. Strings are encoded in place and their lengths filled in after, so
 * nothing is allocated. `Some("")` is written as none: the format has no other way to say it.
 */
export function encodeRecordInto(r: WalRecordInput, out: Uint8Array, at: number, view: DataView = viewOf(out)): number {
  const c = check(r);
  if (!Number.isSafeInteger(at) || at < 0 || at > out.length) {
    throw walError(WalCode.INVALID_FIELD, `output position ${at} outside the buffer`, undefined, { field: 'at' });
  }
  const room = out.length - at;
  if (room < maxSizeOf(c)) {
    const need = exactSizeOf(c);
    if (need > MAX_RECORD_SIZE) throw tooLarge(need);
    if (room < need) {
      throw walError(WalCode.INVALID_FIELD, `output buffer has ${room} bytes, the record needs ${need}`, undefined, {
        field: 'out',
        need,
        room,
      });
    }
  }
  return encodeChecked(c, out, at, view);
}

function tooLarge(total: number) {
  return walError(WalCode.RECORD_TOO_LARGE, `record of ${total} bytes does not fit the u32 total_len`, undefined, {
    totalLen: total,
  });
}

export function encodeChecked(c: Checked, out: Uint8Array, at: number, view: DataView): number {
  const p = at + HEADER_SIZE;
  setU64(view, p + PayloadField.TIMESTAMP_NS, c.timestampNs);
  setU64(view, p + PayloadField.OUTPUT_OFFSET, c.outputOffset);
  view.setUint32(p + PayloadField.OUTPUT_SIZE, c.outputSize, true);
  setU64(view, p + PayloadField.SCHEMA_HASH, c.schemaHash);
  view.setUint32(p + PayloadField.ITERATION, c.iteration, true);
  const e = p + PayloadField.ERROR;
  const errLen = c.error === null ? 0 : writeUtf8(c.error, out, e);
  view.setUint32(p + PayloadField.ERROR_LEN, errLen, true);
  const m = e + errLen + 4;
  const metaLen = c.meta === null ? 0 : writeUtf8(c.meta, out, m);
  view.setUint32(m - 4, metaLen, true);
  const end = m + metaLen;
  const total = end - at;
  if (total > MAX_RECORD_SIZE) throw tooLarge(total);
  view.setUint32(at + Field.TOTAL_LEN, total, true);
  out[at + Field.TYPE] = c.type;
  out.set(c.trace, at + Field.TRACE_ID);
  view.setUint32(at + Field.NODE_ID, c.nodeId, true);
  view.setUint32(at + Field.CRC, crc32(out, p, end), true);
  return end;
}

function writeUtf8(s: string, out: Uint8Array, at: number): number {
  if (s.length === 0) return 0;
  return encoder.encodeInto(s, out.subarray(at)).written;
}

/** The record's bytes (a fresh buffer of exactly its size). */
export function encodeRecord(r: WalRecordInput): Uint8Array {
  const c = check(r);
  const size = exactSizeOf(c);
  if (size > MAX_RECORD_SIZE) throw tooLarge(size);
  const out = new Uint8Array(size);
  encodeChecked(c, out, 0, viewOf(out));
  return out;
}
