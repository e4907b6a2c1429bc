import { ARENA_SCAN_FROM, type CrcArena, createCrcArena, type FileHandle, readFully } from '@logspec/core';
import { type FrameLayout, type FrameVisitor, type ScanStop, scanFrames } from './layout.js';

/** Default read size of {@link scanFileFrames}: large reads amortise the syscall. */
export const DEFAULT_SCAN_CHUNK = 1 << 20;

export interface FileScanOptions {
  /** File position of the first frame (default 0). */
  start?: number;
  /** Scan up to here (default: the file's size when the scan starts). */
  end?: number;
  /** Bytes per read (default 1 MiB). A larger frame gets a buffer of its own size. */
  chunkSize?: number;
  /** Check each frame's CRC (default true). */
  verifyCrc?: boolean;
  /** Reuse this buffer for reads (must be at least 1 byte; grown privately if a frame needs more). */
  buffer?: Uint8Array;
  /**
   * Reuse this CRC arena for reads (its bytes are the buffer; `buffer` is then ignored). By
   * default a scan of at least `ARENA_SCAN_FROM` bytes in chunks of at least a quarter of that
   * reads into an arena of its own, so every CRC is checked in place; shorter scans and
   * small-chunk reads use a plain buffer.
   */
  arena?: CrcArena;
  /**
   * Read every chunk into a buffer of its own that is never written again, so the visitor may
   * keep views of `bytes` (a reader that returns every payload keeps views, not copies). No
   * arena then: each chunk's CRCs go through core's `crc32`. `buffer` and `arena` are ignored.
   */
  retain?: boolean;
}

/**
 * Scans the frames of a file synchronously through `FileHandle.read`, in large chunks. A frame
 * cut by a chunk boundary is completed by moving only its own bytes to the buffer's start and
 * reading on; a frame larger than the buffer gets one buffer of exactly its size, allocated
 * only after its length was checked against the file's end. Offsets in the visitor and the
 * result are file positions; the visitor's `bytes` is the read buffer (reused: copy what you keep).
 */
export function scanFileFrames(
  handle: FileHandle,
  layout: FrameLayout,
  visit: FrameVisitor,
  opts: FileScanOptions = {},
): ScanStop {
  const start = opts.start ?? 0;
  let end = opts.end ?? handle.size();
  if (end <= start) return { reason: 'end', offset: start };
  const chunkSize = Math.max(opts.chunkSize ?? DEFAULT_SCAN_CHUNK, layout.overhead);
  let arena: CrcArena | undefined;
  let buf: Uint8Array;
  const size = Math.min(chunkSize, end - start);
  const retain = opts.retain === true;
  const own = !retain && opts.buffer && opts.buffer.length >= layout.overhead ? opts.buffer : undefined;
  if (retain) arena = undefined;
  else if (opts.arena && opts.arena.bytes.length >= layout.overhead) arena = opts.arena;
  // A long range read in large chunks is a scan that earns back an arena's creation; a read
  // that asks for small chunks (a read by offset with a byte budget) stops early and would not.
  else if (!own && end - start >= ARENA_SCAN_FROM && size >= ARENA_SCAN_FROM / 4) arena = createCrcArena(size);
  if (arena) buf = arena.bytes;
  else buf = own ?? new Uint8Array(size);
  const verifyCrc = opts.verifyCrc ?? true;
  /** File position of `buf[0]`. */
  let bufPos = start;
  let filled = 0;
  for (;;) {
    const want = Math.min(buf.length - filled, end - (bufPos + filled));
    if (want > 0) {
      const got = readFully(handle, buf, filled, want, bufPos + filled);
      filled += got;
      // The file shrank under us: what is there is all there is.
      if (got < want) end = bufPos + filled;
    }
    const stop = scanFrames(layout, buf, 0, filled, visit, { baseOffset: bufPos, verifyCrc, arena });
    if (stop.reason !== 'torn' && stop.reason !== 'end') return stop;
    const atEof = bufPos + filled >= end;
    if (stop.reason === 'end') {
      if (atEof) return stop;
      bufPos += filled;
      filled = 0;
      if (retain) buf = new Uint8Array(Math.min(chunkSize, end - bufPos));
      continue;
    }
    // Torn inside the buffer: either the file really ends inside this frame, or the frame
    // continues in bytes not read yet.
    const frameAt = stop.offset;
    const available = end - frameAt;
    if (atEof || stop.needed > available) {
      return { reason: 'torn', offset: frameAt, available, needed: stop.needed };
    }
    const keep = filled - (frameAt - bufPos);
    if (retain) {
      // The cut frame starts the next chunk; the old one stays as the visitor's views hold it.
      const next = new Uint8Array(Math.max(stop.needed, Math.min(chunkSize, end - frameAt)));
      next.set(buf.subarray(frameAt - bufPos, filled));
      buf = next;
    } else if (stop.needed > buf.length) {
      // Checked above against the file's end, so this allocation is backed by real bytes. A
      // new arena rather than a grown one: growing would detach views the visitor kept.
      if (arena) arena = createCrcArena(stop.needed);
      const big = arena ? arena.bytes : new Uint8Array(stop.needed);
      big.set(buf.subarray(frameAt - bufPos, filled));
      buf = big;
    } else {
      buf.copyWithin(0, frameAt - bufPos, filled);
    }
    bufPos = frameAt;
    filled = keep;
  }
}
