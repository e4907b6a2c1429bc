import { SegCode, segError } from './errors.js';
import {
  daysFromCivil,
  daysInMonth,
  MAX_EPOCH_SECONDS,
  MAX_YEAR,
  MIN_EPOCH_SECONDS,
  MIN_YEAR,
  NANOS_PER_SEC,
  POW10,
  SECS_PER_DAY,
  type Timestamp,
} from './timestamp.js';

/**
 * Timestamp text read as chrono 0.4.23 reads it (`DateTime<Utc>` through serde: RFC 3339 with
 * its leniencies), with a fast path for the text the writer writes.
 */

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
