import { hexDecode, hexEncode, LogspecError } from '@logspec/core';
import { SegCode, segError } from './errors.js';
import type { Header, Message, TransactionMarker } from './message.js';
import { timestampMillis } from './timestamp.js';
import { parseTimestamp } from './timestamp-reader.js';
import { formatTimestamp } from './timestamp-writer.js';

/**
 * The canonical JSON of the conformance suite (`conformance/golden/REFERENCE-README.md`):
 * bytes as lower-case hex, u64/i64 as decimal strings, absent optionals as null.
 */
export interface MessageJson {
  offset: string;
  key: string | null;
  value: string;
  timestamp: string;
  timestamp_millis: string;
  headers: { key: string; value: string }[];
  producer_id: string | null;
  producer_epoch: number | null;
  transaction_marker: TransactionMarker | null;
  is_transactional: boolean;
}

export function messageToJson(m: Message): MessageJson {
  return {
    offset: m.offset.toString(),
    key: m.key === null ? null : hexEncode(m.key),
    value: hexEncode(m.value),
    timestamp: formatTimestamp(m.timestamp),
    timestamp_millis: timestampMillis(m.timestamp).toString(),
    headers: m.headers.map((h) => ({ key: h.key, value: hexEncode(h.value) })),
    producer_id: m.producerId === null ? null : m.producerId.toString(),
    producer_epoch: m.producerEpoch,
    transaction_marker: m.transactionMarker,
    is_transactional: m.isTransactional,
  };
}

function bad(what: string): LogspecError {
  return segError(SegCode.INVALID_VALUE, `message JSON: ${what}`);
}

function u64(v: unknown, what: string): bigint {
  if ((typeof v !== 'string' || !/^[0-9]+$/.test(v)) && !(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) {
    throw bad(`${what} must be a decimal u64 string`);
  }
  const b = BigInt(v);
  if (b >= 1n << 64n) throw bad(`${what} exceeds u64`);
  return b;
}

function hex(v: unknown, what: string): Uint8Array {
  if (typeof v !== 'string') throw bad(`${what} must be a hex string`);
  try {
    return hexDecode(v, 'segment');
  } catch {
    throw bad(`${what} is not even-length hex`);
  }
}

/** Parses canonical message JSON (as in recipes and vectors); `timestamp_millis`, if given, must agree. */
export function messageFromJson(value: unknown): Message {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('not an object');
  const o = value as Record<string, unknown>;
  if (typeof o.timestamp !== 'string') throw bad('timestamp must be a string');
  let timestamp: Message['timestamp'];
  try {
    timestamp = parseTimestamp(o.timestamp);
  } catch (e) {
    throw e instanceof LogspecError ? bad(e.message) : e;
  }
  if (o.timestamp_millis !== undefined && o.timestamp_millis !== null) {
    if (u64OrI64(o.timestamp_millis) !== timestampMillis(timestamp)) {
      throw bad(`timestamp_millis ${String(o.timestamp_millis)} disagrees with timestamp ${o.timestamp}`);
    }
  }
  const headersIn = o.headers ?? [];
  if (!Array.isArray(headersIn)) throw bad('headers must be an array');
  const headers: Header[] = headersIn.map((h, i) => {
    if (typeof h !== 'object' || h === null || typeof (h as { key?: unknown }).key !== 'string') {
      throw bad(`headers[${i}] must be {key: string, value: hex}`);
    }
    return { key: (h as { key: string }).key, value: hex((h as { value?: unknown }).value, `headers[${i}].value`) };
  });
  const epoch = o.producer_epoch ?? null;
  if (epoch !== null && (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 0 || epoch > 0xffff)) {
    throw bad('producer_epoch must be a u16 number or null');
  }
  const marker = o.transaction_marker ?? null;
  if (marker !== null && marker !== 'Commit' && marker !== 'Abort')
    throw bad('transaction_marker must be Commit, Abort or null');
  const flag = o.is_transactional ?? false;
  if (typeof flag !== 'boolean') throw bad('is_transactional must be a boolean');
  return {
    offset: u64(o.offset ?? '0', 'offset'),
    key: o.key === null || o.key === undefined ? null : hex(o.key, 'key'),
    value: hex(o.value, 'value'),
    timestamp,
    headers,
    producerId: o.producer_id === null || o.producer_id === undefined ? null : u64(o.producer_id, 'producer_id'),
    producerEpoch: epoch as number | null,
    transactionMarker: marker as TransactionMarker | null,
    isTransactional: flag,
  };
}

function u64OrI64(v: unknown): bigint {
  if (typeof v === 'string' && /^-?[0-9]+$/.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  throw bad('timestamp_millis must be a decimal string');
}

export interface IndexEntryJson {
  relative_offset: number;
  position: string;
}

export function indexEntriesToJson(
  entries: readonly { relativeOffset: number; position: bigint | number }[],
): IndexEntryJson[] {
  return entries.map((e) => ({ relative_offset: e.relativeOffset, position: BigInt(e.position).toString() }));
}
