import { equalBytes, type FileHandle, type Fs, readFully } from '@logspec/core';
import { RingCode, ringError } from '../errors.js';
import { decodeHeader, nextSlotOf, type RingHeader } from '../header.js';
import { HEADER_BYTES, ringFileLength } from '../layout.js';
import { type ReplayOptions, type RingContents, type RingGeometry, readRing } from '../ring.js';

/** How many pairs of whole-ring reads a `consistent` read makes at most before it gives up (RING-R-015). */
export const CONSISTENT_READ_PAIRS = 8;

export interface RingReadOptions extends ReplayOptions {
  /**
   * The file may be written while it is read (a writer appending in another process): read the
   * header and every slot twice in a row, until the two reads are byte-identical, and answer
   * that image (RING-R-015). Gives up with `RING_READ_UNSTABLE` after `CONSISTENT_READ_PAIRS` pairs.
   */
  consistent?: boolean;
}

/** A ring file's bytes as read, bounded by its size: nothing is allocated for slots the file lacks. */
export interface RingImage {
  header: RingHeader;
  /** The file's size. */
  size: number;
  /**
   * The file's bytes `[0, min(size, 32 + 64·capacity))`: the whole ring, or, for a file shorter
   * than its capacity needs, only the bytes it has (`readRing` of it reports `RING_SHORT_FILE`).
   */
  image: Uint8Array;
  /** True when `image` holds every slot (the file is not short). */
  whole: boolean;
  geometry: RingGeometry;
}

function sleepMs(ms: number): void {
  // Synchronous by design (Fs is synchronous): a short pause lets a writer finish its append.
  // A browser's main thread may not wait; there the next read simply follows at once.
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  } catch {
    // no blocking wait here
  }
}

/** One read of the ring's bytes that the header (as read now) covers, bounded by the file's size. */
function readOnce(h: FileHandle, size: number, opts: ReplayOptions, into?: Uint8Array): RingImage {
  const head = new Uint8Array(Math.min(size, HEADER_BYTES));
  readFully(h, head, 0, head.length, 0);
  const header = decodeHeader(head, opts);
  const need = ringFileLength(header.capacity);
  // The capacity was checked (≤ 1,048,576) and the buffer is never larger than the file.
  const len = Math.min(size, need);
  const buf = into && into.length === len ? into : new Uint8Array(len);
  const got = readFully(h, buf, 0, len, 0);
  const image = got === len ? buf : buf.subarray(0, got);
  // Decode the header from the same read as the slots, so both describe one moment.
  const same = decodeHeader(image, opts);
  return {
    header: same,
    size,
    image,
    whole: image.length >= need && same.capacity === header.capacity,
    geometry: { capacity: same.capacity, nextSlot: nextSlotOf(same) },
  };
}

/**
 * Reads a ring file's header and slots without opening it for writing (no lock, no recovery
 * writes), allocating at most the file's size (never what a header claims: a 288-byte file
 * whose header says 1,048,576 slots costs 288 bytes). With `consistent`, reads until two reads
 * agree (RING-R-015).
 */
export function readRingImage(fs: Fs, path: string, opts: RingReadOptions = {}): RingImage {
  const h = fs.open(path);
  try {
    const size = h.size();
    let first = readOnce(h, size, opts);
    if (!opts.consistent) return first;
    // Pairs of back-to-back reads; a pause between pairs lets a writer finish what it is doing.
    for (let pair = 0; ; pair++) {
      const second = readOnce(h, size, opts);
      if (equalBytes(first.image, second.image)) return second;
      if (pair + 1 >= CONSISTENT_READ_PAIRS) break;
      sleepMs(1 + pair);
      first = readOnce(h, size, opts, first.image.length === second.image.length ? first.image : undefined);
    }
    throw ringError(
      RingCode.READ_UNSTABLE,
      `${path} changed between the two reads of each of ${CONSISTENT_READ_PAIRS} tries (a writer is appending without pause)`,
      undefined,
      { pairs: CONSISTENT_READ_PAIRS },
    );
  } finally {
    h.close();
  }
}

/**
 * Reads a ring file as the original's `open` + `replay_all` would read it: header, then every
 * slot in ring order (a short file is `RING_SHORT_FILE` at its first missing slot in ring
 * order). Allocates at most the file's size. With `consistent`, safe while a writer appends
 * (RING-R-015).
 */
export function readRingFile(fs: Fs, path: string, opts: RingReadOptions = {}): RingContents {
  return readRing(readRingImage(fs, path, opts).image, opts);
}
