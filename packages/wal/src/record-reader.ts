import { type CrcArena, crc32 } from '@logspec/core';
import { WalCode, walError } from './errors.js';
import { Field, HEADER_SIZE, PayloadField } from './layout.js';
import { BAD_CRC, BAD_PAYLOAD, BAD_TYPE, type DecodeRecordOptions, OK, type WalRecord } from './record.js';
import { MAX_RECORD_TYPE, type WalRecordType } from './record-type.js';
import { traceIdAt } from './trace-id.js';

/** A record read as xerv's `from_bytes` reads it (`original`), or also checked to be exactly the writer's bytes (`strict`). */

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
 * `from_bytes` rejects an unknown type before looking at the CRC). `arena`, when `bytes` are
 * its bytes, checks the CRC in place with its WebAssembly kernel.
 */
export function classifyRecord(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  totalLen: number,
  typeFirst: boolean,
  arena?: CrcArena,
): number {
  const type = bytes[start + Field.TYPE] as number;
  if (typeFirst && type > MAX_RECORD_TYPE) return BAD_TYPE;
  const computed =
    arena !== undefined
      ? arena.crc32(start + HEADER_SIZE, start + totalLen)
      : crc32(bytes, start + HEADER_SIZE, start + totalLen);
  if (view.getUint32(start + Field.CRC, true) !== computed) return BAD_CRC;
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
