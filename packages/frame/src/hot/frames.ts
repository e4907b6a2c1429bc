import { crc32, type FileHandle, hexEncode, readFully } from '@logspec/core';
import { DEFAULT_SCAN_CHUNK, scanFileFrames } from '../framing/file-scan.js';
import { encodeFrame, type FrameVisitor, hotLayout, type ScanStop, scanFrames } from '../framing/layout.js';
import { HotCode, hotframeError } from './codes.js';
import { checkHotHeader, HOT_HEADER_LEN } from './header.js';

/**
 * Why a hot log replay stopped, as the original's loop decides (HOT-R-003…007). `at` is the
 * file offset of the first byte not replayed (the bad frame's start, or the file's end).
 * `stopped` is logspec's: the visitor asked to stop.
 */
export type HotStop =
  | { reason: 'eof'; at: number }
  | { reason: 'header_only'; at: number }
  | { reason: 'short_trailer'; at: number; available: number }
  | { reason: 'torn_frame'; at: number; available: number; needed: number }
  | { reason: 'crc_mismatch'; at: number; stored: number; computed: number }
  | { reason: 'stopped'; at: number };

/** One frame of a hot log: its file offset and payload (the archive). */
export interface HotFrame {
  offset: number;
  payload: Uint8Array;
}

/** Maps a frame scan's stop to the hot log's reasons: fewer than 8 bytes left is a short trailer. */
export function hotStopOf(stop: ScanStop): HotStop {
  switch (stop.reason) {
    case 'end':
      return { reason: 'eof', at: stop.offset };
    case 'stopped':
      return { reason: 'stopped', at: stop.offset };
    case 'crc_mismatch':
      return { reason: 'crc_mismatch', at: stop.offset, stored: stop.stored, computed: stop.computed };
    case 'torn':
      return stop.available < hotLayout.overhead
        ? { reason: 'short_trailer', at: stop.offset, available: stop.available }
        : { reason: 'torn_frame', at: stop.offset, available: stop.available, needed: stop.needed };
  }
}

/**
 * The original's replay of a whole file image: ≤ 12 bytes replay as empty without a header
 * check; otherwise the header must be valid (HOT_BAD_MAGIC / HOT_BAD_VERSION), then frames
 * are read while ≥ 8 bytes remain, stopping at the first torn or CRC-bad frame. Payloads are
 * views into `image`.
 */
export function replayHotFrames(
  image: Uint8Array,
  visit?: (frame: HotFrame) => unknown,
): { frames: HotFrame[]; stop: HotStop } {
  const frames: HotFrame[] = [];
  if (image.length <= HOT_HEADER_LEN) return { frames, stop: { reason: 'header_only', at: image.length } };
  checkHotHeader(image, image.length);
  const stop = scanFrames(hotLayout, image, HOT_HEADER_LEN, image.length, (ps, pe, offset) => {
    const f = { offset, payload: image.subarray(ps, pe) };
    frames.push(f);
    return visit?.(f);
  });
  return { frames, stop: hotStopOf(stop) };
}

export interface HotScanOptions {
  /** Bytes per read (default 1 MiB). */
  chunkSize?: number;
  /** Check CRCs (default true; the original always does). */
  verifyCrc?: boolean;
  /** Stop here instead of at the file's size (a writer's committed end). */
  end?: number;
  /** Chunks the visitor may keep views of (see `FileScanOptions.retain`). */
  retain?: boolean;
}

/**
 * {@link replayHotFrames} over an open file, in large chunks: the header rule, then every frame
 * to `visit` (payload = `bytes[payloadStart, payloadEnd)`, a reused buffer). Never reads more
 * than one chunk plus the largest frame into memory.
 */
export function scanHotLogFile(handle: FileHandle, visit: FrameVisitor, opts: HotScanOptions = {}): HotStop {
  const size = opts.end ?? handle.size();
  if (size <= HOT_HEADER_LEN) return { reason: 'header_only', at: size };
  const head = new Uint8Array(HOT_HEADER_LEN);
  readFully(handle, head, 0, HOT_HEADER_LEN, 0);
  checkHotHeader(head, size);
  const stop = scanFileFrames(handle, hotLayout, visit, {
    start: HOT_HEADER_LEN,
    end: size,
    chunkSize: opts.chunkSize ?? DEFAULT_SCAN_CHUNK,
    verifyCrc: opts.verifyCrc ?? true,
    retain: opts.retain ?? false,
  });
  return hotStopOf(stop);
}

/** `len u32 LE · payload · crc32 u32 LE`. */
export function encodeHotFrame(payload: Uint8Array): Uint8Array {
  if (payload.length > 0xffffffff) {
    throw hotframeError(HotCode.FRAME_TOO_LARGE, 'payload longer than a u32 length', 0, { length: payload.length });
  }
  return encodeFrame(hotLayout, payload);
}

/**
 * Decodes exactly one hot frame: `HOT_FRAME_TORN` if the bytes end inside it, `HOT_FRAME_CRC`
 * on a CRC mismatch, `HOT_FRAME_TRAILING` if bytes follow it. The payload is a view.
 */
export function decodeHotFrame(bytes: Uint8Array): Uint8Array {
  const ov = hotLayout.overhead;
  if (bytes.length < hotLayout.headerSize) {
    throw hotframeError(HotCode.FRAME_TORN, 'frame shorter than its length field', 0, {
      available: bytes.length,
      needed: hotLayout.headerSize,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = hotLayout.payloadLength(view, 0);
  if (len > bytes.length - ov) {
    throw hotframeError(HotCode.FRAME_TORN, `frame needs ${ov + len} bytes, ${bytes.length} present`, 0, {
      available: bytes.length,
      needed: ov + len,
    });
  }
  const stored = hotLayout.storedCrc(view, 0, len);
  const computed = crc32(bytes, 4, 4 + len);
  if (stored !== computed) {
    throw hotframeError(HotCode.FRAME_CRC, 'frame CRC mismatch', 0, { stored, computed });
  }
  if (bytes.length !== ov + len) {
    throw hotframeError(HotCode.FRAME_TRAILING, 'bytes after the frame', ov + len, {
      trailing: bytes.length - ov - len,
    });
  }
  return bytes.subarray(4, 4 + len);
}

/** The canonical JSON of a hotframe replay (`conformance/golden/REFERENCE-README.md`, hotframe). */
export interface HotFramesJson {
  records: { offset: string; len: number; payload: string }[];
  stop: { reason: string; at: string };
}

export function hotFramesJson(frames: readonly HotFrame[], stop: HotStop): HotFramesJson {
  return {
    records: frames.map((f) => ({ offset: String(f.offset), len: f.payload.length, payload: hexEncode(f.payload) })),
    stop: { reason: stop.reason, at: String(stop.at) },
  };
}
