import { crc32, type FileHandle, readFully } from '@logspec/core';
import { type FrameLayout, hotLayout } from '../framing/layout.js';

/** How much CRC work the witness search may do before it assumes valid frames could follow. */
export const WITNESS_BUDGET = 64 << 20;

/**
 * Looks for a "witness" after a bad frame at `from`: a complete, CRC-valid frame with a
 * non-empty payload starting at any byte offset in `(from, end - 8]`. A torn tail left by a
 * crash (a cut write, or bytes a crash appended) has none, except with probability ~2^-32
 * per candidate; bit rot in the middle of a log usually leaves the later frames intact, so
 * they witness that cutting at `from` would lose records. Empty frames do not count: eight
 * zero bytes are a valid empty frame (CRC-32 of nothing is 0), and file systems zero-fill.
 *
 * Returns the witness's offset, `undefined` if there is none, or `'budget'` when the search
 * gave up (treated as "there may be one"). `layout` says where a frame keeps its length and
 * CRC (default: the hot log's; the segment log passes `segmentLayout`).
 */
export function findWitness(
  handle: FileHandle,
  from: number,
  end: number,
  chunk = 1 << 20,
  layout: FrameLayout = hotLayout,
): number | 'budget' | undefined {
  const r = searchWitness(handle, from, end, layout, WITNESS_BUDGET, chunk);
  return r.gaveUp ? 'budget' : r.at;
}

/** What `searchWitness` found, and the CRC work it did (bytes checksummed). */
export interface WitnessSearch {
  at: number | undefined;
  gaveUp: boolean;
  work: number;
}

/**
 * `findWitness` with the CRC budget as an argument and the work done in the result, so that a
 * scan searching after several damaged regions can share one budget (and stay linear).
 */
export function searchWitness(
  handle: FileHandle,
  from: number,
  end: number,
  layout: FrameLayout,
  budget: number,
  chunk = 1 << 20,
): WitnessSearch {
  let work = 0;
  const hs = layout.headerSize;
  const ov = layout.overhead;
  let buf = new Uint8Array(Math.max(ov, Math.min(chunk, Math.max(0, end - from))));
  let view = new DataView(buf.buffer);
  /** File position of `buf[0]`, and how many bytes of it are loaded. */
  let bufPos = 0;
  let bufLen = 0;
  const fill = (pos: number, need: number): void => {
    const size = Math.max(need, Math.min(chunk, end - pos));
    if (buf.length < size) {
      buf = new Uint8Array(size);
      view = new DataView(buf.buffer);
    }
    bufPos = pos;
    bufLen = readFully(handle, buf, 0, size, pos);
  };
  // Every byte offset is a candidate; reading the length straight from the buffer keeps a
  // search over a long zero-filled run at a few nanoseconds per byte.
  for (let p = from + 1; p + ov <= end; p++) {
    if (p < bufPos || p + hs > bufPos + bufLen) {
      fill(p, hs);
      if (bufLen < hs) break;
    }
    const len = layout.payloadLength(view, p - bufPos);
    if (len === 0 || len > end - p - ov) continue;
    work += len;
    if (work > budget) return { at: undefined, gaveUp: true, work };
    if (p + ov + len > bufPos + bufLen) {
      fill(p, ov + len);
      if (bufLen < ov + len) continue;
    }
    const at = p - bufPos;
    if (layout.storedCrc(view, at, len) === crc32(buf, at + hs, at + hs + len)) return { at: p, gaveUp: false, work };
  }
  return { at: undefined, gaveUp: false, work };
}
