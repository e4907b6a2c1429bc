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

/** Value of the 4 hex digits at `s[at…at+4)`; negative if one is not a hex digit. */
function hex4(s: string, at: number): number {
  const a = s.charCodeAt(at);
  const b = s.charCodeAt(at + 1);
  const c = s.charCodeAt(at + 2);
  const d = s.charCodeAt(at + 3);
  if ((a | b | c | d) > 127) return -1;
  // A -1 nibble sets the sign bit whatever it is shifted by here, so one test covers all four.
  return (
    ((NIBBLE[a] as number) << 12) | ((NIBBLE[b] as number) << 8) | ((NIBBLE[c] as number) << 4) | (NIBBLE[d] as number)
  );
}

/**
 * Parses a trace id into `words` as four big-endian 32-bit words (bytes 0–3, 4–7, 8–11,
 * 12–15); false if it is neither 16 bytes, nor a dashed (`8-4-4-4-12`) or plain (32 hex
 * digits) UUID string. No allocation and no intermediate bytes: the writer calls it for every
 * record and stores the words straight into its buffer.
 */
export function traceIdWords(id: TraceIdInput, words: Int32Array): boolean {
  if (typeof id === 'string') {
    let a: number;
    let b: number;
    let c: number;
    let d: number;
    let e: number;
    let f: number;
    let g: number;
    let h: number;
    if (id.length === 36) {
      if (id.charCodeAt(8) !== 45 || id.charCodeAt(13) !== 45 || id.charCodeAt(18) !== 45 || id.charCodeAt(23) !== 45)
        return false;
      a = hex4(id, 0);
      b = hex4(id, 4);
      c = hex4(id, 9);
      d = hex4(id, 14);
      e = hex4(id, 19);
      f = hex4(id, 24);
      g = hex4(id, 28);
      h = hex4(id, 32);
    } else if (id.length === 32) {
      a = hex4(id, 0);
      b = hex4(id, 4);
      c = hex4(id, 8);
      d = hex4(id, 12);
      e = hex4(id, 16);
      f = hex4(id, 20);
      g = hex4(id, 24);
      h = hex4(id, 28);
    } else return false;
    if ((a | b | c | d | e | f | g | h) < 0) return false;
    words[0] = (a << 16) | b;
    words[1] = (c << 16) | d;
    words[2] = (e << 16) | f;
    words[3] = (g << 16) | h;
    return true;
  }
  if (!(id instanceof Uint8Array) || id.length !== 16) return false;
  for (let i = 0; i < 4; i++) {
    const k = 4 * i;
    words[i] =
      ((id[k] as number) << 24) | ((id[k + 1] as number) << 16) | ((id[k + 2] as number) << 8) | (id[k + 3] as number);
  }
  return true;
}

const scratchWords = new Int32Array(4);

/**
 * A memo of recently parsed trace id strings (their words, and whether the string is already
 * the canonical dashed lowercase form), direct-mapped by a few of their characters. An engine
 * passes the same few ids (one per running workflow) with every record it builds and writes,
 * and parsing one (32 `charCodeAt`s) costs about as much as encoding the rest of a record's
 * fixed fields. A hit costs 4 `charCodeAt`s and one string compare (a pointer compare when it
 * is the same string); a miss costs that on top of the parse, and no hashing or allocation
 * (a `Map` here made every miss twice as dear as the parse). Strings are immutable, so an
 * entry cannot go stale.
 */
const MEMO_SLOTS = 256;
const memoIds: (string | undefined)[] = new Array<string | undefined>(MEMO_SLOTS).fill(undefined);
const memoWords = new Int32Array(4 * MEMO_SLOTS);
const UNKNOWN = 0;
const CANONICAL = 1;
const NOT_CANONICAL = 2;
const memoForm = new Uint8Array(MEMO_SLOTS);

/** The memo slot of a valid id string (parsed and stored there on a miss), or -1 if it is not an id. */
function slotOf(id: string): number {
  const n = id.length;
  if (n !== 36 && n !== 32) return -1;
  // The last two digits and two near the start: enough to spread both random (v4) ids and
  // ids that count in either end.
  const slot =
    (((id.charCodeAt(n - 1) * 31 + id.charCodeAt(n - 2)) * 31 + id.charCodeAt(6)) * 31 + id.charCodeAt(7)) &
    (MEMO_SLOTS - 1);
  if (memoIds[slot] === id) return slot;
  if (!traceIdWords(id, scratchWords)) return -1;
  memoIds[slot] = id;
  const at = 4 * slot;
  memoWords[at] = scratchWords[0] as number;
  memoWords[at + 1] = scratchWords[1] as number;
  memoWords[at + 2] = scratchWords[2] as number;
  memoWords[at + 3] = scratchWords[3] as number;
  memoForm[slot] = UNKNOWN;
  return slot;
}

/** `traceIdWords`, through the memo of recent id strings. */
export function traceIdWordsCached(id: TraceIdInput, words: Int32Array): boolean {
  if (typeof id !== 'string') return traceIdWords(id, words);
  const slot = slotOf(id);
  if (slot < 0) return false;
  const at = 4 * slot;
  words[0] = memoWords[at] as number;
  words[1] = memoWords[at + 1] as number;
  words[2] = memoWords[at + 2] as number;
  words[3] = memoWords[at + 3] as number;
  return true;
}

/** Throws the typed error for a trace id `traceIdWords` refused. */
export function badTraceId(id: unknown): never {
  const shown = id instanceof Uint8Array ? `${id.length} bytes` : String(id);
  throw walError(WalCode.INVALID_FIELD, `trace id must be a UUID string or 16 bytes: ${shown}`, undefined, {
    field: 'traceId',
  });
}

/** The 16 stored bytes of a trace id (a fresh array). */
export function traceIdBytes(id: TraceIdInput): Uint8Array {
  if (!traceIdWords(id, scratchWords)) badTraceId(id);
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = (scratchWords[i >> 2] as number) >>> (24 - 8 * (i & 3));
  return out;
}

/** The 32 lowercase hex digits of a trace id given in any accepted form. */
export function traceIdHex(id: TraceIdInput): string {
  return hexEncode(traceIdBytes(id));
}

/**
 * `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, lowercase. A string already in that form is
 * returned as it is (the record builders call this for every record they make).
 */
export function formatTraceId(id: TraceIdInput): string {
  if (typeof id !== 'string') {
    if (!traceIdWords(id, scratchWords)) badTraceId(id);
    return dashedOf(scratchWords, 0);
  }
  const slot = slotOf(id);
  if (slot < 0) badTraceId(id);
  const form = memoForm[slot];
  if (form === CANONICAL) return id;
  const dashed = dashedOf(memoWords, 4 * slot);
  if (form === UNKNOWN) memoForm[slot] = dashed === id ? CANONICAL : NOT_CANONICAL;
  return dashed === id ? id : dashed;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Dashed form of the trace id held as four big-endian words at `words[at…at+4)`. */
function dashedOf(words: Int32Array, at: number): string {
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[((words[at + (i >> 2)] as number) >>> (24 - 8 * (i & 3))) & 0xff];
  }
  return s;
}

/** Dashed form of the 16 bytes at `bytes[at…]` (caller has checked they are there). */
export function traceIdAt(bytes: Uint8Array, at: number): string {
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[bytes[at + i] as number];
  }
  return s;
}
