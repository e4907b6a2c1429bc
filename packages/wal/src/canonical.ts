import { parseU64 } from '@logspec/core';
import type { WalEntry } from './entry.js';
import { WalCode, walError } from './errors.js';
import type { SkipReason, WalRecord, WalRecordInput } from './record.js';
import { isRecordType, RECORD_TYPE_NAMES, recordTypeFromName, recordTypeName } from './record-type.js';
import type { FileEnd, SkippedRecord } from './scan.js';
import { formatTraceId, traceIdHex } from './trace-id.js';

/**
 * The canonical JSON of the reference corpus (`conformance/golden/REFERENCE-README.md`,
 * § wal): u64 as decimal strings, trace ids as 32 hex digits, absent strings as null.
 */
export interface CanonicalRecord {
  record_type: string;
  record_type_code: number;
  trace_id: string;
  node_id: number;
  timestamp_ns: string;
  output_offset: string;
  output_size: number;
  schema_hash: string;
  iteration: number;
  error_message: string | null;
  metadata: string | null;
}

/** A record as the `read` verb lists it. */
export interface CanonicalRecordEntry extends CanonicalRecord {
  file: string;
  offset: string;
  total_len: number;
}

/** A record the reader skipped by its length. */
export interface CanonicalSkipped {
  file: string;
  offset: string;
  total_len: number;
  error: SkipReason;
  message: string;
}

export interface CanonicalRead {
  records: CanonicalRecordEntry[];
  skipped: CanonicalSkipped[];
}

export function toCanonicalRecord(r: WalRecord): CanonicalRecord {
  return {
    record_type: recordTypeName(r.recordType),
    record_type_code: r.recordType,
    trace_id: traceIdHex(r.traceId),
    node_id: r.nodeId,
    timestamp_ns: r.timestampNs.toString(),
    output_offset: r.outputOffset.toString(),
    output_size: r.outputSize,
    schema_hash: r.schemaHash.toString(),
    iteration: r.iteration,
    error_message: r.errorMessage,
    metadata: r.metadata,
  };
}

/** Key order as the original's dump prints it. */
export function toCanonicalEntry(file: string, offset: number, totalLen: number, r: WalRecord): CanonicalRecordEntry {
  return { file, offset: String(offset), total_len: totalLen, ...toCanonicalRecord(r) };
}

/** The original logs a skipped record with its `from_bytes` error text; these are those texts. */
export function skipMessage(reason: SkipReason, stored = 0, computed = 0): string {
  switch (reason) {
    case 'crc_mismatch':
      return `CRC mismatch: expected ${stored}, got ${computed}`;
    case 'unknown_record_type':
      return 'Unknown WAL record type';
    case 'payload_eof':
      return 'failed to fill whole buffer';
  }
}

function bad(field: string, value: unknown, why: string): never {
  throw walError(WalCode.INVALID_FIELD, `${field} ${why}: ${JSON.stringify(value)}`, undefined, { field });
}

function u64Field(v: Record<string, unknown>, key: string): bigint {
  const x = v[key];
  if (typeof x !== 'string' && typeof x !== 'number') bad(key, x, 'must be a decimal string');
  if (typeof x === 'string' && !/^[0-9]+$/.test(x)) bad(key, x, 'must be a decimal string');
  try {
    return parseU64(x, 'wal');
  } catch {
    return bad(key, x, 'must be a u64');
  }
}

function numField(v: Record<string, unknown>, key: string): number {
  const x = v[key];
  if (typeof x !== 'number' || x >>> 0 !== x) bad(key, x, 'must be a u32');
  return x;
}

function strField(v: Record<string, unknown>, key: string): string | null {
  const x = v[key];
  if (x === null || x === undefined) return null;
  if (typeof x !== 'string') bad(key, x, 'must be a string or null');
  return x;
}

/**
 * Parses a canonical record (the recipes' `write_record.record`; `file`, `offset` and
 * `total_len` are ignored). `record_type_code` wins over `record_type`; if both are given
 * they must agree.
 */
export function fromCanonicalRecord(value: unknown): WalRecordInput {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) bad('record', value, 'must be an object');
  const v = value as Record<string, unknown>;
  const code = v.record_type_code;
  const name = v.record_type;
  let type: number | undefined;
  if (code !== undefined) {
    if (typeof code !== 'number' || !isRecordType(code)) bad('record_type_code', code, 'is not a known record type');
    type = code;
  }
  if (name !== undefined) {
    const fromName = typeof name === 'string' ? recordTypeFromName(name) : undefined;
    if (fromName === undefined) bad('record_type', name, 'is not a known record type name');
    if (type !== undefined && type !== fromName) {
      bad('record_type', name, `does not match record_type_code ${RECORD_TYPE_NAMES[type] ?? type}`);
    }
    type = fromName;
  }
  if (type === undefined || !isRecordType(type)) return bad('record_type', value, 'is missing');
  const trace = v.trace_id;
  if (typeof trace !== 'string') bad('trace_id', trace, 'must be 32 hex digits');
  return {
    recordType: type,
    traceId: formatTraceId(trace),
    nodeId: numField(v, 'node_id'),
    timestampNs: u64Field(v, 'timestamp_ns'),
    outputOffset: u64Field(v, 'output_offset'),
    outputSize: numField(v, 'output_size'),
    schemaHash: u64Field(v, 'schema_hash'),
    iteration: numField(v, 'iteration'),
    errorMessage: strField(v, 'error_message'),
    metadata: strField(v, 'metadata'),
  };
}

export function toCanonicalSkipped(s: SkippedRecord): CanonicalSkipped {
  return {
    file: s.file,
    offset: String(s.offset),
    total_len: s.totalLen,
    error: s.reason,
    message: skipMessage(s.reason, s.storedCrc, s.computedCrc),
  };
}

/** A read's records and skips in the corpus's `wal` shape. */
export function toCanonicalRead(r: { records: readonly WalEntry[]; skipped: readonly SkippedRecord[] }): CanonicalRead {
  return {
    records: r.records.map((e) => toCanonicalEntry(e.file, e.offset, e.totalLen, e.record)),
    skipped: r.skipped.map(toCanonicalSkipped),
  };
}

/** How a file ends (logspec's report; not part of the original's output), with u64 offsets as strings. */
export interface CanonicalEnd {
  kind: FileEnd['kind'];
  offset: string;
  bytes: number;
  cause: string | null;
  length: number | null;
  resync_at: string | null;
}

export function toCanonicalEnd(e: FileEnd): CanonicalEnd {
  return {
    kind: e.kind,
    offset: String(e.offset),
    bytes: e.kind === 'clean' ? 0 : e.bytes,
    cause: e.kind === 'clean' ? null : e.cause,
    length: e.kind === 'clean' ? null : e.length,
    resync_at: e.kind === 'corrupt' && e.resyncAt !== null ? String(e.resyncAt) : null,
  };
}
