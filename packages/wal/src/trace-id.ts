import { hexEncode } from '@logspec/core';
import { WalCode, walError } from './errors.js';

/**
 * Trace ids are UUIDs stored as their 16 bytes in RFC 4122 (big-endian, string) order,
 * which is what `uuid::Uuid::as_bytes` gives. The API speaks the dashed lowercase form;
 * the canonical JSON uses the 32 hex digits without dashes.
 */
export type TraceIdInput = string | Uint8Array;

/** Nibble value of an ASCII hex digit, -1 for anything else. */
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

/**
 * Parses a dashed (`8-4-4-4-12`) or plain (32 hex digits) UUID string into `out[at…at+16)`;
 * false if it is neither. One pass over the characters, no allocation: the writer calls it
 * for every record.
 */
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

/** The 16 stored bytes of a trace id (a fresh array). */
export function traceIdBytes(id: TraceIdInput): Uint8Array {
  if (id instanceof Uint8Array) {
    if (id.length !== 16) badTraceId(id);
    return id.slice();
  }
  const out = new Uint8Array(16);
  if (typeof id !== 'string' || !parseInto(id, out, 0)) badTraceId(id);
  return out;
}

/** The 32 lowercase hex digits of a trace id given in any accepted form. */
export function traceIdHex(id: TraceIdInput): string {
  return hexEncode(traceIdBytes(id));
}

/** `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, lowercase. */
export function formatTraceId(id: TraceIdInput): string {
  return traceIdAt(traceIdBytes(id), 0);
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Dashed form of the 16 bytes at `bytes[at…]` (caller has checked they are there). */
export function traceIdAt(bytes: Uint8Array, at: number): string {
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[bytes[at + i] as number];
  }
  return s;
}
