import { crc32 } from '@logspec/core';
import { segmentLayout } from '@logspec/frame';
import { appendPreparedFrame, newFrameBuffer } from './batch-encoder.js';
import { SegCode, segError } from './errors.js';
import type { Message } from './message.js';
import { type DecodeMessageOptions, decodeMessageAt } from './message-reader.js';
import { type PreparedMessage, prepareMessage } from './message-writer.js';

/** `crc u32 BE · len u32 BE` before each payload. */
export const FRAME_HEADER_SIZE = segmentLayout.headerSize;
const MAX_PAYLOAD = 0xffffffff;

/**
 * Frames `prepared` messages into one buffer: each payload is encoded in place and then
 * enveloped (no intermediate copy), which is what a batched append writes with one syscall.
 * Returns the buffer and each frame's start within it.
 */
export function encodeFrames(prepared: readonly PreparedMessage[]): { bytes: Uint8Array; starts: number[] } {
  let total = 0;
  for (const p of prepared) {
    if (p.size > MAX_PAYLOAD) throw segError(SegCode.FRAME_TOO_LARGE, `payload of ${p.size} bytes exceeds u32`);
    total += FRAME_HEADER_SIZE + p.size;
  }
  const buf = newFrameBuffer(total);
  const starts: number[] = new Array(prepared.length);
  for (let i = 0; i < prepared.length; i++) {
    starts[i] = buf.length;
    appendPreparedFrame(buf, prepared[i] as PreparedMessage);
  }
  return { bytes: buf.bytes, starts };
}

/** One frame holding `message`: what `Segment::append` writes for it. */
export function encodeFrame(message: Message): Uint8Array {
  return encodeFrames([prepareMessage(message)]).bytes;
}

export interface DecodedFrame {
  crc: number;
  length: number;
  message: Message;
}

/**
 * Decodes exactly one frame (`kind: frame` of the conformance vectors): header, CRC over the
 * payload, then the postcard message. A short input is `SEG_TORN_FRAME` (the original's reader
 * stops there silently), extra bytes after the frame `SEG_TRAILING_BYTES`.
 */
export function decodeFrame(bytes: Uint8Array, opts: DecodeMessageOptions = {}): DecodedFrame {
  const base = opts.baseOffset ?? 0;
  if (bytes.length < FRAME_HEADER_SIZE) {
    throw segError(SegCode.TORN_FRAME, `${bytes.length} bytes cannot hold an 8-byte frame header`, base, {
      available: bytes.length,
      needed: FRAME_HEADER_SIZE,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = segmentLayout.payloadLength(view, 0);
  const crc = segmentLayout.storedCrc(view, 0, length);
  if (length > bytes.length - FRAME_HEADER_SIZE) {
    throw segError(
      SegCode.TORN_FRAME,
      `frame needs ${FRAME_HEADER_SIZE + length} bytes, ${bytes.length} present`,
      base,
      {
        available: bytes.length,
        needed: FRAME_HEADER_SIZE + length,
      },
    );
  }
  const end = FRAME_HEADER_SIZE + length;
  const computed = crc32(bytes, FRAME_HEADER_SIZE, end);
  if (computed !== crc) {
    throw segError(SegCode.CRC_MISMATCH, `CRC mismatch at position ${base}`, base, { stored: crc, computed });
  }
  if (end !== bytes.length) {
    throw segError(SegCode.TRAILING_BYTES, `${bytes.length - end} bytes after the frame`, base + end);
  }
  const { message } = decodeMessageAt(bytes, FRAME_HEADER_SIZE, end, { ...opts, baseOffset: base + FRAME_HEADER_SIZE });
  return { crc, length, message };
}
