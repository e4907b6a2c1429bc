import type { FieldSpan } from '@logspec/core';
import { Field, HEADER_SIZE, PayloadField } from './layout.js';
import { recordTypeName, type WalRecordType } from './record-type.js';
import { formatTraceId } from './trace-id.js';

/**
 * One WAL record as named byte ranges (`spec/wal.md` §2), for inspectors. Reads whatever bytes
 * are there without validating: a field the record (or the bytes) ends inside is cut to what
 * is there, and fields that do not start inside it are left out.
 */

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * The record at `bytes[start…]` whose `total_len` says where it ends (clipped to the bytes
 * given). `fileOffset` is its file position (default `start`).
 */
export function describeWalRecord(bytes: Uint8Array, start: number, fileOffset = start): FieldSpan[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const have = bytes.length - start;
  if (have <= 0) return [];
  const totalLen = have >= 4 ? v.getUint32(start, true) : 0;
  const end = Math.min(have, Math.max(totalLen, 4));
  const out: FieldSpan[] = [];
  const rel = (o: number) => fileOffset + o;
  function span(name: string, role: FieldSpan['role'], o: number, n: number, type: string, value?: string): FieldSpan {
    return {
      name,
      role,
      offset: rel(o),
      length: Math.max(0, Math.min(n, end - o)),
      type,
      ...(value === undefined ? {} : { value }),
    };
  }
  const fits = (o: number, n: number) => o + n <= end;
  out.push(span('total_len', 'length', Field.TOTAL_LEN, 4, 'u32 LE', have >= 4 ? String(totalLen) : undefined));
  if (end > Field.CRC) {
    const crc = fits(Field.CRC, 4)
      ? `0x${v
          .getUint32(start + Field.CRC, true)
          .toString(16)
          .padStart(8, '0')}`
      : undefined;
    out.push(span('crc32', 'crc', Field.CRC, 4, 'u32 LE, CRC-32 of bytes 29..total_len', crc));
  }
  if (end > Field.TYPE) {
    const t = bytes[start + Field.TYPE] as number;
    out.push(span('type', 'header', Field.TYPE, 1, 'u8', `${t} ${recordTypeName(t as WalRecordType) ?? '(unknown)'}`));
  }
  if (end > Field.TRACE_ID) {
    const id = fits(Field.TRACE_ID, 16) ? formatTraceId(bytes.subarray(start + 9, start + 25)) : undefined;
    out.push(span('trace_id', 'header', Field.TRACE_ID, 16, 'UUID bytes', id));
  }
  if (end > Field.NODE_ID) {
    const node = fits(Field.NODE_ID, 4) ? String(v.getUint32(start + Field.NODE_ID, true)) : undefined;
    out.push(span('node_id', 'header', Field.NODE_ID, 4, 'u32 LE', node));
  }
  if (end > HEADER_SIZE)
    out.push({
      ...span('payload', 'payload', HEADER_SIZE, end - HEADER_SIZE, 'bytes'),
      children: payloadFields(bytes, v, start, end, rel),
    });
  return out;
}

function payloadFields(
  bytes: Uint8Array,
  v: DataView,
  start: number,
  end: number,
  rel: (o: number) => number,
): FieldSpan[] {
  const out: FieldSpan[] = [];
  const P = HEADER_SIZE;
  const add = (name: string, role: FieldSpan['role'], o: number, n: number, type: string, read?: () => string) => {
    if (o >= end) return false;
    const whole = o + n <= end;
    out.push({
      name,
      role,
      offset: rel(o),
      length: Math.min(n, end - o),
      type,
      ...(whole && read ? { value: read() } : {}),
    });
    return whole;
  };
  const u64 = (o: number) => () => String(v.getBigUint64(start + o, true));
  const u32 = (o: number) => () => String(v.getUint32(start + o, true));
  add('timestamp_ns', 'payload', P + PayloadField.TIMESTAMP_NS, 8, 'u64 LE', u64(P));
  add('output_offset', 'payload', P + PayloadField.OUTPUT_OFFSET, 8, 'u64 LE', u64(P + 8));
  add('output_size', 'length', P + PayloadField.OUTPUT_SIZE, 4, 'u32 LE', u32(P + 16));
  add(
    'schema_hash',
    'payload',
    P + PayloadField.SCHEMA_HASH,
    8,
    'u64 LE',
    () => `0x${v.getBigUint64(start + P + 20, true).toString(16)}`,
  );
  add('iteration', 'payload', P + PayloadField.ITERATION, 4, 'u32 LE', u32(P + 28));
  let at = P + PayloadField.ERROR_LEN;
  for (const name of ['error', 'metadata']) {
    if (!add(`${name === 'error' ? 'error' : 'meta'}_len`, 'length', at, 4, 'u32 LE', u32(at))) return out;
    const n = v.getUint32(start + at, true);
    at += 4;
    if (n > 0) {
      const shown = Math.min(n, end - at);
      add(name, 'payload', at, n, 'UTF-8', () => utf8.decode(bytes.subarray(start + at, start + at + shown)));
      if (at + n > end) return out;
      at += n;
    }
  }
  if (at < end) add('trailing', 'trailing', at, end - at, 'bytes (ignored)');
  return out;
}
