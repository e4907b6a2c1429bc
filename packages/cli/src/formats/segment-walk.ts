import { basename, dirname, type Fs, isLogspecError, joinPath, type LogspecError, readFully } from '@logspec/core';
import { type FrameDamage, scanFileFrames, scanFileFramesAcrossDamage, segmentLayout } from '@logspec/frame';
import {
  decodeMessageAt,
  FRAME_HEADER_SIZE,
  formatTimestamp,
  listSegmentBases,
  type Message,
  messageToJson,
  parseRustU64,
  SegCode,
  segmentFileName,
  splitExtension,
} from '@logspec/segment-index';
import { CliCode, UsageError } from '../errors.js';
import { hexPreview } from '../hex.js';
import { count, short } from '../text.js';
import { problemOf } from './common.js';
import type { Ctx, DamageSink, DumpItem, Follower, Problem } from './types.js';

/** How the segment adapter reads a log: the segments of a path, a walk over frames and damaged regions, records as dump prints them, and following a growing log. */

export interface SegRef {
  base: bigint;
  dir: string;
  log: string;
  name: string;
}

/** The segments of a partition directory (the original's rule), or the one segment a `.log` path names. */
export function segmentsOf(fs: Fs, path: string): { dir: string; segs: SegRef[]; partition: boolean } {
  const st = fs.stat(path);
  if (st?.isDirectory) {
    const bases = listSegmentBases(fs.readdir(path));
    return {
      dir: path,
      partition: true,
      segs: bases.map((base) => ({
        base,
        dir: path,
        log: joinPath(path, segmentFileName(base)),
        name: segmentFileName(base),
      })),
    };
  }
  const { stem } = splitExtension(basename(path));
  const base = parseRustU64(stem);
  if (base === undefined) {
    throw new UsageError(
      CliCode.USAGE,
      `not a segment file name: ${basename(path)}`,
      'pass a partition directory or a {base:020}.log file',
    );
  }
  return {
    dir: dirname(path),
    partition: false,
    segs: [{ base, dir: dirname(path), log: path, name: basename(path) }],
  };
}

export interface FrameVisit {
  at: number;
  size: number;
  message: Message | null;
  error: LogspecError | null;
  /** With `strict`: why the payload is not the canonical bytes of its message. */
  strictError: LogspecError | null;
}

/** One damaged region of a segment log as a problem (a run of empty frames is one). */
export function damageProblem(d: FrameDamage, file: string): Problem {
  const after =
    d.resumeAt !== null
      ? `; a valid frame follows at byte ${d.resumeAt}, and reading goes on there (the original's reader stops at the damage)`
      : d.searchGaveUp
        ? '; valid frames may follow (the search for one gave up)'
        : ', to the end of the log: no valid frame follows (a torn tail, as a crash leaves)';
  const range = { file, offset: d.at, end: d.end };
  if (d.kind === 'empty_frames') {
    const n = Math.floor((d.end - d.at) / FRAME_HEADER_SIZE);
    return {
      code: SegCode.UNEXPECTED_END,
      ...range,
      message: `${d.end - d.at} bytes of empty frames (8 zero bytes each, ${count(n, 'frame')}: zero fill, as a crash leaves)${after}`,
    };
  }
  if (d.stop.reason === 'torn') {
    return {
      code: SegCode.TORN_FRAME,
      ...range,
      message: `frame needs ${d.stop.needed} bytes, ${d.stop.available} present${after}`,
    };
  }
  const crc = d.stop.reason === 'crc_mismatch' ? d.stop : { stored: 0, computed: 0 };
  return {
    code: SegCode.CRC_MISMATCH,
    ...range,
    message: `stored CRC-32 ${crc.stored.toString(16).padStart(8, '0')}, payload's ${crc.computed.toString(16).padStart(8, '0')}${after}`,
  };
}

/**
 * Walks every CRC-valid frame of one segment log, decoding its message, and every damaged
 * region between them (each once, as a range; reading goes on at the next valid frame).
 */
export function walkSegment(
  fs: Fs,
  seg: SegRef,
  ctx: Ctx,
  visit: (f: FrameVisit) => unknown,
  onDamage: (d: FrameDamage) => unknown,
  strict = false,
): { size: number; stopped: boolean } {
  const h = fs.open(seg.log);
  try {
    const size = h.size();
    const f: FrameVisit = { at: 0, size: 0, message: null, error: null, strictError: null };
    const r = scanFileFramesAcrossDamage(
      h,
      segmentLayout,
      (ps, pe, at, b) => {
        ctx.progress.update(at);
        f.at = at;
        f.size = pe - ps + FRAME_HEADER_SIZE;
        try {
          f.message = decodeMessageAt(b, ps, pe, { baseOffset: at + FRAME_HEADER_SIZE, copy: true }).message;
          f.error = null;
        } catch (e) {
          if (!isLogspecError(e)) throw e;
          f.message = null;
          f.error = e;
        }
        f.strictError = null;
        if (strict && f.message) {
          try {
            decodeMessageAt(b, ps, pe, { baseOffset: at + FRAME_HEADER_SIZE, mode: 'strict' });
          } catch (e) {
            if (!isLogspecError(e)) throw e;
            f.strictError = e;
          }
        }
        return visit(f);
      },
      onDamage,
      { end: size },
    );
    return { size, stopped: r.reason === 'stopped' };
  } finally {
    h.close();
  }
}

export function undecodable(f: FrameVisit, file: string): Problem {
  return { ...problemOf(f.error as LogspecError, file), offset: f.at, end: f.at + f.size };
}

export function readIndex(fs: Fs, seg: SegRef, suffix = 'index'): Uint8Array | null {
  const p = joinPath(seg.dir, segmentFileName(seg.base, suffix));
  if (!fs.exists(p)) return null;
  const h = fs.open(p);
  try {
    const b = new Uint8Array(h.size());
    return b.subarray(0, readFully(h, b, 0, b.length, 0));
  } finally {
    h.close();
  }
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
