import { type CrcArena, crc32 } from '@logspec/core';
import { WalCode, walError } from './errors.js';
import { Field, HEADER_SIZE, MAX_RECORD_SIZE, MIN_RECORD_SIZE, PayloadField } from './layout.js';
import type { WalRecordInput } from './record.js';
import { viewOf } from './record-reader.js';
import { isRecordType, recordTypeFromName, type WalRecordType } from './record-type.js';
import { badTraceId, traceIdWordsCached } from './trace-id.js';

/** A record's bytes, written as xerv writes them, straight into the caller's (or a CRC arena's) buffer. */

// One pass per record: validate every field into locals, then store them straight into the
// caller's buffer. No per-record arrays or field objects (the writer encodes every record it
// appends through here, so each allocation or extra copy is paid per record).

const U64_MAX = (1n << 64n) - 1n;
const TWO32 = 2 ** 32;
const encoder = new TextEncoder();
const LONE_SURROGATE = /\p{Cs}/u;
const HAS_WELL_FORMED = typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function';
const EMPTY = new Uint8Array(0);
const EMPTY_VIEW = new DataView(EMPTY.buffer);
// Filled by `traceIdWordsCached` and read straight back (before any user getter can run).
const traceWords = new Int32Array(4);

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
  if (HAS_WELL_FORMED ? !(v as string & { isWellFormed(): boolean }).isWellFormed() : LONE_SURROGATE.test(v))
    invalid(field, JSON.stringify(v), 'contains a lone surrogate');
  return v;
}

function typeCode(v: unknown): WalRecordType {
  const code = typeof v === 'string' ? recordTypeFromName(v) : v;
  if (typeof code !== 'number' || !isRecordType(code)) invalid('recordType', v, 'is not a known record type (0..10)');
  return code;
}

const U64_SCRATCH = new BigUint64Array(1);
const U64_HALVES = new Int32Array(U64_SCRATCH.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * A u64 bigint, little-endian. V8 (Node 20) inlines a BigUint64Array store but calls out for
 * DataView's `setBigUint64`, which costs about 4× as much; the halves are read back in
 * platform order, so big-endian platforms take `setBigUint64`.
 */
function setU64Big(view: DataView, at: number, v: bigint): void {
  if (LITTLE_ENDIAN) {
    U64_SCRATCH[0] = v;
    view.setInt32(at, U64_HALVES[0] as number, true);
    view.setInt32(at + 4, U64_HALVES[1] as number, true);
  } else view.setBigUint64(at, v, true);
}

/** A u64 given as a (safe, non-negative) number, as two u32 halves. */
function setU64Number(view: DataView, at: number, v: number): void {
  view.setUint32(at, v % TWO32, true);
  view.setUint32(at + 4, Math.floor(v / TWO32), true);
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

function writeUtf8(s: string, out: Uint8Array, at: number): number {
  if (s.length === 0) return 0;
  return encoder.encodeInto(s, out.subarray(at)).written;
}

function tooLarge(total: number) {
  return walError(WalCode.RECORD_TOO_LARGE, `record of ${total} bytes does not fit the u32 total_len`, undefined, {
    totalLen: total,
  });
}

/**
 * Validates every field of `r` (typed `WAL_INVALID_FIELD` on the first bad one, in field
 * order; `WAL_RECORD_TOO_LARGE` past a u32 `total_len`) and encodes it at `out[at]` exactly
 * as xerv's `WalRecord::to_bytes` does, returning the record's end. If `out` has no room for
 * it, nothing is written and the result is minus the record's exact size. `view` is a
 * DataView over all of `out`; `at` must lie in `[0, out.length]` (callers check).
 * Strings are encoded in place and their lengths filled in after. `Some("")` is written as
 * none: the format has no other way to say it.
 */
export function encodeRecordAt(
  r: WalRecordInput,
  out: Uint8Array,
  at: number,
  view: DataView,
  arena?: CrcArena,
): number {
  if (r === null || typeof r !== 'object') invalid('record', r, 'must be an object');
  const type = typeCode(r.recordType);
  const trace = r.traceId;
  if (!traceIdWordsCached(trace, traceWords)) badTraceId(trace);
  // Into locals now: the property reads below may run getters that encode another record.
  const trace0 = traceWords[0] as number;
  const trace1 = traceWords[1] as number;
  const trace2 = traceWords[2] as number;
  const trace3 = traceWords[3] as number;
  const nodeId = u32(r.nodeId ?? 0, 'nodeId');
  const timestampNs = u64(r.timestampNs, 'timestampNs');
  const outputOffset = u64(r.outputOffset ?? 0, 'outputOffset');
  const outputSize = u32(r.outputSize ?? 0, 'outputSize');
  const schemaHash = u64(r.schemaHash ?? 0, 'schemaHash');
  const iteration = u32(r.iteration ?? 0, 'iteration');
  const error = text(r.errorMessage, 'errorMessage');
  const meta = text(r.metadata, 'metadata');
  // At most 3 UTF-8 bytes per UTF-16 unit; only a tight fit pays for the exact count.
  const room = out.length - at;
  if (room < MIN_RECORD_SIZE + 3 * ((error === null ? 0 : error.length) + (meta === null ? 0 : meta.length))) {
    const need = MIN_RECORD_SIZE + utf8Length(error) + utf8Length(meta);
    if (need > MAX_RECORD_SIZE) throw tooLarge(need);
    if (room < need) return -need;
  }
  const p = at + HEADER_SIZE;
  // The bigint test is inline so each helper sees one type and inlines.
  if (typeof timestampNs === 'bigint') setU64Big(view, p + PayloadField.TIMESTAMP_NS, timestampNs);
  else setU64Number(view, p + PayloadField.TIMESTAMP_NS, timestampNs);
  if (typeof outputOffset === 'bigint') setU64Big(view, p + PayloadField.OUTPUT_OFFSET, outputOffset);
  else setU64Number(view, p + PayloadField.OUTPUT_OFFSET, outputOffset);
  view.setUint32(p + PayloadField.OUTPUT_SIZE, outputSize, true);
  if (typeof schemaHash === 'bigint') setU64Big(view, p + PayloadField.SCHEMA_HASH, schemaHash);
  else setU64Number(view, p + PayloadField.SCHEMA_HASH, schemaHash);
  view.setUint32(p + PayloadField.ITERATION, iteration, true);
  const e = p + PayloadField.ERROR;
  const errLen = error === null ? 0 : writeUtf8(error, out, e);
  view.setUint32(p + PayloadField.ERROR_LEN, errLen, true);
  const m = e + errLen + 4;
  const metaLen = meta === null ? 0 : writeUtf8(meta, out, m);
  view.setUint32(m - 4, metaLen, true);
  const end = m + metaLen;
  const total = end - at;
  if (total > MAX_RECORD_SIZE) throw tooLarge(total);
  view.setUint32(at + Field.TOTAL_LEN, total, true);
  out[at + Field.TYPE] = type;
  view.setInt32(at + Field.TRACE_ID, trace0);
  view.setInt32(at + Field.TRACE_ID + 4, trace1);
  view.setInt32(at + Field.TRACE_ID + 8, trace2);
  view.setInt32(at + Field.TRACE_ID + 12, trace3);
  view.setUint32(at + Field.NODE_ID, nodeId, true);
  // A writer whose buffer is a CRC arena's bytes gets the CRC in place, without a copy.
  const crc = arena !== undefined && arena.bytes === out ? arena.crc32(p, end) : crc32(out, p, end);
  view.setUint32(at + Field.CRC, crc, true);
  return end;
}

/** Exact encoded size of `r` (checks every field). */
export function encodedSize(r: WalRecordInput): number {
  return -encodeRecordAt(r, EMPTY, 0, EMPTY_VIEW);
}

/** An upper bound of `encodedSize(r)` (3 bytes per UTF-16 unit of the strings; checks every field). */
export function maxEncodedSize(r: WalRecordInput): number {
  encodedSize(r);
  const err = r.errorMessage;
  const meta = r.metadata;
  return (
    MIN_RECORD_SIZE + 3 * ((typeof err === 'string' ? err.length : 0) + (typeof meta === 'string' ? meta.length : 0))
  );
}

/**
 * Encodes `r` into `out` at `at` exactly as xerv's `WalRecord::to_bytes` does and returns
 * the record's end; `WAL_INVALID_FIELD` if it does not fit (nothing is written then).
 */
export function encodeRecordInto(r: WalRecordInput, out: Uint8Array, at: number, view: DataView = viewOf(out)): number {
  if (!Number.isSafeInteger(at) || at < 0 || at > out.length) {
    throw walError(WalCode.INVALID_FIELD, `output position ${at} outside the buffer`, undefined, { field: 'at' });
  }
  const end = encodeRecordAt(r, out, at, view);
  if (end < 0) {
    const room = out.length - at;
    throw walError(WalCode.INVALID_FIELD, `output buffer has ${room} bytes, the record needs ${-end}`, undefined, {
      field: 'out',
      need: -end,
      room,
    });
  }
  return end;
}

/** The record's bytes (a fresh buffer of exactly its size). */
export function encodeRecord(r: WalRecordInput): Uint8Array {
  const out = new Uint8Array(encodedSize(r));
  encodeRecordAt(r, out, 0, viewOf(out));
  return out;
}
