import { SegCode, segError } from './errors.js';

/**
 * A chrono `DateTime<Utc>` without loss: whole seconds since the Unix epoch plus nanoseconds.
 * `nanos` is in [0, 1e9) except during a leap second, where chrono keeps the 60th second as
 * second 59 with `nanos` in [1e9, 2e9) — and so do we, so such values round-trip.
 */
export interface Timestamp {
  readonly epochSeconds: bigint;
  readonly nanos: number;
}

/** chrono's `NaiveDate` range: years −262144 ..= 262143. */
export const MIN_YEAR = -262144;
export const MAX_YEAR = 262143;
const NANOS_PER_SEC = 1_000_000_000;
const SECS_PER_DAY = 86_400;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm; exact in doubles here). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): [year: number, month: number, day: number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** First and last representable second (UTC) of chrono's `NaiveDateTime`. */
export const MIN_EPOCH_SECONDS = daysFromCivil(MIN_YEAR, 1, 1) * SECS_PER_DAY;
export const MAX_EPOCH_SECONDS = daysFromCivil(MAX_YEAR, 12, 31) * SECS_PER_DAY + SECS_PER_DAY - 1;

/** Milliseconds since the epoch as chrono's `timestamp_millis()` computes them (leap second included). */
export function timestampMillis(ts: Timestamp): bigint {
  return ts.epochSeconds * 1000n + BigInt(Math.floor(ts.nanos / 1_000_000));
}

/** As `timestampMillis`, as a number: exact, since |ms| < 8.3e15 < 2^53 over chrono's range. */
export function timestampMillisNumber(ts: Timestamp): number {
  return Number(ts.epochSeconds) * 1000 + Math.floor(ts.nanos / 1_000_000);
}

export function timestampFromMillis(ms: number | bigint): Timestamp {
  const b = typeof ms === 'bigint' ? ms : BigInt(ms);
  let secs = b / 1000n;
  let rem = b % 1000n;
  if (rem < 0n) {
    rem += 1000n;
    secs -= 1n;
  }
  return checkTimestamp({ epochSeconds: secs, nanos: Number(rem) * 1_000_000 });
}

/** A JS Date (millisecond precision). */
export function timestampFromDate(d: Date): Timestamp {
  const ms = d.getTime();
  if (!Number.isFinite(ms)) throw segError(SegCode.INVALID_VALUE, 'invalid Date');
  return timestampFromMillis(ms);
}

/** Throws `SEG_INVALID_VALUE` unless `ts` is a value chrono can hold and print back unchanged. */
export function checkTimestamp(ts: Timestamp): Timestamp {
  checkedSeconds(ts);
  return ts;
}

/**
 * `checkTimestamp` that returns the seconds as a number (exact: chrono's range is far below
 * 2^53), so an encoder converts the bigint once and compares numbers instead of bigints.
 */
export function checkedSeconds(ts: Timestamp): number {
  const { epochSeconds: s, nanos } = ts;
  if (typeof s !== 'bigint' || !Number.isInteger(nanos) || nanos < 0 || nanos >= 2 * NANOS_PER_SEC) {
    throw segError(SegCode.INVALID_VALUE, 'timestamp needs a bigint epochSeconds and integer nanos in [0, 2e9)');
  }
  // A bigint beyond 2^53 converts to a number beyond the range, so the check stays exact.
  const secs = Number(s);
  if (secs < MIN_EPOCH_SECONDS || secs > MAX_EPOCH_SECONDS) {
    throw segError(SegCode.INVALID_VALUE, `timestamp ${s}s is outside chrono's range (years ${MIN_YEAR}..${MAX_YEAR})`);
  }
  if (nanos >= NANOS_PER_SEC && ((secs % 60) + 60) % 60 !== 59) {
    throw segError(SegCode.INVALID_VALUE, 'a leap-second timestamp (nanos >= 1e9) must fall on second 59');
  }
  return secs;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** 10^k for k = 0..9: `10 ** k` with a variable k is a `Math.pow` call, 2/3 of a timestamp parse. */
const POW10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

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

/** Rust's `char::is_whitespace` (Unicode White_Space), which chrono's `trim_left` uses. */
function isWhitespace(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

class Reject extends Error {}
const REJECT = new Reject();

/** A cursor over the text with chrono 0.4.23's scanning primitives (`format/scan.rs`). */
class Scanner {
  i = 0;
  constructor(readonly s: string) {}
  get rest(): number {
    return this.s.length - this.i;
  }
  code(at = this.i): number {
    return this.s.charCodeAt(at);
  }
  trimLeft(): void {
    while (this.i < this.s.length && isWhitespace(this.code())) this.i++;
  }
  literal(c: string): void {
    if (this.s[this.i] !== c) throw REJECT;
    this.i++;
  }
  /** `scan::number(s, 1, max)`: 1..=max ASCII digits; a value beyond i64 is an error. */
  number(max: number): number {
    const start = this.i;
    let n = 0;
    while (this.i < this.s.length && this.i - start < max) {
      const c = this.code();
      if (c < 0x30 || c > 0x39) break;
      n = n * 10 + (c - 0x30);
      this.i++;
    }
    if (this.i === start) throw REJECT;
    // Anything this large fails later anyway (years must fit i32); reject early, as i64 overflow would.
    if (n > Number.MAX_SAFE_INTEGER) throw REJECT;
    return n;
  }
  /** `Item::Numeric`: leading whitespace skipped; a signed field takes any number of digits after a sign. */
  numeric(width: number, signed: boolean): number {
    this.trimLeft();
    if (signed && (this.s[this.i] === '-' || this.s[this.i] === '+')) {
      const neg = this.s[this.i] === '-';
      this.i++;
      const v = this.number(Number.POSITIVE_INFINITY);
      return neg ? -v : v;
    }
    return this.number(width);
  }
}

/**
 * Parses a timestamp as the original's reader does: serde's `DateTime<Utc>` deserializer calls
 * `DateTime<FixedOffset>::from_str` (chrono 0.4.23 — the build that wrote the reference files),
 * then converts to UTC. That parser is lenient: whitespace before numbers and around the offset,
 * 1-digit fields, `T` or a space, any number of fraction digits (only 9 kept), `Z`, `UTC` or a
 * `±hh[:]mm` offset, a leap second `:60`. Throws `SEG_BAD_TIMESTAMP` where chrono fails.
 */
export function parseTimestamp(text: string): Timestamp {
  const fast = parseCanonical(text);
  if (fast) return fast;
  try {
    return parseLenient(text);
  } catch (e) {
    if (e instanceof Reject) {
      throw segError(SegCode.BAD_TIMESTAMP, `timestamp ${JSON.stringify(text)} does not parse as chrono DateTime<Utc>`);
    }
    throw e;
  }
}

function parseLenient(text: string): Timestamp {
  const sc = new Scanner(text);
  // DATE_ITEMS: Year, Space, "-", Month, Space, "-", Day — then more input must follow.
  const year = sc.numeric(4, true);
  sc.trimLeft();
  sc.literal('-');
  const month = sc.numeric(2, false);
  sc.trimLeft();
  sc.literal('-');
  const day = sc.numeric(2, false);
  if (sc.rest === 0) throw REJECT; // NOT_ENOUGH
  const sep = text[sc.i];
  if (sep !== 'T' && sep !== ' ') throw REJECT;
  sc.i++;
  // TIME_ITEMS: Hour, Space, ":", Minute, Space, ":", Second, Nanosecond, Space, OffsetZ, Space.
  const hour = sc.numeric(2, false);
  sc.trimLeft();
  sc.literal(':');
  const minute = sc.numeric(2, false);
  sc.trimLeft();
  sc.literal(':');
  const second = sc.numeric(2, false);
  let nano = 0;
  if (text[sc.i] === '.') {
    sc.i++;
    const start = sc.i;
    const v = sc.number(9);
    nano = v * (POW10[9 - (sc.i - start)] as number);
    while (sc.i < text.length && sc.code() >= 0x30 && sc.code() <= 0x39) sc.i++;
  }
  sc.trimLeft();
  sc.trimLeft(); // TimezoneOffsetZ trims again before scanning
  const offset = scanOffsetZulu(sc);
  sc.trimLeft();
  if (sc.rest !== 0) throw REJECT; // TOO_LONG
  return resolve(year, month, day, hour, minute, second, nano, offset);
}

/** `scan::timezone_offset_zulu` with `colon_or_space`: `Z`, `UTC` (any case) or `±hh[:| ]*mm`. */
function scanOffsetZulu(sc: Scanner): number {
  const c = sc.s[sc.i];
  if (c === 'z' || c === 'Z') {
    sc.i++;
    return 0;
  }
  if (c === 'u' || c === 'U') {
    if (sc.rest < 3) throw REJECT;
    const b = sc.code(sc.i + 1) | 32;
    const d = sc.code(sc.i + 2) | 32;
    if (b !== 0x74 || d !== 0x63) throw REJECT;
    sc.i += 3;
    return 0;
  }
  if (c !== '+' && c !== '-') throw REJECT;
  const negative = c === '-';
  sc.i++;
  const digit = (at: number) => {
    const x = sc.code(at);
    return x >= 0x30 && x <= 0x39 ? x - 0x30 : -1;
  };
  if (sc.rest < 2) throw REJECT;
  const h1 = digit(sc.i);
  const h2 = digit(sc.i + 1);
  if (h1 < 0 || h2 < 0) throw REJECT;
  sc.i += 2;
  while (sc.i < sc.s.length && (sc.s[sc.i] === ':' || isWhitespace(sc.code()))) sc.i++;
  if (sc.rest < 2) throw REJECT;
  const m1 = digit(sc.i);
  const m2 = digit(sc.i + 1);
  if (m1 < 0 || m2 < 0 || m1 > 5) throw REJECT;
  sc.i += 2;
  const secs = (h1 * 10 + h2) * 3600 + (m1 * 10 + m2) * 60;
  return negative ? -secs : secs;
}

/** chrono's `Parsed::to_datetime` then `with_timezone(&Utc)`, failing where chrono fails. */
function resolve(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  nano: number,
  offset: number,
): Timestamp {
  if (year < MIN_YEAR || year > MAX_YEAR) throw REJECT;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) throw REJECT;
  if (hour > 23 || minute > 59 || second > 60) throw REJECT;
  if (offset <= -SECS_PER_DAY || offset >= SECS_PER_DAY) throw REJECT;
  let sec = second;
  let nanos = nano;
  if (sec === 60) {
    sec = 59;
    nanos += NANOS_PER_SEC;
  }
  const secs = daysFromCivil(year, month, day) * SECS_PER_DAY + hour * 3600 + minute * 60 + sec - offset;
  // chrono refuses (or, in some builds, panics on) a UTC instant outside its range; we refuse.
  if (secs < MIN_EPOCH_SECONDS || secs > MAX_EPOCH_SECONDS) throw REJECT;
  return { epochSeconds: BigInt(secs), nanos };
}

// Messages read together usually share their date and second: remember the last ones.
let lastDateKey = -1;
let lastDays = 0;
let lastSecs = Number.NaN;
let lastSecsBig = 0n;

/**
 * Fast path for what writers produce, straight from the bytes: `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z`
 * with a 4-digit year. Anything else (or any doubt) returns undefined, for the full
 * chrono-compatible parser.
 */
export function parseCanonicalBytes(b: Uint8Array, start: number, end: number): Timestamp | undefined {
  const n = end - start;
  if (n < 20 || b[end - 1] !== 0x5a /* Z */) return undefined;
  if (
    b[start + 4] !== 0x2d ||
    b[start + 7] !== 0x2d ||
    b[start + 10] !== 0x54 ||
    b[start + 13] !== 0x3a ||
    b[start + 16] !== 0x3a
  ) {
    return undefined;
  }
  // Digits read inline (no helper closure: a closure per call, and under tsx a `__name`
  // call per call, cost a tenth of a segment scan). A byte c is a digit iff (c - 0x30) >>> 0 <= 9.
  const y0 = (b[start] as number) - 0x30;
  const y1 = (b[start + 1] as number) - 0x30;
  const y2 = (b[start + 2] as number) - 0x30;
  const y3 = (b[start + 3] as number) - 0x30;
  const mo0 = (b[start + 5] as number) - 0x30;
  const mo1 = (b[start + 6] as number) - 0x30;
  const d0 = (b[start + 8] as number) - 0x30;
  const d1 = (b[start + 9] as number) - 0x30;
  const h0 = (b[start + 11] as number) - 0x30;
  const h1 = (b[start + 12] as number) - 0x30;
  const mi0 = (b[start + 14] as number) - 0x30;
  const mi1 = (b[start + 15] as number) - 0x30;
  const s0 = (b[start + 17] as number) - 0x30;
  const s1 = (b[start + 18] as number) - 0x30;
  if (
    y0 >>> 0 > 9 ||
    y1 >>> 0 > 9 ||
    y2 >>> 0 > 9 ||
    y3 >>> 0 > 9 ||
    mo0 >>> 0 > 9 ||
    mo1 >>> 0 > 9 ||
    d0 >>> 0 > 9 ||
    d1 >>> 0 > 9 ||
    h0 >>> 0 > 9 ||
    h1 >>> 0 > 9 ||
    mi0 >>> 0 > 9 ||
    mi1 >>> 0 > 9 ||
    s0 >>> 0 > 9 ||
    s1 >>> 0 > 9
  ) {
    return undefined;
  }
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = mo0 * 10 + mo1;
  const day = d0 * 10 + d1;
  const hour = h0 * 10 + h1;
  const minute = mi0 * 10 + mi1;
  const second = s0 * 10 + s1;
  let nano = 0;
  if (n > 20) {
    const digits = n - 21;
    if (b[start + 19] !== 0x2e || digits < 1 || digits > 9) return undefined;
    for (let i = start + 20; i < end - 1; i++) {
      const c = (b[i] as number) - 0x30;
      if (c >>> 0 > 9) return undefined;
      nano = nano * 10 + c;
    }
    nano *= POW10[9 - digits] as number;
  }
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const key = year * 10000 + month * 100 + day;
  if (key !== lastDateKey) {
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
    lastDays = daysFromCivil(year, month, day);
    lastDateKey = key;
  }
  const secs = lastDays * SECS_PER_DAY + hour * 3600 + minute * 60 + second;
  if (secs !== lastSecs) {
    lastSecs = secs;
    lastSecsBig = BigInt(secs);
  }
  return { epochSeconds: lastSecsBig, nanos: nano };
}

const scratch = new Uint8Array(40);

function parseCanonical(text: string): Timestamp | undefined {
  if (text.length > scratch.length) return undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return undefined;
    scratch[i] = c;
  }
  return parseCanonicalBytes(scratch, 0, text.length);
}

/** Whether two timestamps denote the same chrono value. */
export function timestampEquals(a: Timestamp, b: Timestamp): boolean {
  return a.epochSeconds === b.epochSeconds && a.nanos === b.nanos;
}
