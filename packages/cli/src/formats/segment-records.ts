import { basename, isLogspecError } from '@logspec/core';
import { scanFileFrames, segmentLayout } from '@logspec/frame';
import {
  decodeMessageAt,
  FRAME_HEADER_SIZE,
  formatTimestamp,
  type Message,
  messageToJson,
  SegCode,
} from '@logspec/segment-index';
import { type SegmentRef, segmentLogOf } from '@logspec/segment-index/store';
import { CliCode, UsageError } from '../errors.js';
import { hexPreview } from '../hex.js';
import { short } from '../text.js';
import { problemOf } from './common.js';
import type { Ctx, DamageSink, DumpItem, Follower } from './types.js';

/** The segments of a path (a usage error for a file that is not `{base}.log`), records as dump prints them, and following a growing log. */

export type SegRef = SegmentRef;

/** The segments of a partition directory (the original's rule), or the one segment a `.log` path names. */
export function segmentsOf(fs: Ctx['fs'], path: string): { dir: string; segs: SegRef[]; partition: boolean } {
  const log = segmentLogOf(fs, path);
  if (!log) {
    throw new UsageError(
      CliCode.USAGE,
      `not a segment file name: ${basename(path)}`,
      'pass a partition directory or a {base:020}.log file',
    );
  }
  return { dir: log.dir, segs: log.segments, partition: log.partition };
}

export function messageText(m: Message, file: string, at: number): string {
  const parts = [`#${m.offset}`, `${file}@${at}`, `ts=${formatTimestamp(m.timestamp)}`];
  parts.push(`key=${m.key === null ? 'null' : hexPreview(m.key, 24)}`);
  parts.push(`value=${hexPreview(m.value, 32)}`);
  for (const h of m.headers) parts.push(`header:${short(h.key, 40)}=${hexPreview(h.value, 16)}`);
  if (m.producerId !== null) parts.push(`producer=${m.producerId}`);
  if (m.producerEpoch !== null) parts.push(`epoch=${m.producerEpoch}`);
  if (m.transactionMarker !== null) parts.push(`marker=${m.transactionMarker}`);
  if (m.isTransactional) parts.push('transactional');
  return parts.join(' ');
}

export function messageItem(m: Message, file: string, at: number): DumpItem {
  return { key: m.offset, json: () => messageToJson(m), text: () => messageText(m, file, at) };
}

/** Follows a partition (or one segment): per segment, reads on from the end of the last frame seen. */
export class SegmentFollower implements Follower {
  private readonly next = new Map<bigint, number>();
  constructor(
    private readonly path: string,
    private readonly ctx: Ctx,
  ) {}

  poll(emit: (item: DumpItem) => void, damage: DamageSink): void {
    const { segs } = segmentsOf(this.ctx.fs, this.path);
    const newest = [...this.next.keys()].reduce<bigint | null>((a, b) => (a === null || b > a ? b : a), null);
    for (const seg of segs) {
      if (newest !== null && seg.base < newest) continue;
      if (!this.ctx.fs.exists(seg.log)) continue;
      let pos = this.next.get(seg.base) ?? 0;
      // From where the last poll ended up to the first frame that is not whole yet: a torn or
      // CRC-bad frame at the end is most likely still being written, and is read again next time.
      const h = this.ctx.fs.open(seg.log);
      try {
        scanFileFrames(
          h,
          segmentLayout,
          (ps, pe, at, b) => {
            pos = at + FRAME_HEADER_SIZE + (pe - ps);
            if (pe === ps) {
              damage({
                code: SegCode.UNEXPECTED_END,
                file: seg.name,
                offset: at,
                end: pos,
                message: 'an empty frame (zero fill)',
              });
              return undefined;
            }
            try {
              const m = decodeMessageAt(b, ps, pe, { baseOffset: at + FRAME_HEADER_SIZE, copy: true }).message;
              emit(messageItem(m, seg.name, at));
            } catch (e) {
              if (!isLogspecError(e)) throw e;
              damage({ ...problemOf(e, seg.name), offset: at, end: pos });
            }
            return undefined;
          },
          { start: pos },
        );
      } finally {
        h.close();
      }
      this.next.set(seg.base, pos);
    }
  }
}
