import { basename, type FileHandle, isLogspecError, readFully } from '@logspec/core';
import {
  checkHotHeader,
  decodeRecordAt,
  HOT_HEADER_LEN,
  HotCode,
  type HotEventRecord,
  type HotStop,
  hotLayout,
  hotStopOf,
} from '@logspec/frame';
import { openHotLogFile, resolveHotLogPath } from '@logspec/frame/store';
import type { BatchBuilder } from '../../batch.js';
import type { BytesColumn, Column, NumberColumn } from '../../columns.js';
import type { TableDef } from '../../table.js';
import { HOTFRAME_TABLE, HOTLOG_TABLE } from '../../tables/hot.js';
import { Selector, type Source, type SourceContext } from '../source.js';
import { ResumableFrameScan } from './frames.js';
import { msTime, plainMessage } from './values.js';

const STOP_CODE: Record<string, string> = {
  torn_frame: HotCode.FRAME_TORN,
  short_trailer: HotCode.FRAME_TORN,
  crc_mismatch: HotCode.FRAME_CRC,
};

function stopMessage(stop: HotStop): string {
  switch (stop.reason) {
    case 'torn_frame':
      return `frame needs ${stop.needed} bytes, ${stop.available} present: a torn tail (or a frame being written); the replay stops here`;
    case 'short_trailer':
      return `${stop.available} bytes after the last frame, fewer than a frame's 8: a torn tail; the replay stops here`;
    case 'crc_mismatch':
      return `frame CRC mismatch (stored ${stop.stored}, computed ${stop.computed}); the replay stops here, as kaizen's does`;
    default:
      return stop.reason;
  }
}

/**
 * kaizen's hot log through `@logspec/frame`: the file is opened with `openHotLogFile`, its
 * header checked with `checkHotHeader`, and its frames read by `scanFileFrames` (the chunked,
 * CRC-checking scanner behind `scanHotLogFile`) with the hot layout. The visitor stops the scan
 * when a batch is full and the next `fill` resumes at the next frame, with the same CRC arena.
 * `hotlog` decodes every archive (`decodeRecordAt`, the validating rkyv decoder); `hotframe`
 * keeps payloads as bytes. The size is taken once, at the start: frames a live writer appends
 * later are not read, and a half-written last frame is reported, not read.
 */
export class HotSource implements Source {
  readonly def: TableDef;
  readonly totalBytes: number;
  private readonly h: FileHandle;
  /** The file as named in rows and problems: `hot/log.bin` under a kaizen root, else its name. */
  private readonly file: string;
  private readonly fileBytes: Uint8Array;
  private readonly scan: ResumableFrameScan;
  private finished = false;
  private index = -1;
  private builder: BatchBuilder | null = null;
  private cols: Column[] = [];
  private readonly sel: Selector;
  private readonly visit: (ps: number, pe: number, offset: number, bytes: Uint8Array) => boolean;

  constructor(
    path: string,
    private readonly ctx: SourceContext,
    events: boolean,
  ) {
    this.def = events ? HOTLOG_TABLE : HOTFRAME_TABLE;
    this.file = resolveHotLogPath(ctx.fs, path) === path ? basename(path) : 'hot/log.bin';
    this.fileBytes = new TextEncoder().encode(this.file);
    this.h = openHotLogFile(ctx.fs, path);
    try {
      this.totalBytes = this.h.size();
      if (this.totalBytes <= HOT_HEADER_LEN) this.finished = true;
      else {
        const head = new Uint8Array(HOT_HEADER_LEN);
        readFully(this.h, head, 0, HOT_HEADER_LEN, 0);
        checkHotHeader(head, this.totalBytes);
      }
      this.scan = new ResumableFrameScan(this.h, hotLayout, HOT_HEADER_LEN, this.totalBytes);
    } catch (e) {
      this.h.close();
      throw e;
    }
    this.sel = new Selector(ctx.select);
    this.visit = events ? (ps, pe, at, b) => this.event(ps, pe, at, b) : (ps, pe, at, b) => this.frame(ps, pe, at, b);
  }

  get doneBytes(): number {
    return this.finished ? this.totalBytes : this.scan.pos;
  }

  fill(b: BatchBuilder): boolean {
    if (this.finished) return false;
    if (this.builder !== b) {
      this.builder = b;
      this.cols = this.def.columns.map((c) => b.column(c.name));
    }
    const stop = this.scan.run(this.visit);
    if (stop.reason === 'stopped' && !this.sel.done) return true;
    this.finished = true;
    const hs = hotStopOf(stop);
    if (hs.reason !== 'eof' && hs.reason !== 'stopped') {
      this.ctx.problem({
        file: this.file,
        offset: hs.at,
        segment: null,
        code: STOP_CODE[hs.reason] ?? HotCode.FRAME_TORN,
        message: stopMessage(hs),
        bytes: this.totalBytes - hs.at,
      });
    }
    return false;
  }

  /** The provenance columns and the frame index; false when the selection skips the frame. */
  private head(offset: number, timeNs: bigint | null): boolean {
    this.index++;
    if (this.sel.active && (!this.sel.keyOk(BigInt(this.index)) || !this.sel.timeOk(timeNs))) return false;
    const c = this.cols;
    (c[0] as BytesColumn).appendBytes(this.fileBytes, 0, this.fileBytes.length);
    (c[1] as NumberColumn).appendInt(offset);
    (c[2] as NumberColumn).appendNull();
    (c[3] as NumberColumn).appendInt(this.index);
    return true;
  }

  private frame(ps: number, pe: number, offset: number, bytes: Uint8Array): boolean {
    if (this.head(offset, null)) {
      const c = this.cols;
      (c[4] as NumberColumn).append(pe - ps);
      (c[5] as NumberColumn).append(storedCrc(bytes, pe));
      (c[6] as BytesColumn).appendBytes(bytes, ps, pe);
    }
    return !(this.builder as BatchBuilder).full && !this.sel.done;
  }

  private event(ps: number, pe: number, offset: number, bytes: Uint8Array): boolean {
    let rec: HotEventRecord;
    try {
      rec = decodeRecordAt(bytes, ps, pe, { position: offset + 4 });
    } catch (e) {
      if (!isLogspecError(e)) throw e;
      this.index++;
      this.ctx.problem({
        file: this.file,
        offset,
        segment: null,
        code: e.code,
        message: `frame ${this.index}: its archive does not decode (${plainMessage(e)}); the frame is left out`,
        bytes: pe - ps + 8,
      });
      return !this.sel.done;
    }
    if (this.head(offset, this.sel.filtersTime ? rec.tsMs * 1_000_000n : null))
      appendEvent(this.cols, rec, pe - ps, storedCrc(bytes, pe));
    return !(this.builder as BatchBuilder).full && !this.sel.done;
  }

  close(): void {
    this.h.close();
  }
}

function storedCrc(b: Uint8Array, at: number): number {
  return (
    ((b[at] as number) |
      ((b[at + 1] as number) << 8) |
      ((b[at + 2] as number) << 16) |
      ((b[at + 3] as number) << 24)) >>>
    0
  );
}

function optU32(c: Column, v: number | null): void {
  if (v === null) c.appendNull();
  else (c as NumberColumn).append(v);
}

function optStr(c: Column, v: string | null): void {
  if (v === null) c.appendNull();
  else (c as BytesColumn).appendString(v);
}

/** Columns 4… of the hotlog table, in its order. */
function appendEvent(c: Column[], r: HotEventRecord, len: number, crc: number): void {
  (c[4] as NumberColumn).append(len);
  (c[5] as NumberColumn).append(crc);
  (c[6] as BytesColumn).appendString(r.sessionId);
  (c[7] as NumberColumn).appendBigInt(r.seq);
  (c[8] as NumberColumn).appendBigInt(r.tsMs);
  msTime(c[9] as NumberColumn, r.tsMs);
  (c[10] as NumberColumn).append(r.tsExact ? 1 : 0);
  (c[11] as BytesColumn).appendString(r.kind);
  (c[12] as BytesColumn).appendString(r.source);
  optStr(c[13] as Column, r.tool);
  optStr(c[14] as Column, r.toolCallId);
  optU32(c[15] as Column, r.tokensIn);
  optU32(c[16] as Column, r.tokensOut);
  optU32(c[17] as Column, r.reasoningTokens);
  if (r.costUsdE6 === null) (c[18] as Column).appendNull();
  else (c[18] as NumberColumn).appendBigInt(r.costUsdE6);
  optStr(c[19] as Column, r.stopReason);
  optU32(c[20] as Column, r.latencyMs);
  optU32(c[21] as Column, r.ttftMs);
  optU32(c[22] as Column, r.retryCount);
  optU32(c[23] as Column, r.contextUsedTokens);
  optU32(c[24] as Column, r.contextMaxTokens);
  optU32(c[25] as Column, r.cacheCreationTokens);
  optU32(c[26] as Column, r.cacheReadTokens);
  optU32(c[27] as Column, r.systemPromptTokens);
  (c[28] as BytesColumn).appendString(r.payloadJson);
}
