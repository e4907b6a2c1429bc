import { type FileHandle, LogspecError } from '@logspec/core';
import { DEFAULT_SCAN_CHUNK, scanFileFrames, segmentLayout } from '@logspec/frame';
import { SegCode, segError } from './errors.js';
import { FRAME_HEADER_SIZE } from './frame.js';
import { MAX_RELATIVE_OFFSET, type OffsetIndex } from './index-entries.js';
import type { Message } from './message.js';
import { decodeMessageAt, peekMessageOffset } from './message-reader.js';
import { timestampMillisNumber } from './timestamp.js';

/**
 * The original's per-segment algorithms (`Segment::read`, `recover_last_offset`,
 * `timestamp_bounds`, `find_offset_for_timestamp`) over any `FileHandle`: a file through `Fs`,
 * or bytes in memory (`memoryHandle`) in a browser. Frames are walked by the frame package's
 * chunked scanner, so memory stays bounded by the chunk size and the largest real frame.
 */

/** A read-only `FileHandle` over bytes in memory. */
export function memoryHandle(bytes: Uint8Array, path = '<memory>'): FileHandle {
  const ro = (): never => {
    throw segError(SegCode.INVALID_VALUE, `${path} is a read-only view`);
  };
  return {
    path,
    read(buf, offset, length, position) {
      const n = Math.max(0, Math.min(length, bytes.length - position));
      if (n > 0) buf.set(bytes.subarray(position, position + n), offset);
      return n;
    },
    size: () => bytes.length,
    write: ro,
    append: ro,
    truncate: ro,
    fsync: () => {},
    fdatasync: () => {},
    close: () => {},
  };
}

export type ReadStopReason = 'end' | 'budget' | 'limit' | 'torn' | 'crc_mismatch' | 'deserialize';

export interface SegmentReadOptions {
  /** Stop once this many frame bytes (8 + payload) of returned messages were read (default: no limit). */
  maxBytes?: number;
  /** logspec: stop after this many messages. */
  maxMessages?: number;
  /**
   * `error` (default, the original): a bad CRC or an undecodable payload throws
   * `SEG_CRC_MISMATCH` / `SEG_…` with its position. `stop` (logspec): return what came before
   * it and say where and why the read stopped.
   */
  onCorrupt?: 'error' | 'stop';
  /** Verify CRCs (default true, as the original's read does). */
  verifyCrc?: boolean;
  /** Read size for the frame scanner. */
  chunkSize?: number;
  /**
   * Decode the frames between the index entry and the requested offset too (default true, as
   * the original does: a bad payload there fails the read). logspec's store reads pass false:
   * those frames are CRC-checked and only their offset is read.
   */
  decodeSkipped?: boolean;
}

export interface SegmentReadResult {
  messages: Message[];
  /** Frame bytes of the returned messages (the original's `bytes_read`). */
  bytesRead: number;
  /** File position just past the last frame looked at. */
  nextPosition: number;
  stop: { reason: ReadStopReason; position: number; error?: LogspecError };
}

/** `(offset − base)` as the original narrows it for the index search: saturating at u32::MAX. */
export function relativeForLookup(offset: bigint, base: bigint): number {
  const d = offset - base;
  return d > BigInt(MAX_RELATIVE_OFFSET) ? MAX_RELATIVE_OFFSET : Number(d);
}

/** Called per message at or after the requested offset; returning `false` stops the scan after it. */
export type MessageVisitor = (message: Message, framePosition: number, frameSize: number) => unknown;

export interface SegmentScanResult {
  /** Messages handed to the visitor. */
  count: number;
  /** Their frame bytes (8 + payload each): the original's `bytes_read`. */
  bytesRead: number;
  /** File position just past the last frame looked at. */
  nextPosition: number;
  stop: { reason: ReadStopReason; position: number; error?: LogspecError };
}

/**
 * The loop of `Segment::read(offset, max_bytes)`, streaming: start at the last index entry ≤
 * the offset, hand every message with `offset ≥` the one asked for to `visit` until the budget
 * is used. A torn last frame ends the scan silently; a CRC mismatch or a payload that does not
 * decode is an error — or, with `onCorrupt: 'stop'`, a clean stop before it. Messages own their
 * bytes (the scanner's buffer is reused).
 */
export function scanSegment(
  handle: FileHandle,
  index: OffsetIndex,
  baseOffset: bigint,
  offset: bigint,
  visit: MessageVisitor,
  opts: SegmentReadOptions = {},
  size = handle.size(),
): SegmentScanResult {
  if (offset < baseOffset || size === 0)
    return { count: 0, bytesRead: 0, nextPosition: 0, stop: { reason: 'end', position: 0 } };
  const start = index.startFor(relativeForLookup(offset, baseOffset));
  if (start >= size) return { count: 0, bytesRead: 0, nextPosition: start, stop: { reason: 'end', position: start } };
  const maxBytes = opts.maxBytes ?? Number.POSITIVE_INFINITY;
  const maxMessages = opts.maxMessages ?? Number.POSITIVE_INFINITY;
  const decodeSkipped = opts.decodeSkipped ?? true;
  let count = 0;
  let bytesRead = 0;
  let decodeError: LogspecError | undefined;
  let errorAt = 0;
  let limitHit: ReadStopReason | undefined;
  const stop = scanFileFrames(
    handle,
    segmentLayout,
    (ps, pe, at, bytes) => {
      if (!decodeSkipped) {
        const o = peekMessageOffset(bytes, ps, pe);
        if (o !== undefined && o < offset) return true;
      }
      let m: Message;
      try {
        m = decodeMessageAt(bytes, ps, pe, { baseOffset: at + FRAME_HEADER_SIZE, copy: true }).message;
      } catch (e) {
        if (!(e instanceof LogspecError)) throw e;
        decodeError = e;
        errorAt = at;
        return false;
      }
      if (m.offset < offset) return true;
      const frame = pe - ps + FRAME_HEADER_SIZE;
      count++;
      bytesRead += frame;
      if (visit(m, at, frame) === false) {
        limitHit = 'limit';
        return false;
      }
      if (bytesRead >= maxBytes) {
        limitHit = 'budget';
        return false;
      }
      if (count >= maxMessages) {
        limitHit = 'limit';
        return false;
      }
      return true;
    },
    {
      start,
      end: size,
      verifyCrc: opts.verifyCrc ?? true,
      chunkSize: opts.chunkSize ?? readChunk(maxBytes, maxMessages),
    },
  );
  const onCorrupt = opts.onCorrupt ?? 'error';
  if (decodeError) {
    if (onCorrupt === 'error') throw decodeError;
    return {
      count,
      bytesRead,
      nextPosition: errorAt,
      stop: { reason: 'deserialize', position: errorAt, error: decodeError },
    };
  }
  if (stop.reason === 'crc_mismatch') {
    const error = segError(SegCode.CRC_MISMATCH, `CRC mismatch at position ${stop.offset}`, stop.offset, {
      position: stop.offset,
      stored: stop.stored,
      computed: stop.computed,
    });
    if (onCorrupt === 'error') throw error;
    return {
      count,
      bytesRead,
      nextPosition: stop.offset,
      stop: { reason: 'crc_mismatch', position: stop.offset, error },
    };
  }
  const reason: ReadStopReason = limitHit ?? (stop.reason === 'torn' ? 'torn' : 'end');
  return { count, bytesRead, nextPosition: stop.offset, stop: { reason, position: stop.offset } };
}

/**
 * Read size for a bounded read: the start is at most one index interval (4 KiB) plus a frame
 * before the target, so a small budget needs a small read, not the scanner's 4 MiB default.
 */
function readChunk(maxBytes: number, maxMessages: number): number | undefined {
  // The scanner grows its buffer for a frame larger than this, so a small guess is safe.
  const want = Math.min(maxBytes, maxMessages * 256) + 8192;
  return Number.isFinite(want) ? Math.min(DEFAULT_SCAN_CHUNK, Math.max(16 << 10, want)) : undefined;
}

/** `Segment::read(offset, max_bytes)`: `scanSegment` collecting the messages. */
export function readSegment(
  handle: FileHandle,
  index: OffsetIndex,
  baseOffset: bigint,
  offset: bigint,
  opts: SegmentReadOptions = {},
  size = handle.size(),
): SegmentReadResult {
  const messages: Message[] = [];
  const r = scanSegment(
    handle,
    index,
    baseOffset,
    offset,
    (m) => {
      messages.push(m);
    },
    opts,
    size,
  );
  return { messages, bytesRead: r.bytesRead, nextPosition: r.nextPosition, stop: r.stop };
}

/**
 * `recover_last_offset`: scan from the last index entry (or 0) with CRC checks, stop at the
 * first torn or corrupt frame, skip payloads that do not decode; the last decoded offset.
 */
export function recoverLastOffset(handle: FileHandle, index: OffsetIndex, size = handle.size()): bigint | null {
  if (size === 0) return null;
  const start = index.lastPosition() ?? 0;
  if (start >= size) return null;
  let last: bigint | null = null;
  scanFileFrames(
    handle,
    segmentLayout,
    (ps, pe, at, bytes) => {
      const m = tryDecode(bytes, ps, pe, at);
      if (m) last = m.offset;
    },
    { start, end: size },
  );
  return last;
}

function tryDecode(bytes: Uint8Array, ps: number, pe: number, at: number): Message | undefined {
  try {
    return decodeMessageAt(bytes, ps, pe, { baseOffset: at + FRAME_HEADER_SIZE }).message;
  } catch (e) {
    if (e instanceof LogspecError) return undefined;
    throw e;
  }
}

/** `timestamp_bounds`: min and max `timestamp_millis` over every decodable frame (no CRC check). */
export function timestampBounds(handle: FileHandle, size = handle.size()): { min: bigint; max: bigint } | null {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  scanFileFrames(
    handle,
    segmentLayout,
    (ps, pe, at, bytes) => {
      const m = tryDecode(bytes, ps, pe, at);
      if (!m) return;
      const ms = timestampMillisNumber(m.timestamp);
      if (ms < min) min = ms;
      if (ms > max) max = ms;
    },
    { start: 0, end: size, verifyCrc: false },
  );
  return min === Number.POSITIVE_INFINITY ? null : { min: BigInt(min), max: BigInt(max) };
}

/**
 * The original's `find_offset_for_timestamp`: a linear scan from the start (no CRC check,
 * undecodable frames skipped) for the first message with `timestamp_millis ≥ target`.
 */
export function findOffsetForTimestampLinear(
  handle: FileHandle,
  targetMs: number,
  opts: { start?: number; end?: number } = {},
): bigint | null {
  let found: bigint | null = null;
  scanFileFrames(
    handle,
    segmentLayout,
    (ps, pe, at, bytes) => {
      const m = tryDecode(bytes, ps, pe, at);
      if (m && timestampMillisNumber(m.timestamp) >= targetMs) {
        found = m.offset;
        return false;
      }
      return true;
    },
    { start: opts.start ?? 0, end: opts.end ?? handle.size(), verifyCrc: false },
  );
  return found;
}
