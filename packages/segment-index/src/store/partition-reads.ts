import type { Message } from '../codec/message.js';
import type { MessageVisitor, SegmentReadResult } from '../codec/segment-scan.js';
import { ORIGINAL_READ_MESSAGE_CAP, type PartitionReadOptions, type PartitionReadResult } from './options.js';
import type { Segment } from './segment.js';

/** Reads across a partition's segments (oldest first): logspec's, which go on past a segment's end, and the original's. */

export function segmentIndexFor(segs: readonly Segment[], offset: bigint): number {
  let lo = 0;
  let hi = segs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((segs[mid] as Segment).baseOffset <= offset) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo - 1);
}

/**
 * Reads from `offset` across segments until the budget is used: a reader polling with
 * `nextOffset` sees every message once. (The original's `LogManager::read` stops at the end of
 * the segment holding the offset; `readOriginal` keeps that behaviour.) An offset below the
 * earliest one reads from the earliest.
 */
export function readAcross(
  segs: readonly Segment[],
  offset: bigint,
  opts: PartitionReadOptions = {},
): PartitionReadResult {
  let budget = opts.maxBytes ?? 1 << 20;
  let room = opts.maxMessages ?? Number.POSITIVE_INFINITY;
  const messages: Message[] = [];
  let stop: PartitionReadResult['stop'] = {
    reason: 'end',
    baseOffset: (segs[segs.length - 1] as Segment).baseOffset,
    position: 0,
  };
  for (let i = segmentIndexFor(segs, offset); i < segs.length; i++) {
    const seg = segs[i] as Segment;
    const from = offset > seg.baseOffset ? offset : seg.baseOffset;
    const r: SegmentReadResult = seg.read(from, { maxBytes: budget, maxMessages: room, onCorrupt: opts.onCorrupt });
    for (const m of r.messages) messages.push(m);
    budget -= r.bytesRead;
    room -= r.messages.length;
    stop = { reason: r.stop.reason, baseOffset: seg.baseOffset, position: r.stop.position, error: r.stop.error };
    if (r.stop.reason === 'crc_mismatch' || r.stop.reason === 'deserialize') break;
    if (budget <= 0 || room <= 0) break;
  }
  const lastMsg = messages[messages.length - 1];
  const nextOffset = lastMsg
    ? lastMsg.offset + 1n
    : offset < (segs[0] as Segment).baseOffset
      ? (segs[0] as Segment).baseOffset
      : offset;
  return { messages, nextOffset, stop };
}

/**
 * Streams every message from `offset` on, across segments, to `visit` (returning `false`
 * stops); nothing is collected, so a whole partition can be scanned in bounded memory.
 * Returns how many messages were visited and where the scan stopped.
 */
export function scanAcross(
  segs: readonly Segment[],
  offset: bigint,
  visit: MessageVisitor,
  opts: { onCorrupt?: 'error' | 'stop' } = {},
): { count: number; stop: PartitionReadResult['stop'] } {
  let count = 0;
  let stop: PartitionReadResult['stop'] = {
    reason: 'end',
    baseOffset: (segs[segs.length - 1] as Segment).baseOffset,
    position: 0,
  };
  for (let i = segmentIndexFor(segs, offset); i < segs.length; i++) {
    const seg = segs[i] as Segment;
    const r = seg.scan(offset > seg.baseOffset ? offset : seg.baseOffset, visit, opts);
    count += r.count;
    stop = { reason: r.stop.reason, baseOffset: seg.baseOffset, position: r.stop.position, error: r.stop.error };
    if (r.stop.reason !== 'end' && r.stop.reason !== 'torn') break;
  }
  return { count, stop };
}

/**
 * `LogManager::read(offset, max_bytes)` exactly: segments from the one whose base ≤ offset,
 * each read with `Segment::read` (nothing for offsets below its base), at most 1000 messages,
 * budget counted as `8 + key + value` bytes.
 */
export function readOriginalAcross(
  segs: readonly Segment[],
  offset: bigint,
  maxBytes = Number.POSITIVE_INFINITY,
): Message[] {
  const out: Message[] = [];
  let collected = 0;
  for (let i = segmentIndexFor(segs, offset); i < segs.length; i++) {
    if (collected >= maxBytes) break;
    const seg = segs[i] as Segment;
    const batch = seg.read(offset, { maxBytes: maxBytes - collected, decodeSkipped: true }).messages;
    for (const m of batch) {
      if (m.offset < offset) continue;
      if (out.length < ORIGINAL_READ_MESSAGE_CAP && collected < maxBytes) {
        collected += 8 + (m.key?.length ?? 0) + m.value.length;
        out.push(m);
      }
    }
  }
  return out;
}
