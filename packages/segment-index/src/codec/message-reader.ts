import { LogspecError } from '@logspec/core';
import { SegCode, segError } from './errors.js';
import type { Header, Message, TransactionMarker } from './message.js';
import { encodeMessage } from './message-writer.js';
import { mapCoreError, PostcardReader } from './postcard-reader.js';

/**
 * The postcard `Message` read as postcard and chrono read it (`original`), or also checked to be
 * exactly the writer's bytes (`strict`).
 */

const MARKERS: readonly TransactionMarker[] = ['Commit', 'Abort'];

export interface DecodeMessageOptions {
  /** Added to byte positions in errors (e.g. the payload's position in the file). */
  baseOffset?: number;
  /** Copy key, value and header values out of the input instead of returning views. */
  copy?: boolean;
  /**
   * `original` (default) accepts what postcard + chrono accept: non-minimal varints, lenient
   * timestamp text, trailing bytes. `strict` also requires the bytes to be exactly what the
   * writer produces for the decoded value (`SEG_NON_CANONICAL`).
   */
  mode?: 'original' | 'strict';
}

export interface DecodedMessage {
  message: Message;
  /** Index in the input just past the struct; anything after it is ignored, as postcard does. */
  end: number;
}

const reader = new PostcardReader();

/**
 * Copies of small payloads (`copy: true`) are carved from shared blocks instead of one
 * ArrayBuffer each: an ArrayBuffer per ~200-byte message was a quarter of a segment scan.
 * Copies never overlap, so each message still owns its bytes; a kept message keeps its
 * block (at most ARENA_SIZE bytes) reachable.
 */
const ARENA_SIZE = 64 * 1024;
const ARENA_MAX_COPY = 4 * 1024;
let arena = new Uint8Array(0);
let arenaPos = 0;

function copyBytes(src: Uint8Array, start: number, end: number, dst: Uint8Array, at: number): void {
  if (end - start < 12) for (let i = start; i < end; i++) dst[at++] = src[i] as number;
  else dst.set(src.subarray(start, end), at);
}

/**
 * Decodes the postcard `Message` at `bytes[start, end)`. Any input gives a message or a
 * `SEG_…` error with the byte offset of the field that failed and, in `details.postcard`,
 * the variant name postcard reports for it.
 */
export function decodeMessageAt(
  bytes: Uint8Array,
  start: number,
  end: number,
  opts: DecodeMessageOptions = {},
): DecodedMessage {
  const base = opts.baseOffset ?? start;
  // With `copy`, one copy of the payload that key, value and header values are views of.
  let src = bytes;
  let from = start;
  if (opts.copy) {
    const n = end - start;
    if (n > ARENA_MAX_COPY) {
      src = bytes.slice(start, end);
      from = 0;
    } else {
      if (arenaPos + n > arena.length) {
        arena = new Uint8Array(ARENA_SIZE);
        arenaPos = 0;
      }
      src = arena;
      from = arenaPos;
      copyBytes(bytes, start, end, arena, arenaPos);
      arenaPos += n;
    }
  }
  const pr = reader.reset(src, from, from + (end - start), base);
  let message: Message;
  try {
    pr.begin('offset');
    const offset = pr.u64();
    pr.begin('key');
    const key = pr.option() ? pr.take(pr.length()) : null;
    pr.begin('value');
    const value = pr.take(pr.length());
    pr.begin('timestamp');
    const timestamp = pr.timestamp();
    pr.begin('headers');
    // No preallocation from the count: each header takes >= 2 bytes, so a count larger than the
    // input runs the loop out of bytes and fails with the error postcard gives at that point.
    const limit = pr.count();
    const headers: Header[] = [];
    for (let i = 0; i < limit; i++) {
      pr.beginHeader(i, 'key');
      const k = pr.str('header key');
      pr.beginHeader(i, 'value');
      headers.push({ key: k, value: pr.take(pr.length()) });
    }
    pr.begin('producer_id');
    const producerId = pr.option() ? pr.u64() : null;
    pr.begin('producer_epoch');
    const producerEpoch = pr.option() ? pr.u16() : null;
    pr.begin('transaction_marker');
    let transactionMarker: TransactionMarker | null = null;
    if (pr.option()) {
      const at = pr.pos;
      const idx = pr.u32();
      const mk = MARKERS[idx];
      if (mk === undefined) {
        throw pr.fail(SegCode.BAD_MARKER, `unknown variant index ${idx} (Commit = 0, Abort = 1)`, at, { value: idx });
      }
      transactionMarker = mk;
    }
    pr.begin('is_transactional');
    const at = pr.pos;
    const flag = pr.byte();
    if (flag > 1) throw pr.fail(SegCode.BAD_BOOL, `bool byte ${flag} is neither 0 nor 1`, at, { value: flag });
    message = {
      offset,
      key,
      value,
      timestamp,
      headers,
      producerId,
      producerEpoch,
      transactionMarker,
      isTransactional: flag === 1,
    };
  } catch (e) {
    throw mapCoreError(e, pr);
  }
  const structEnd = start + (pr.pos - from);
  if (opts.mode === 'strict') checkCanonical(message, bytes, start, structEnd, end, base);
  return { message, end: structEnd };
}

function checkCanonical(
  m: Message,
  bytes: Uint8Array,
  start: number,
  structEnd: number,
  end: number,
  base: number,
): void {
  const canon = encodeMessage(m);
  const n = structEnd - start;
  for (let i = 0; i < Math.min(n, canon.length); i++) {
    if (bytes[start + i] !== canon[i]) {
      throw segError(SegCode.NON_CANONICAL, 'bytes differ from the canonical encoding of the decoded value', base + i, {
        reason: 'bytes',
        expected: canon[i],
        found: bytes[start + i],
      });
    }
  }
  if (n !== canon.length) {
    throw segError(
      SegCode.NON_CANONICAL,
      'encoding length differs from the canonical encoding',
      base + Math.min(n, canon.length),
      {
        reason: 'length',
      },
    );
  }
  if (structEnd !== end) {
    throw segError(SegCode.NON_CANONICAL, `${end - structEnd} bytes after the message`, base + n, {
      reason: 'trailing',
    });
  }
}

/**
 * The `offset` field alone (the first one), or undefined when it does not decode: lets a reader
 * skip the frames before the offset it was asked for without decoding them.
 */
export function peekMessageOffset(bytes: Uint8Array, start: number, end: number): bigint | undefined {
  try {
    return reader.reset(bytes, start, end, start).u64();
  } catch (e) {
    if (e instanceof LogspecError) return undefined;
    throw e;
  }
}

/** Decodes a whole buffer as one postcard `Message` (trailing bytes ignored unless strict). */
export function decodeMessage(bytes: Uint8Array, opts: DecodeMessageOptions = {}): Message {
  return decodeMessageAt(bytes, 0, bytes.length, { ...opts, baseOffset: opts.baseOffset ?? 0 }).message;
}
