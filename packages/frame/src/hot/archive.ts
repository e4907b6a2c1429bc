import { bodies, checkArchive, checkCanonical } from './archive-check.js';
import { readRecord } from './archive-fields.js';
import { ROOT_SIZE } from './archive-layout.js';
import { asciiEnd, asciiText, viewOf } from './archive-strings.js';
import type { HotEventRecord } from './record.js';

/**
 * The rkyv 0.8 archive of kaizen's `HotEventRecord` (little-endian, aligned, 32-bit relative
 * pointers), byte for byte: out-of-line string bodies first in field order, zero padding to 8,
 * then the 192-byte `repr(C)` root. See `spec/hotlog.md` §4 for the table. This module decodes
 * it eagerly; `./view.ts` gives a lazy view over a validated archive instead.
 */
export { INLINE_CAPACITY, MAX_STRING_BYTES, ROOT_OFFSETS, ROOT_SIZE } from './archive-layout.js';
export { encodeRecord, encodeRecordInto, maxArchiveSize } from './archive-write.js';

/** Bodies up to this many bytes in all are cheaper to turn into strings one by one. */
const SHORT_BODIES = 16;

export interface DecodeRecordOptions {
  /**
   * File position of the archive's first byte, for the alignment rule: rkyv checks the root's
   * alignment at its address, and the hot log is read through a page-aligned mmap, so the
   * root must be 8-aligned in the file. Default 0 (an archive standing alone is 8-aligned).
   */
  position?: number;
  /** Added to error offsets (default: `position`, so offsets are file positions). */
  baseOffset?: number;
  /**
   * `original` (default): accept exactly what rkyv 0.8's `access` accepts. `strict`: also
   * require the canonical bytes (those {@link encodeRecord} writes for the decoded record).
   */
  mode?: 'original' | 'strict';
}

/** Validates and decodes one archive (`bytes[start, end)`), answering HOT_… errors where rkyv refuses. */
export function decodeRecord(bytes: Uint8Array, opts: DecodeRecordOptions = {}): HotEventRecord {
  return decodeRecordAt(bytes, 0, bytes.length, opts);
}

/**
 * Validates and decodes the archive `bytes[start, end)`, every string decoded. The checks and
 * errors are `checkArchive`'s (as for `accessRecord`); only their order of work differs: a first
 * pass checks everything but the UTF-8 of out-of-line bodies, then one fatal decode of the
 * bodies (when they lie back to back from the start, as a canonical archive's do) proves them
 * ASCII and yields every out-of-line string as a slice. Anything else — non-ASCII bodies, gaps,
 * any error — gets the full pass, whose first error is the one rkyv meets.
 */
export function decodeRecordAt(
  bytes: Uint8Array,
  start: number,
  end: number,
  opts: DecodeRecordOptions = {},
): HotEventRecord {
  const position = opts.position ?? 0;
  const errBase = (opts.baseOffset ?? position) - start;
  let ascii: number;
  try {
    ascii = checkArchive(bytes, start, end, position, errBase, false);
  } catch (e) {
    // An earlier body may hold bad UTF-8, which rkyv would meet first.
    checkArchive(bytes, start, end, position, errBase);
    throw e;
  }
  const v = viewOf(bytes);
  // A few short bodies: a scan, then one string call each is cheaper than one decode.
  let text: string | undefined;
  if (!bodies.contiguous) {
    ascii = checkArchive(bytes, start, end, position, errBase);
  } else if (bodies.end - start > SHORT_BODIES) {
    text = asciiText(bytes, start, bodies.end);
    if (text === undefined) ascii = checkArchive(bytes, start, end, position, errBase);
  } else if (asciiEnd(bytes, v, start, bodies.end) !== bodies.end) {
    ascii = checkArchive(bytes, start, end, position, errBase);
  }
  const rec = readRecord(bytes, v, start, end - ROOT_SIZE, ascii, text);
  if (opts.mode === 'strict') checkCanonical(rec, bytes, start, end, errBase);
  return rec;
}
