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
export const NANOS_PER_SEC = 1_000_000_000;
export const SECS_PER_DAY = 86_400;

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

export function daysInMonth(y: number, m: number): number {
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

/** 10^k for k = 0..9: `10 ** k` with a variable k is a `Math.pow` call, 2/3 of a timestamp parse. */
export const POW10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000];

/** Whether two timestamps denote the same chrono value. */
export function timestampEquals(a: Timestamp, b: Timestamp): boolean {
  return a.epochSeconds === b.epochSeconds && a.nanos === b.nanos;
}
