import { utf8ValidUpTo } from '@logspec/core';
import { INLINE_CAPACITY, isOutOfLine, outOfLineLength, ROOT_SIZE } from './archive-layout.js';
import { asciiEnd, viewOf } from './archive-strings.js';
import { encodeRecord } from './archive-write.js';
import { HotCode, hotlogError } from './codes.js';
import type { HotEventRecord } from './record.js';

/**
 * Validates the archive `b[start, end)` as rkyv 0.8's `access::<ArchivedHotEventRecord>` does,
 * without building anything: one pass in rkyv's order (struct fields in declaration order; per
 * string: the representation, then the body's range, then UTF-8), so the first error thrown is
 * the one rkyv meets (HOT-R-010…017). Errors are at `errBase + index`.
 *
 * Answers a mask of the 7 string fields (bit k: field k of `STRING_FIELDS` is ASCII or absent),
 * which tells the string readers where they may skip TextDecoder. UTF-8 is checked eight bytes
 * at a time for ASCII, and byte by byte (core's `utf8ValidUpTo`) only from the first high byte.
 *
 * `bodiesUtf8 = false` leaves out-of-line bodies unchecked (their mask bits then say 1): only for
 * a caller that proves them ASCII itself and, on any error or doubt, runs the full check again
 * (its first error is then rkyv's).
 *
 * Out-of-line bodies must lie in `[claimed, root)`: rkyv's validator narrows the range it hands
 * out to the bytes before the root and advances its start past each body it checks, so bodies
 * must appear in field order, without overlapping.
 */
export function checkArchive(
  b: Uint8Array,
  start: number,
  end: number,
  position: number,
  errBase: number,
  bodiesUtf8 = true,
): number {
  const len = end - start;
  if (!(len >= ROOT_SIZE && start >= 0 && end <= b.length)) {
    if (len >= ROOT_SIZE) {
      throw hotlogError(HotCode.ARCHIVE_TOO_SHORT, 'archive window outside the buffer', errBase + start);
    }
    throw hotlogError(
      HotCode.ARCHIVE_TOO_SHORT,
      `archive of ${len} bytes is shorter than its 192-byte root`,
      errBase + start,
      { length: len },
    );
  }
  const root = end - ROOT_SIZE;
  if (((position + len - ROOT_SIZE) & 7) !== 0) {
    throw hotlogError(HotCode.ARCHIVE_MISALIGNED, 'root is not 8-aligned where the archive lies', errBase + root, {
      rootPosition: position + len - ROOT_SIZE,
    });
  }
  const v = viewOf(b);
  claimed = start;
  rootAt = root;
  base = errBase;
  bodies.contiguous = true;
  checkBodies = bodiesUtf8;
  // Every tag 0 or 1 (the usual case): only strings can fail, in field order.
  const tags =
    (b[root + 24] as number) |
    (b[root + 44] as number) |
    (b[root + 56] as number) |
    (b[root + 68] as number) |
    (b[root + 76] as number) |
    (b[root + 84] as number) |
    (b[root + 96] as number) |
    (b[root + 112] as number) |
    (b[root + 124] as number) |
    (b[root + 132] as number) |
    (b[root + 140] as number) |
    (b[root + 144] as number) |
    (b[root + 152] as number) |
    (b[root + 160] as number) |
    (b[root + 168] as number) |
    (b[root + 176] as number);
  let ascii: number;
  if (tags <= 1) {
    ascii =
      checkString(b, v, root) |
      (checkString(b, v, root + 28) << 1) |
      (checkString(b, v, root + 36) << 2) |
      ((b[root + 44] === 1 ? checkString(b, v, root + 48) : 1) << 3) |
      ((b[root + 56] === 1 ? checkString(b, v, root + 60) : 1) << 4) |
      ((b[root + 112] === 1 ? checkString(b, v, root + 116) : 1) << 5) |
      (checkString(b, v, root + 184) << 6);
  } else {
    ascii = checkInOrder(b, v, root);
  }
  bodies.end = claimed;
  return ascii;
}

/**
 * What the last {@link checkArchive} saw of the out-of-line bodies: whether each began where the
 * previous one ended (the first at the archive's start), and where the last ended. Canonical
 * archives are contiguous, so their bodies can be decoded in one call.
 */
export const bodies = { contiguous: true, end: 0 };

/** The same checks with every tag checked in its place (some tag is not 0 or 1). */
function checkInOrder(b: Uint8Array, v: DataView, root: number): number {
  let ascii = checkString(b, v, root);
  const exact = b[root + 24] as number;
  if (exact > 1) fail(HotCode.BAD_BOOL, `ts_exact byte is ${exact}, not 0 or 1`, root + 24, { value: exact });
  ascii |= checkString(b, v, root + 28) << 1;
  ascii |= checkString(b, v, root + 36) << 2;
  ascii |= (tag(b, root + 44) ? checkString(b, v, root + 48) : 1) << 3;
  ascii |= (tag(b, root + 56) ? checkString(b, v, root + 60) : 1) << 4;
  tag(b, root + 68);
  tag(b, root + 76);
  tag(b, root + 84);
  tag(b, root + 96);
  ascii |= (tag(b, root + 112) ? checkString(b, v, root + 116) : 1) << 5;
  tag(b, root + 124);
  tag(b, root + 132);
  tag(b, root + 140);
  tag(b, root + 144);
  tag(b, root + 152);
  tag(b, root + 160);
  tag(b, root + 168);
  tag(b, root + 176);
  return ascii | (checkString(b, v, root + 184) << 6);
}

/** Start of the bytes a string body may still claim; the root; the error offset base. */
let claimed = 0;
let rootAt = 0;
let base = 0;
let checkBodies = true;

function fail(code: HotCode, message: string, at: number, details?: Record<string, unknown>): never {
  throw hotlogError(code, message, base + at, details);
}

function tag(b: Uint8Array, at: number): boolean {
  const t = b[at] as number;
  if (t > 1) fail(HotCode.BAD_OPTION_TAG, `option tag is ${t}, not 0 or 1`, at, { value: t });
  return t === 1;
}

/** Checks the string whose 8-byte field is at `at`; 1 if it is ASCII, else 0. */
function checkString(b: Uint8Array, v: DataView, at: number): number {
  if (!isOutOfLine(b[at] as number)) {
    // The string ends at the first byte with its top bit set if that byte is FF: then it is
    // ASCII. Any other high byte means UTF-8 to check.
    const lo = v.getInt32(at, true);
    let high = lo & 0x80808080;
    let n = 0;
    if (high === 0) {
      high = v.getInt32(at + 4, true) & 0x80808080;
      n = 4;
    }
    if (high === 0) return 1;
    n += (31 - Math.clz32(high & -high)) >> 3;
    if (b[at + n] === 0xff) return 1;
    while (n < INLINE_CAPACITY && b[at + n] !== 0xff) n++;
    if (utf8ValidUpTo(b.subarray(at, at + n)) !== n) {
      fail(HotCode.BAD_UTF8, 'string is not valid UTF-8', at, { length: n });
    }
    return 0;
  }
  const n = outOfLineLength(v.getUint32(at, true));
  if (n <= INLINE_CAPACITY) {
    fail(HotCode.STRING_REPR, `out-of-line string of ${n} bytes (must be inline)`, at, { length: n });
  }
  const body = at + v.getInt32(at + 4, true);
  if (body !== claimed) bodies.contiguous = false;
  if (body < claimed || body + n > rootAt) {
    fail(HotCode.STRING_OUT_OF_RANGE, 'string body outside the bytes it may claim', at, {
      body: base + body,
      length: n,
      rangeStart: base + claimed,
      rangeEnd: base + rootAt,
    });
  }
  claimed = body + n;
  if (!checkBodies) return 1;
  const e = body + n;
  const i = asciiEnd(b, v, body, e);
  if (i === e) return 1;
  // ASCII bytes are whole characters, so the check may start at the first high byte.
  if (utf8ValidUpTo(b.subarray(i, e)) !== e - i) {
    fail(HotCode.BAD_UTF8, 'string is not valid UTF-8', body, { length: n });
  }
  return 0;
}

/** Strict mode: the archive must be the one logspec writes for `rec` (HOT-R-018). */
export function checkCanonical(
  rec: HotEventRecord,
  bytes: Uint8Array,
  start: number,
  end: number,
  errBase: number,
): void {
  const canon = encodeRecord(rec);
  const n = end - start;
  const m = Math.min(n, canon.length);
  let i = 0;
  while (i < m && bytes[start + i] === canon[i]) i++;
  if (i < m || n !== canon.length) {
    throw hotlogError(HotCode.NONCANONICAL, 'archive is valid but not canonical', errBase + start + i, {
      length: n,
      canonicalLength: canon.length,
    });
  }
}
