import { basename, type FileHandle, isLogspecError, joinPath } from '@logspec/core';
import { segmentLayout } from '@logspec/frame';
import {
  decodeMessageAt,
  FRAME_HEADER_SIZE,
  listSegmentBases,
  type Message,
  parseRustU64,
  SegCode,
  segError,
  segmentFileName,
  splitExtension,
  type Timestamp,
  timestampMillis,
} from '@logspec/segment-index';
import type { BatchBuilder } from '../../batch.js';
import type { BytesColumn, NumberColumn } from '../../columns.js';
import { hex } from '../../ndjson.js';
import { SEGMENT_TABLE } from '../../tables/segment.js';
import { Selector, type Source, type SourceContext } from '../source.js';
import { ResumableFrameScan } from './frames.js';
import { isUtf8, nsTime, plainMessage } from './values.js';

interface SegRef {
  base: bigint;
  log: string;
  name: string;
}

/** The segments of a partition directory (the original's listing rule), or the one a `.log` path names. */
function segmentsOf(ctx: SourceContext, path: string): SegRef[] {
  if (ctx.fs.stat(path)?.isDirectory) {
    return listSegmentBases(ctx.fs.readdir(path)).map((base) => ({
      base,
      log: joinPath(path, segmentFileName(base)),
      name: segmentFileName(base),
    }));
  }
  const base = parseRustU64(splitExtension(basename(path)).stem);
  if (base === undefined) {
    throw segError(
      SegCode.BAD_NAME,
      `not a segment file name: ${basename(path)} (pass a partition directory or a {base:020}.log file)`,
    );
  }
  return [{ base, log: path, name: basename(path) }];
}

const NS_PER_S = 1_000_000_000n;

function timestampNs(t: Timestamp): bigint {
  return t.epochSeconds * NS_PER_S + BigInt(t.nanos);
}

/**
 * rivven's segment log: each segment's frames through `@logspec/frame`'s `scanFileFrames` with
 * the segment layout (CRC checked), each message decoded by `@logspec/segment-index`'s
 * `decodeMessageAt`. Every CRC-valid frame is looked at, so a message whose offset is below
 * its segment's base (which offset reads never return) is exported too. A message that does
 * not decode is reported and skipped (its frame's length is trusted: its CRC held); a CRC
 * mismatch or a torn frame ends its segment (nothing after it can be framed) and is reported.
 */
export class SegmentSource implements Source {
  readonly def = SEGMENT_TABLE;
  readonly totalBytes: number;
  private readonly segs: SegRef[];
  private segIndex = 0;
  private h: FileHandle | null = null;
  private scan: ResumableFrameScan | null = null;
  private seg: SegRef | null = null;
  private fileName = new Uint8Array(0);
  private doneBase = 0;
  private builder: BatchBuilder | null = null;
  private cols: Record<string, NumberColumn & BytesColumn> = {};
  private readonly sel: Selector;
  private readonly visit: (ps: number, pe: number, at: number, bytes: Uint8Array) => boolean;

  constructor(
    path: string,
    private readonly ctx: SourceContext,
  ) {
    this.segs = segmentsOf(ctx, path);
    this.totalBytes = this.segs.reduce((n, s) => n + (ctx.fs.stat(s.log)?.size ?? 0), 0);
    this.sel = new Selector(ctx.select);
    this.visit = (ps, pe, at, bytes) => this.frame(ps, pe, at, bytes);
  }

  get doneBytes(): number {
    return this.doneBase + (this.scan?.pos ?? 0);
  }

  fill(b: BatchBuilder): boolean {
    if (this.builder !== b) {
      this.builder = b;
      this.cols = Object.fromEntries(this.def.columns.map((c) => [c.name, b.column(c.name)]));
    }
    while (!b.full && !this.sel.done) {
      if (!this.scan && !this.nextSegment()) return false;
      const scan = this.scan as ResumableFrameScan;
      const stop = scan.run(this.visit);
      if (stop.reason === 'stopped') continue;
      const seg = this.seg as SegRef;
      if (stop.reason === 'crc_mismatch' || stop.reason === 'torn') {
        this.ctx.problem({
          file: seg.name,
          offset: stop.offset,
          segment: seg.base,
          code: stop.reason === 'torn' ? SegCode.TORN_FRAME : SegCode.CRC_MISMATCH,
          message:
            stop.reason === 'torn'
              ? `frame needs ${stop.needed} bytes, ${stop.available} present: a torn tail (or a frame being written); the rest of the segment is not read`
              : `frame CRC mismatch (stored ${stop.stored}, computed ${stop.computed}): the rest of the segment is not read`,
          bytes: scan.end - stop.offset,
        });
      }
      this.endSegment();
    }
    return !this.sel.done && (this.scan !== null || this.segIndex < this.segs.length);
  }

  private nextSegment(): boolean {
    for (;;) {
      const seg = this.segs[this.segIndex++];
      if (!seg) return false;
      if (!this.ctx.fs.exists(seg.log)) {
        this.ctx.problem({
          file: seg.name,
          offset: null,
          segment: seg.base,
          code: SegCode.NOT_FOUND,
          message: `segment ${seg.base} is listed but ${seg.name} cannot be read`,
          bytes: null,
        });
        continue;
      }
      this.seg = seg;
      this.h = this.ctx.fs.open(seg.log);
      this.scan = new ResumableFrameScan(this.h, segmentLayout, 0, this.h.size());
      this.fileName = new TextEncoder().encode(seg.name);
      return true;
    }
  }

  private endSegment(): void {
    this.doneBase += this.scan?.end ?? 0;
    this.h?.close();
    this.h = null;
    this.scan = null;
  }

  private frame(ps: number, pe: number, at: number, bytes: Uint8Array): boolean {
    const seg = this.seg as SegRef;
    if (pe === ps) {
      // 8 zero bytes (CRC of nothing, length 0): what a file extended without its data leaves.
      this.ctx.problem({
        file: seg.name,
        offset: at,
        segment: seg.base,
        code: SegCode.UNEXPECTED_END,
        message: 'an empty frame (8 zero bytes, as a zero-filled tail looks): no message',
        bytes: FRAME_HEADER_SIZE,
      });
      return true;
    }
    let m: Message;
    try {
      m = decodeMessageAt(bytes, ps, pe, { baseOffset: at + FRAME_HEADER_SIZE }).message;
    } catch (e) {
      if (!isLogspecError(e)) throw e;
      this.ctx.problem({
        file: seg.name,
        offset: at,
        segment: seg.base,
        code: e.code,
        message: `frame of ${pe - ps + FRAME_HEADER_SIZE} bytes: its message does not decode (${plainMessage(e)}); left out`,
        bytes: pe - ps + FRAME_HEADER_SIZE,
      });
      return true;
    }
    const ns = timestampNs(m.timestamp);
    if (this.sel.active && (!this.sel.keyOk(m.offset) || !this.sel.timeOk(ns))) return !this.sel.done;
    const c = this.cols;
    c.file?.appendBytes(this.fileName, 0, this.fileName.length);
    c.file_offset?.appendInt(at);
    c.segment?.appendBigInt(seg.base);
    c.offset?.appendBigInt(m.offset);
    c.frame_len?.append(pe - ps + FRAME_HEADER_SIZE);
    nsTime(c.time as NumberColumn, ns);
    c.timestamp_ms?.appendBigInt(timestampMillis(m.timestamp));
    if (m.key === null) c.key?.appendNull();
    else c.key?.appendBytes(m.key, 0, m.key.length);
    c.value?.appendBytes(m.value, 0, m.value.length);
    c.value_len?.append(m.value.length);
    c.header_count?.append(m.headers.length);
    c.headers?.appendString(
      JSON.stringify(
        m.headers.map((h) => ({
          key: h.key,
          value: isUtf8(h.value) ? new TextDecoder().decode(h.value) : null,
          value_hex: hex(h.value),
        })),
      ),
    );
    if (m.producerId === null) c.producer_id?.appendNull();
    else c.producer_id?.appendBigInt(m.producerId);
    if (m.producerEpoch === null) c.producer_epoch?.appendNull();
    else c.producer_epoch?.append(m.producerEpoch);
    if (m.transactionMarker === null) c.transaction_marker?.appendNull();
    else c.transaction_marker?.appendString(m.transactionMarker);
    c.is_transactional?.append(m.isTransactional ? 1 : 0);
    return !(this.builder as BatchBuilder).full && !this.sel.done;
  }

  close(): void {
    this.h?.close();
    this.h = null;
  }
}
