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
  let work = 0;
  const head = new Uint8Array(8);
  const hv = new DataView(head.buffer);
  let buf = new Uint8Array(0);
  let bufPos = 0;
  let bufLen = 0;
  const load = (pos: number, n: number): Uint8Array => {
    if (pos >= bufPos && pos + n <= bufPos + bufLen) return buf.subarray(pos - bufPos, pos - bufPos + n);
    const size = Math.max(n, Math.min(chunk, end - pos));
    if (buf.length < size) buf = new Uint8Array(size);
    bufPos = pos;
    bufLen = readFully(handle, buf, 0, size, pos);
    return buf.subarray(0, Math.min(n, bufLen));
  };
  const hs = layout.headerSize;
  for (let p = from + 1; p + layout.overhead <= end; p++) {
    const h = load(p, 8);
    if (h.length < hs) return undefined;
    head.set(h);
    const len = layout.payloadLength(hv, 0);
    if (len === 0 || len > end - p - layout.overhead) continue;
    work += len;
    if (work > WITNESS_BUDGET) return 'budget';
    const frame = load(p, layout.overhead + len);
    if (frame.length < layout.overhead + len) continue;
    const fv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    if (layout.storedCrc(fv, 0, len) === crc32(frame, hs, hs + len)) return p;
  }
  return undefined;
}
