import { type FileHandle, writeFully } from '@logspec/core';
import { SessCode, sessionError } from '../errors.js';
import { crc32cUpper } from '../hash.js';
import { MAX_LINE_BYTES } from '../lines.js';
import { decodeFrameHead, frameFromHead } from '../records/reader.js';
import type { IndexRow, SegmentFrame } from '../records/types.js';
import { checkedAddU64, type U64 } from '../u64.js';
import type { StoreContext } from './context.js';
import { frameEnd } from './disk.js';
import { closeQuietly, FILE_MODE, pathExists, readExact } from './fs-ops.js';
import { HELD_WRITE_BYTES, HeldRun } from './held-writes.js';
import { type QuarantineSink, quarantineTail, withQuarantineSink } from './quarantine.js';

const READ_HANDLES = 8;

interface SegmentHandle {
  h: FileHandle;
  size: number;
}

/**
 * The files a store holds open: the active segment's writer, the index appender, and up to
 * eight segment readers (the least recently used is closed first). Appends that are not
 * synced one by one are held (`HeldRun`) and written a run per file at a time.
 */
export class OpenFiles {
  /** The index file's length, held rows included: where the next row goes. */
  indexSize = 0;
  private readonly heldLines = new HeldRun();
  private readonly heldRows = new HeldRun();
  /** A write of held appends failed: they are lost, and the store must be reopened. */
  lostHeld = false;

  private segWriter: FileHandle | undefined;
  private segWriterSeq: U64 | undefined;
  private indexWriter: FileHandle | undefined;
  private readers = new Map<U64, SegmentHandle>();

  constructor(
    private readonly ctx: StoreContext,
    /** Where the bytes a new segment would overwrite are reported (they are quarantined first). */
    private readonly onQuarantine: QuarantineSink,
  ) {}

  /**
   * Writes one frame line at `byteOffset` of segment `segmentSeq` and then its index row,
   * each fdatasync'ed when `durable`; when either fails, both files are cut back and the
   * error is thrown. Not `durable`: both are held, and written (the lines, then the rows) once
   * 64 KiB of either wait, before a segment switch, and on `flushHeld` — a failure there cuts
   * both files back to before the held entries, which the caller must then treat as lost.
   */
  appendEntry(
    segmentSeq: U64,
    newSegment: boolean,
    byteOffset: number,
    line: Uint8Array,
    rowBytes: Uint8Array,
    durable: boolean,
  ): void {
    const seg = this.segmentWriter(segmentSeq, newSegment);
    if (!durable) {
      this.indexAppender(); // opened first: it learns the index file's length
      this.heldLines.push(line, byteOffset);
      this.heldRows.push(rowBytes, this.indexSize);
      this.indexSize += rowBytes.length;
      if (this.heldLines.length >= HELD_WRITE_BYTES || this.heldRows.length >= HELD_WRITE_BYTES) this.flushHeld();
      return;
    }
    try {
      writeFully(seg, line, byteOffset);
      if (durable) seg.fdatasync();
    } catch (e) {
      undo(seg, byteOffset);
      throw e;
    }
    const idx = this.indexAppender();
    const at = this.indexSize;
    try {
      writeFully(idx, rowBytes, at);
      if (durable) idx.fdatasync();
    } catch (e) {
      undo(idx, at);
      undo(seg, byteOffset);
      throw e;
    }
    this.indexSize = at + rowBytes.length;
  }

  /** True when appends are held, not yet written. */
  get holding(): boolean {
    return this.heldLines.length > 0;
  }

  /**
   * Writes the held lines to the active segment, then the held rows to the index (the order of
   * one-by-one appends). On a failure both files are cut back to before the held entries.
   */
  flushHeld(): void {
    if (this.heldLines.length === 0) return;
    const seg = this.segWriter as FileHandle;
    const segAt = this.heldLines.at;
    const idxAt = this.heldRows.at;
    const idx = this.indexAppender();
    try {
      this.heldLines.write(seg);
      this.heldRows.write(idx);
    } catch (e) {
      this.lostHeld = true;
      this.indexSize = idxAt;
      undo(idx, idxAt);
      undo(seg, segAt);
      throw e;
    }
  }

  /** A cached reader of segment `seq` learns the segment's new size after an append. */
  segmentGrew(seq: U64, size: number): void {
    const cached = this.readers.get(seq);
    if (cached) cached.size = size;
  }

  /** The active segment's handle; a new segment is created (truncating, as the original). */
  private segmentWriter(seq: U64, isNew: boolean): FileHandle {
    if (!isNew && this.segWriter && this.segWriterSeq === seq) return this.segWriter;
    this.flushHeld();
    closeQuietly(this.segWriter);
    this.segWriter = undefined;
    const { fs, layout } = this.ctx;
    const path = layout.segment(seq);
    const existed = pathExists(fs, path);
    if (isNew && existed && this.ctx.recovery === 'quarantine') {
      withQuarantineSink(this.onQuarantine, () => quarantineTail(this.ctx, path, 0));
    }
    const h = fs.open(path, { create: true, write: true, truncate: isNew, mode: FILE_MODE });
    if (!existed && this.ctx.durability === 'entry') fs.fsyncDir(layout.segments);
    const reader = this.readers.get(seq);
    if (reader) {
      closeQuietly(reader.h);
      this.readers.delete(seq);
    }
    this.segWriter = h;
    this.segWriterSeq = seq;
    return h;
  }

  private indexAppender(): FileHandle {
    if (this.indexWriter) return this.indexWriter;
    const { fs, layout } = this.ctx;
    const existed = pathExists(fs, layout.index);
    const h = fs.open(layout.index, { create: true, write: true, mode: FILE_MODE });
    if (!existed && this.ctx.durability === 'entry') fs.fsyncDir(layout.indexDir);
    this.indexSize = h.size();
    this.indexWriter = h;
    return h;
  }

  /**
   * The frame a row points at (`read_frame`), or `undefined` when its segment file is gone;
   * `activeSize` is the active segment's length. logspec also checks the row's CRC-32C, so a
   * damaged line is an error, not a wrong frame.
   */
  readFrame(row: IndexRow, activeSize: number): SegmentFrame | undefined {
    this.flushHeld();
    const { layout } = this.ctx;
    const seg = this.segmentHandle(row.segmentSeq, activeSize);
    if (!seg) return undefined;
    const end = checkedAddU64(row.byteOffset, row.byteLength);
    if (end === undefined) throw sessionError(SessCode.RANGE_OVERFLOW, 'index byte range overflow');
    if (end > seg.size) {
      throw sessionError(
        SessCode.INDEX_OUT_OF_BOUNDS,
        `index out of bounds for segment ${layout.display(layout.segment(row.segmentSeq))}: end=${end} len=${seg.size}`,
      );
    }
    if (row.byteLength > Math.max(this.ctx.maxSegmentBytes, MAX_LINE_BYTES)) {
      throw sessionError(SessCode.FRAME_TOO_LONG, `frame byte length ${row.byteLength} exceeds limit`);
    }
    const bytes = readExact(seg.h, Number(row.byteLength), Number(row.byteOffset));
    const crc = crc32cUpper(bytes);
    if (crc !== row.crc32c) {
      throw sessionError(
        SessCode.CHECKSUM_MISMATCH,
        `checksum mismatch for entry_seq=${row.entrySeq} expected=${row.crc32c} actual=${crc}`,
        { offset: Number(row.byteOffset) },
      );
    }
    return frameFromHead(decodeFrameHead(bytes, 0, frameEnd(bytes), true), bytes);
  }

  private segmentHandle(seq: U64, activeSize: number): SegmentHandle | undefined {
    if (this.segWriter && this.segWriterSeq === seq) return { h: this.segWriter, size: activeSize };
    const hit = this.readers.get(seq);
    if (hit) {
      this.readers.delete(seq);
      this.readers.set(seq, hit);
      return hit;
    }
    const path = this.ctx.layout.segment(seq);
    if (!pathExists(this.ctx.fs, path)) return undefined;
    const h = this.ctx.fs.open(path);
    const entry = { h, size: h.size() };
    this.readers.set(seq, entry);
    if (this.readers.size > READ_HANDLES) {
      const [oldSeq, old] = this.readers.entries().next().value as [U64, SegmentHandle];
      closeQuietly(old.h);
      this.readers.delete(oldSeq);
    }
    return entry;
  }

  /** fdatasync of the segment writer and the index appender (when open). */
  sync(): void {
    this.flushHeld();
    this.segWriter?.fdatasync();
    this.indexWriter?.fdatasync();
  }

  /** Closes every file. Held appends are dropped: the store flushes (syncs) before it closes. */
  closeAll(): void {
    this.heldLines.clear();
    this.heldRows.clear();
    closeQuietly(this.segWriter);
    closeQuietly(this.indexWriter);
    this.segWriter = undefined;
    this.segWriterSeq = undefined;
    this.indexWriter = undefined;
    for (const r of this.readers.values()) closeQuietly(r.h);
    this.readers.clear();
  }
}

/** Cuts a file back after a failed write; the write error is the one to report. */
function undo(h: FileHandle, length: number): void {
  try {
    h.truncate(length);
  } catch {
    // The write error is the one to report.
  }
}
