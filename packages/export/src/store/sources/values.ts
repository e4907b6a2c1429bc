import type { BytesColumn, NumberColumn } from '../../columns.js';

/**
 * Value conversions shared by the sources: UUID text, lossy UTF-8, and the nullable timestamp
 * columns (a stored u64 time that int64 cannot hold is null in `time`, never wrapped).
 */

/** Whether `bytes[start, end)` is valid UTF-8 (ASCII checked in a loop, the rest by TextDecoder). */
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
export function isUtf8(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  for (let i = start; i < end; i++) {
    if ((bytes[i] as number) >= 0x80) {
      try {
        strict.decode(bytes.subarray(start, end));
        return true;
      } catch {
        return false;
      }
    }
  }
  return true;
}

const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** The 16 bytes at `at` as a dashed lower-case UUID (36 ASCII bytes), written into the column in place. */
export function appendUuid(col: BytesColumn, bytes: Uint8Array, at: number): void {
  let w = col.reserve(36);
  const out = col.buffer;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out[w++] = 45;
    const b = bytes[at + i] as number;
    out[w++] = HEX_DIGITS[b >> 4] as number;
    out[w++] = HEX_DIGITS[b & 15] as number;
  }
  col.commit(36);
}

/** A u64 nanosecond time (two words) into a nullable `timestamp[ns]` column: null from 2^63 on. */
export function nsTimeWords(col: NumberColumn, lo: number, hi: number): void {
  if (hi >= 0x80000000) col.appendNull();
  else col.appendWords(lo, hi);
}

/** Largest millisecond time JavaScript's Date (and so the NDJSON rendering) can show: year 275760. */
export const MAX_DATE_MS = 8_640_000_000_000_000n;

/** A u64 millisecond time into a nullable `timestamp[ms]` column: null past year 275760. */
export function msTime(col: NumberColumn, ms: bigint): void {
  if (ms > MAX_DATE_MS || ms < -MAX_DATE_MS) col.appendNull();
  else col.appendBigInt(ms);
}

/** Nanoseconds into a nullable `timestamp[ns]` column: null outside int64. */
export function nsTime(col: NumberColumn, ns: bigint | null): void {
  if (ns === null || ns >= 1n << 63n || ns < -(1n << 63n)) col.appendNull();
  else col.appendBigInt(ns);
}

/** An error's message without the " (at byte N)" its class appends (rows carry the offset). */
export function plainMessage(e: { message: string; offset?: number | undefined }): string {
  return e.offset === undefined ? e.message : e.message.replace(` (at byte ${e.offset})`, '');
}
