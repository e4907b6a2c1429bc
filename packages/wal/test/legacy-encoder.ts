/**
 * A deliberate, independent test oracle: a second WAL record encoder, kept on purpose (listed
 * in docs/ARCHITECTURE.md, Deliberate duplicates). It is the encoder as it was before the
 * single-pass rewrite (check into a field object, trace id into a fresh 16-byte array, then
 * write; only the string sizes now come from `TextEncoder`), and it must not share code with
 * `src/record-writer.ts`: the property tests require the two to give the same bytes, or the
 * same error, for every input.
 */
import { crc32 } from '@logspec/core';
import {
  Field,
  HEADER_SIZE,
  isRecordType,
  MAX_RECORD_SIZE,
  MIN_PAYLOAD_SIZE,
  PayloadField,
  recordTypeFromName,
  WalCode,
  type WalRecordInput,
  type WalRecordType,
  walError,
} from '../src/index.js';

const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  NIBBLE[65 + i] = 10 + i;
  NIBBLE[97 + i] = 10 + i;
}

function badTraceId(id: unknown): never {
  const shown = id instanceof Uint8Array ? `${id.length} bytes` : String(id);
  throw walError(WalCode.INVALID_FIELD, `trace id must be a UUID string or 16 bytes: ${shown}`, undefined, {
    field: 'traceId',
  });
}

function parseInto(s: string, out: Uint8Array, at: number): boolean {
  const dashed = s.length === 36;
  if (!dashed && s.length !== 32) return false;
  if (
    dashed &&
    (s.charCodeAt(8) !== 45 || s.charCodeAt(13) !== 45 || s.charCodeAt(18) !== 45 || s.charCodeAt(23) !== 45)
  ) {
    return false;
  }
  let c = 0;
  for (let i = 0; i < 16; i++) {
    if (dashed && (c === 8 || c === 13 || c === 18 || c === 23)) c++;
    const h = s.charCodeAt(c);
    const l = s.charCodeAt(c + 1);
    const hi = h < 128 ? (NIBBLE[h] as number) : -1;
    const lo = l < 128 ? (NIBBLE[l] as number) : -1;
    if (hi < 0 || lo < 0) return false;
    out[at + i] = (hi << 4) | lo;
    c += 2;
  }
  return true;
}

export function legacyTraceIdBytes(id: unknown): Uint8Array {
  if (id instanceof Uint8Array) {
    if (id.length !== 16) badTraceId(id);
    return id.slice();
  }
  const out = new Uint8Array(16);
  if (typeof id !== 'string' || !parseInto(id, out, 0)) badTraceId(id);
  return out;
}

const U64_MAX = (1n << 64n) - 1n;
const TWO32 = 2 ** 32;
const encoder = new TextEncoder();
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
  if (LONE_SURROGATE.test(v)) invalid(field, JSON.stringify(v), 'contains a lone surrogate');
  return v;
}

function typeCode(v: unknown): WalRecordType {
  const code = typeof v === 'string' ? recordTypeFromName(v) : v;
  if (typeof code !== 'number' || !isRecordType(code)) invalid('recordType', v, 'is not a known record type (0..10)');
  return code;
}

interface Checked {
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

function check(r: WalRecordInput): Checked {
  if (r === null || typeof r !== 'object') invalid('record', r, 'must be an object');
  return {
    type: typeCode(r.recordType),
    trace: legacyTraceIdBytes(r.traceId),
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

function utf8Length(s: string | null): number {
  return s === null ? 0 : encoder.encode(s).length;
}

function writeUtf8(s: string, out: Uint8Array, at: number): number {
  if (s.length === 0) return 0;
  return encoder.encodeInto(s, out.subarray(at)).written;
}

/** The old `encodeRecord`: a fresh buffer of exactly the record's size. */
export function legacyEncodeRecord(r: WalRecordInput): Uint8Array {
  const c = check(r);
  const size = HEADER_SIZE + MIN_PAYLOAD_SIZE + utf8Length(c.error) + utf8Length(c.meta);
  if (size > MAX_RECORD_SIZE) throw walError(WalCode.RECORD_TOO_LARGE, 'too large');
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  const p = HEADER_SIZE;
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
  view.setUint32(Field.TOTAL_LEN, end, true);
  out[Field.TYPE] = c.type;
  out.set(c.trace, Field.TRACE_ID);
  view.setUint32(Field.NODE_ID, c.nodeId, true);
  view.setUint32(Field.CRC, crc32(out, p, end), true);
  return out;
}
