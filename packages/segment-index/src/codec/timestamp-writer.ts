import {
  checkTimestamp,
  civilFromDays,
  daysFromCivil,
  NANOS_PER_SEC,
  SECS_PER_DAY,
  type Timestamp,
} from './timestamp.js';

/** chrono's text of a timestamp, as chrono writes it (serde's `Debug` form, AutoSi fraction, `Z`). */

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** '000' … '999': fraction digits in groups of three without per-call padding. */
const PAD3: string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** `YYYY-MM-DDTHH:MM:SS` of whole seconds since the epoch (chrono's Debug form of the date and time). */
function secondsText(secs: number, leap: boolean): string {
  const days = Math.floor(secs / SECS_PER_DAY);
  const sod = secs - days * SECS_PER_DAY;
  const [y, mo, d] = civilFromDays(days);
  const sec = (sod % 60) + (leap ? 1 : 0);
  const year = y >= 0 && y <= 9999 ? pad(y, 4) : `${y < 0 ? '-' : '+'}${pad(Math.abs(y), 4)}`;
  return `${year}-${pad(mo, 2)}-${pad(d, 2)}T${pad(Math.floor(sod / 3600), 2)}:${pad(Math.floor(sod / 60) % 60, 2)}:${pad(sec, 2)}`;
}

// Messages written together usually share their second: remember the last one's text.
let cachedSecs = Number.NaN;
let cachedText = '';

/**
 * The text chrono writes for a `DateTime<Utc>` through serde (its `Debug` form): RFC 3339 with
 * `Z`, the fraction in AutoSi style (none, 3, 6 or 9 digits), a sign on years outside 0..=9999.
 */
export function formatTimestamp(ts: Timestamp): string {
  checkTimestamp(ts);
  const secs = Number(ts.epochSeconds);
  let frac = ts.nanos;
  let text: string;
  if (frac >= NANOS_PER_SEC) {
    frac -= NANOS_PER_SEC;
    text = secondsText(secs, true);
  } else if (secs === cachedSecs) {
    text = cachedText;
  } else {
    text = secondsText(secs, false);
    cachedSecs = secs;
    cachedText = text;
  }
  if (frac === 0) return `${text}Z`;
  if (frac % 1_000_000 === 0) return `${text}.${PAD3[frac / 1_000_000]}Z`;
  const ms = Math.floor(frac / 1_000_000);
  const us = Math.floor(frac / 1000) % 1000;
  if (frac % 1000 === 0) return `${text}.${PAD3[ms]}${PAD3[us]}Z`;
  return `${text}.${PAD3[ms]}${PAD3[us]}${PAD3[frac % 1000]}Z`;
}

// The same text as bytes, for the encoder: the seconds part cached, the fraction written digit by digit.
let bytesSecs = Number.NaN;
let bytesText: Uint8Array = new Uint8Array(0);

function secondsBytes(secs: number, leap: boolean): Uint8Array {
  if (!leap && secs === bytesSecs) return bytesText;
  const t = secondsText(secs, leap);
  const b = new Uint8Array(t.length);
  for (let i = 0; i < t.length; i++) b[i] = t.charCodeAt(i);
  if (!leap) {
    bytesSecs = secs;
    bytesText = b;
  }
  return b;
}

/** Digits of chrono's AutoSi fraction for `frac` nanoseconds: 0, 3, 6 or 9. */
function fractionDigits(frac: number): number {
  return frac === 0 ? 0 : frac % 1_000_000 === 0 ? 3 : frac % 1000 === 0 ? 6 : 9;
}

/** Byte length of `formatTimestamp(ts)` (ASCII); `ts` must have passed `checkTimestamp`. */
export function timestampTextLength(ts: Timestamp): number {
  const leap = ts.nanos >= NANOS_PER_SEC;
  const frac = leap ? ts.nanos - NANOS_PER_SEC : ts.nanos;
  const digits = fractionDigits(frac);
  return secondsBytes(Number(ts.epochSeconds), leap).length + (digits === 0 ? 1 : digits + 2);
}

/** Writes `formatTimestamp(ts)` as ASCII at `out[at…]` without building a string; returns the end. */
export function writeTimestampText(ts: Timestamp, out: Uint8Array, at: number): number {
  const leap = ts.nanos >= NANOS_PER_SEC;
  const frac = leap ? ts.nanos - NANOS_PER_SEC : ts.nanos;
  const head = secondsBytes(Number(ts.epochSeconds), leap);
  for (let i = 0; i < head.length; i++) out[at++] = head[i] as number;
  const digits = fractionDigits(frac);
  if (digits > 0) {
    out[at++] = 0x2e;
    let v = digits === 3 ? frac / 1_000_000 : digits === 6 ? frac / 1000 : frac;
    for (let i = at + digits - 1; i >= at; i--) {
      out[i] = 0x30 + (v % 10);
      v = Math.floor(v / 10);
    }
    at += digits;
  }
  out[at++] = 0x5a;
  return at;
}

/** First and last second chrono prints with a plain 4-digit year (0000 ..= 9999). */
const FOUR_DIGIT_FIRST = daysFromCivil(0, 1, 1) * SECS_PER_DAY;
const FOUR_DIGIT_LAST = daysFromCivil(10000, 1, 1) * SECS_PER_DAY - 1;

/** `ddd` + `Z` as a big-endian word, for 0..999: a group of three fraction digits in one store. */
const DIGITS3_Z = Uint32Array.from(
  { length: 1000 },
  (_, i) =>
    ((0x30 + Math.floor(i / 100)) * 0x1000000 +
      (0x30 + (Math.floor(i / 10) % 10)) * 0x10000 +
      (0x30 + (i % 10)) * 0x100 +
      0x5a) >>>
    0,
);

// `YYYY-MM-DDTHH:MM:SS` of the last second written, as four big-endian words and three bytes.
let wordsSecs = Number.NaN;
let w0 = 0;
let w1 = 0;
let w2 = 0;
let w3 = 0;
let b16 = 0;
let b17 = 0;
let b18 = 0;

function cacheSecondWords(secs: number): void {
  const t = secondsText(secs, false);
  const word = (i: number) =>
    ((t.charCodeAt(i) << 24) | (t.charCodeAt(i + 1) << 16) | (t.charCodeAt(i + 2) << 8) | t.charCodeAt(i + 3)) >>> 0;
  w0 = word(0);
  w1 = word(4);
  w2 = word(8);
  w3 = word(12);
  b16 = t.charCodeAt(16);
  b17 = t.charCodeAt(17);
  b18 = t.charCodeAt(18);
  wordsSecs = secs;
}

/**
 * `writeTimestampText` for an encoder that holds a DataView over `out` (same indices) and the
 * checked seconds (`checkedSeconds`): the date-time of the last second is kept as words and
 * the fraction is written three digits per store, so a message's timestamp is ~8 stores.
 * Leap seconds and years outside 0..=9999 take the byte-by-byte path. Writes exactly the
 * text (never past its end); returns the end.
 */
export function writeTimestampWords(ts: Timestamp, secs: number, out: Uint8Array, view: DataView, at: number): number {
  const nanos = ts.nanos;
  if (nanos >= NANOS_PER_SEC || secs < FOUR_DIGIT_FIRST || secs > FOUR_DIGIT_LAST) {
    return writeTimestampText(ts, out, at);
  }
  if (secs !== wordsSecs) cacheSecondWords(secs);
  view.setUint32(at, w0);
  view.setUint32(at + 4, w1);
  view.setUint32(at + 8, w2);
  view.setUint32(at + 12, w3);
  out[at + 16] = b16;
  out[at + 17] = b17;
  out[at + 18] = b18;
  if (nanos === 0) {
    out[at + 19] = 0x5a;
    return at + 20;
  }
  out[at + 19] = 0x2e;
  // Each group's word ends in `Z`; the next group (if any) overwrites it.
  const ms = Math.floor(nanos / 1_000_000);
  const rest = nanos - ms * 1_000_000;
  view.setUint32(at + 20, DIGITS3_Z[ms] as number);
  if (rest === 0) return at + 24;
  const us = Math.floor(rest / 1000);
  const ns = rest - us * 1000;
  view.setUint32(at + 23, DIGITS3_Z[us] as number);
  if (ns === 0) return at + 27;
  view.setUint32(at + 26, DIGITS3_Z[ns] as number);
  return at + 30;
}
