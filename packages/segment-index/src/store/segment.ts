import { type FileHandle, type Fs, isErrno, joinPath, writeFully } from '@logspec/core';
import { appendMessageFrame, newFrameBuffer } from '../codec/batch-encoder.js';
import { SegCode, segError } from '../codec/errors.js';
import { MAX_RELATIVE_OFFSET } from '../codec/index-entries.js';
import type { Message } from '../codec/message.js';
import { INDEX_SUFFIX, LOG_SUFFIX, segmentFileName, TIME_INDEX_SUFFIX } from '../codec/names.js';
import {
  findOffsetForTimestampLinear,
  type MessageVisitor,
  readSegment,
  recoverLastOffset,
  type SegmentReadOptions,
  type SegmentReadResult,
  type SegmentScanResult,
  scanSegment,
  timestampBounds,
} from '../codec/segment-scan.js';
import type { Timestamp } from '../codec/timestamp.js';
import type { MessageToAppend, SegmentOptions } from './options.js';
import { type LogView, openOrUndefined, SegmentIndexes } from './segment-indexes.js';
import { type RecoveryReport, recoverSegment } from './segment-recovery.js';

const DEFAULT_WRITE_BUFFER = 64 << 10;
/** The write buffer is kept between batches up to this size (or 4 write buffers, if larger). */
const KEEP_BUFFER_BYTES = 1 << 20;
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
/**
 * One segment: `{base:020}.log` of frames, `{base:020}.index` of sparse entries, and logspec's
 * `{base:020}.timeindex`. Writes follow the original byte for byte (frames, the 4 KiB index
 * rule, index entries written on flush); opening a writable segment first runs logspec's
 * recovery. All I/O goes through the injected `Fs`.
 */
export class Segment {
  readonly fs: Fs;
  readonly dir: string;
  readonly baseOffset: bigint;
  /** The highest offset a u32 relative offset reaches (compared without bigint arithmetic per message). */
  private readonly maxOffset: bigint;
  readonly logPath: string;
  readonly indexPath: string;
  readonly timeIndexPath: string;
  readonly readOnly: boolean;
  readonly recovery: RecoveryReport | undefined;

  private log: FileHandle;
  private fileSize: number;
  /** Frames appended and not yet written to the log (the original's `BufWriter`). */
  private readonly pending = newFrameBuffer();
  private readonly writeBuffer: number;
  private readonly syncEveryAppend: boolean;
  /** The `.index` and `.timeindex` entries, in memory and on disk. */
  private readonly ix: SegmentIndexes;
  private last: bigint | null | undefined;
  private unsynced = false;
  private closed = false;

  private constructor(fs: Fs, dir: string, base: bigint, opts: SegmentOptions, created: boolean) {
    this.fs = fs;
    this.dir = dir;
    this.baseOffset = base;
    this.maxOffset = base + BigInt(MAX_RELATIVE_OFFSET);
    this.logPath = joinPath(dir, segmentFileName(base, LOG_SUFFIX));
    this.indexPath = joinPath(dir, segmentFileName(base, INDEX_SUFFIX));
    this.timeIndexPath = joinPath(dir, segmentFileName(base, TIME_INDEX_SUFFIX));
    this.readOnly = opts.readOnly ?? false;
    this.writeBuffer = opts.writeBufferBytes ?? DEFAULT_WRITE_BUFFER;
    this.syncEveryAppend = opts.syncEveryAppend ?? false;

    const log = this.readOnly ? openOrUndefined(fs, this.logPath, false) : fs.open(this.logPath, { create: true });
    if (!log) throw segError(SegCode.NOT_FOUND, `${this.logPath} does not exist`);
    this.log = log;
    this.fileSize = log.size();
    const timeIndex = opts.timeIndex ?? true;
    this.ix = new SegmentIndexes(fs, dir, this.indexPath, this.timeIndexPath, {
      readOnly: this.readOnly,
      timeIndex,
      created,
    });
    if (!this.readOnly && (opts.recover ?? true)) {
      const r = recoverSegment(this.log, this.logPath, this.fileSize, base, this.ix, opts.tail ?? 'truncate');
      this.recovery = r.report;
      this.fileSize = r.logSize;
      this.last = r.last;
    } else {
      // Without a rescan, use only the entries that are in order and inside the log.
      this.ix.trustWithin(this.fileSize);
    }
  }

  /** Opens (creating when allowed, as `Segment::new` does) the segment with base `base` in `dir`. */
  static open(fs: Fs, dir: string, base: bigint, opts: SegmentOptions = {}): Segment {
    const readOnly = opts.readOnly ?? false;
    const create = opts.create ?? !readOnly;
    const exists = fs.exists(joinPath(dir, segmentFileName(base, LOG_SUFFIX)));
    if (!exists && !create) throw segError(SegCode.NOT_FOUND, `no segment ${segmentFileName(base)} in ${dir}`);
    return new Segment(fs, dir, base, opts, !exists);
  }

  private live(): void {
    if (this.closed) throw segError(SegCode.CLOSED, `segment ${this.logPath} is closed`);
  }

  private writable(): void {
    this.live();
    if (this.readOnly) throw segError(SegCode.INVALID_VALUE, `segment ${this.logPath} was opened read-only`);
  }

  // ---- writing -----------------------------------------------------------------------

  /** Bytes in the segment, buffered ones included (the original's `current_size`). */
  get size(): number {
    return this.fileSize + this.pending.length;
  }

  /** Highest offset written (null when empty). */
  lastOffset(): bigint | null {
    if (this.last === undefined) this.last = this.recoverLastOffset();
    return this.last;
  }

  /** Whether `offset` can be stored here: at or above the base, and within u32 of it. */
  fits(offset: bigint): boolean {
    return offset >= this.baseOffset && offset <= this.maxOffset;
  }

  private checkOffset(offset: bigint, prev: bigint | null): void {
    if (offset < this.baseOffset) {
      throw segError(
        SegCode.OFFSET_BELOW_BASE,
        `Offset ${offset} is smaller than segment base offset ${this.baseOffset}`,
        undefined,
        { offset: offset.toString(), base: this.baseOffset.toString() },
      );
    }
    if (offset > this.maxOffset) {
      throw segError(
        SegCode.RELATIVE_OFFSET_OVERFLOW,
        `offset ${offset} is more than 2^32-1 above base ${this.baseOffset}`,
      );
    }
    if (prev !== null && offset <= prev) {
      throw segError(
        SegCode.OFFSET_NOT_INCREASING,
        `offset ${offset} is not above the last offset ${prev}`,
        undefined,
        {
          offset: offset.toString(),
          last: prev.toString(),
        },
      );
    }
  }

  /** `Segment::append`: frames `message` with `offset` set; returns the frame's position. */
  append(offset: bigint, message: Message): number {
    const positions = this.appendBatch([{ offset, message }]);
    return positions[0] as number;
  }

  /**
   * `Segment::append_batch`: one buffer, one write; returns each frame's position. Each frame
   * is validated and encoded straight into the write buffer (`appendMessageFrame`, no
   * per-message allocation). All or nothing: a bad offset or message leaves the segment as it was.
   */
  appendBatch(items: readonly { offset: bigint; message: Message }[]): number[] {
    this.writable();
    const n = items.length;
    if (n === 0) return [];
    let prev = this.lastOffset();
    const buf = this.pending;
    const from = buf.mark();
    const indexMark = this.ix.mark();
    const fileSize = this.fileSize;
    const base = this.baseOffset;
    const positions = new Array<number>(n);
    let running = this.ix.maxTs ?? Number.NEGATIVE_INFINITY;
    try {
      for (let i = 0; i < n; i++) {
        const { offset, message } = items[i] as { offset: bigint; message: Message };
        this.checkOffset(offset, prev);
        prev = offset;
        const position = fileSize + buf.length;
        positions[i] = position;
        const ms = appendMessageFrame(
          buf,
          message,
          message.timestamp,
          offset <= MAX_SAFE_BIG ? Number(offset) : offset,
        );
        if (ms > running) running = ms;
        if (this.ix.indexDue(position)) this.ix.addIndexEntry(position, Number(offset - base), running);
      }
    } catch (e) {
      buf.truncate(from);
      this.ix.rollback(indexMark);
      throw e;
    }
    this.appended(running, prev as bigint);
    return positions;
  }

  /**
   * Appends `messages` at offsets `first`, `first + 1`, … (the partition's batch path): each
   * frame is validated and encoded straight into the write buffer (the bytes `appendBatch`
   * writes for the same messages), with no per-message allocation and no bigint arithmetic
   * below 2^53. All or nothing: a message that fails validation leaves the segment as it was.
   * A message without a timestamp gets `now()`.
   */
  appendMessages(messages: readonly MessageToAppend[], first: bigint, now: () => Timestamp): void {
    this.writable();
    const n = messages.length;
    if (n === 0) return;
    const lastOffset = first + BigInt(n - 1);
    this.checkOffset(first, this.lastOffset());
    this.checkOffset(lastOffset, null);
    const buf = this.pending;
    const from = buf.mark();
    const indexMark = this.ix.mark();
    const fileSize = this.fileSize;
    const rel = Number(first - this.baseOffset);
    const firstNumber = lastOffset <= MAX_SAFE_BIG ? Number(first) : -1;
    let running = this.ix.maxTs ?? Number.NEGATIVE_INFINITY;
    try {
      for (let i = 0; i < n; i++) {
        const m = messages[i] as MessageToAppend;
        const position = fileSize + buf.length;
        const offset = firstNumber >= 0 ? firstNumber + i : first + BigInt(i);
        const ms = appendMessageFrame(buf, m, m.timestamp ?? now(), offset);
        if (ms > running) running = ms;
        if (this.ix.indexDue(position)) this.ix.addIndexEntry(position, rel + i, running);
      }
    } catch (e) {
      buf.truncate(from);
      this.ix.rollback(indexMark);
      throw e;
    }
    this.appended(running, lastOffset);
  }

  /** Bookkeeping after frames were added to the write buffer; writes or syncs as the policy says. */
  private appended(runningMax: number, lastOffset: bigint): void {
    this.ix.appended(runningMax);
    this.last = lastOffset;
    this.unsynced = true;
    if (this.syncEveryAppend) this.flush();
    else if (this.pending.length >= this.writeBuffer) this.drain();
  }

  /** Writes buffered frames to the file (not yet durable). */
  private drain(): void {
    const n = this.pending.length;
    if (n === 0) return;
    const bytes = this.pending.bytes;
    // Emptied first, as before: after a failed write the frames are not retried.
    this.pending.clear(Math.max(KEEP_BUFFER_BYTES, 4 * this.writeBuffer));
    writeFully(this.log, bytes, this.fileSize, 0, n);
    this.fileSize += n;
  }

  /**
   * `Segment::flush`: write buffered frames, sync the log, then append and sync the index
   * entries gathered since the last flush (then the time index). When it returns, every
   * message appended before it is durable.
   */
  flush(): void {
    this.writable();
    this.drain();
    if (this.unsynced) {
      this.log.fdatasync();
      this.unsynced = false;
    }
    // The index files follow the log and are not synced here: the log is what is durable, and
    // recovery re-derives index entries a crash lost (SEG-S-003). One sync per flush, not three.
    this.ix.writeNew();
  }

  /**
   * Flushes and syncs the index files too: a sealed segment is never rescanned at open, so its
   * indexes must be complete on disk before the partition moves on (roll, close).
   */
  seal(): void {
    this.flush();
    // Nothing is appended to a sealed segment: let its write buffer go.
    this.pending.clear(0);
    this.ix.sync();
  }

  /** True when appends since the last flush are not durable yet. */
  get dirty(): boolean {
    return this.unsynced || this.pending.length > 0 || this.ix.unwritten;
  }

  // ---- reading -----------------------------------------------------------------------

  /** File handle for reads, with buffered frames written first (as the original's read does). */
  private reader(): FileHandle {
    this.live();
    if (!this.readOnly) this.drain();
    return this.log;
  }

  /**
   * `Segment::read(offset, max_bytes)` with logspec's options (`onCorrupt: 'stop'`,
   * `maxMessages`). Starts at the sparse index entry at or below the offset; the frames before
   * the offset are CRC-checked but not decoded unless `decodeSkipped` is set (the original's rule).
   */
  read(offset: bigint, opts: SegmentReadOptions = {}): SegmentReadResult {
    const h = this.reader();
    return readSegment(h, this.ix.index, this.baseOffset, offset, { decodeSkipped: false, ...opts }, this.fileSize);
  }

  /** Streams the messages from `offset` on to `visit` (same rules as `read`, nothing collected). */
  scan(offset: bigint, visit: MessageVisitor, opts: SegmentReadOptions = {}): SegmentScanResult {
    const h = this.reader();
    return scanSegment(
      h,
      this.ix.index,
      this.baseOffset,
      offset,
      visit,
      { decodeSkipped: false, ...opts },
      this.fileSize,
    );
  }

  /** `recover_last_offset` of the original (scan from the last index entry). */
  recoverLastOffset(): bigint | null {
    return recoverLastOffset(this.reader(), this.ix.index, this.fileSize);
  }

  /** `timestamp_bounds` of the original (a full scan). */
  timestampBounds(): { min: bigint; max: bigint } | null {
    return timestampBounds(this.reader(), this.fileSize);
  }

  /** Index entries (in memory: flushed and pending). */
  indexEntries(): { relativeOffset: number; position: number }[] {
    return this.ix.index.entries();
  }

  /** The log for a scan: buffered frames written first. */
  private readonly logView: LogView = () => {
    const h = this.reader();
    return { h, size: this.fileSize };
  };

  /** Largest `timestamp_millis` in the segment (undefined when nothing decodes). */
  maxTimestamp(): number | undefined {
    return this.ix.maxTimestamp(this.logView, this.readOnly);
  }

  /**
   * First offset (in file order) whose `timestamp_millis ≥ targetMs` — the original's answer,
   * found from the time index: entries hold the running maximum, so every frame up to the last
   * entry below the target is below it too, and the scan covers at most one index interval.
   */
  findOffsetForTimestamp(targetMs: number | bigint): bigint | null {
    const target = Number(targetMs);
    const t = this.ix.completeTimeIndex(this.logView, this.readOnly);
    const k = t.lastBelow(target);
    const index = this.ix.index;
    const start = k >= 0 && k < index.length ? (index.pos[k] as number) : 0;
    return findOffsetForTimestampLinear(this.reader(), target, { start, end: this.fileSize });
  }

  /** The original's linear `find_offset_for_timestamp` (a full scan; kept as the benchmark baseline). */
  findOffsetForTimestampLinear(targetMs: number | bigint): bigint | null {
    return findOffsetForTimestampLinear(this.reader(), Number(targetMs), { start: 0, end: this.fileSize });
  }

  // ---- lifecycle ---------------------------------------------------------------------

  /** Flushes (when writable) and closes the files. */
  close(): void {
    if (this.closed) return;
    try {
      if (!this.readOnly && (this.dirty || this.ix.unsynced)) this.seal();
    } finally {
      this.closed = true;
      this.log.close();
      this.ix.close(false);
    }
  }

  /**
   * Closes as the original's `Segment` is dropped: its `BufWriter` writes buffered frames (no
   * sync), index entries not yet flushed are lost. For replaying reference recipes.
   */
  dropLikeOriginal(): void {
    if (this.closed) return;
    if (!this.readOnly) this.drain();
    this.abandon();
  }

  /** Closes without flushing (buffered appends are dropped): for abandoning after an I/O error. */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending.clear(0);
    try {
      this.log.close();
    } catch {
      // already unusable
    }
    this.ix.close(true);
  }

  /** Deletes the files: the log first, so a crash in between leaves no half-listed segment. */
  deleteFiles(): void {
    this.abandon();
    for (const p of [this.logPath, this.indexPath, this.timeIndexPath]) {
      try {
        this.fs.unlink(p);
      } catch (e) {
        if (!isErrno(e, 'ENOENT')) throw e;
      }
    }
  }
}
