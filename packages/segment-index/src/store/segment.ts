import { crc32, type FileHandle, type Fs, isErrno, joinPath, LogspecError, readFully, writeFully } from '@logspec/core';
import { scanFileFrames, segmentLayout } from '@logspec/frame';
import { findWitness } from '@logspec/frame/store';
import { appendMessageFrame, appendPreparedFrame, type MessageFields, newFrameBuffer } from '../codec/batch-encoder.js';
import { SegCode, segError } from '../codec/errors.js';
import { FRAME_HEADER_SIZE } from '../codec/frame.js';
import {
  INDEX_ENTRY_SIZE,
  INDEX_INTERVAL_BYTES,
  type IndexProblem,
  indexEntryOrderProblem,
  indexedFrameProblem,
  indexTornTail,
  MAX_RELATIVE_OFFSET,
  OffsetIndex,
  pairedTimePrefix,
  TIME_INDEX_ENTRY_SIZE,
  TimeIndex,
  timeIndexProblem,
  validateOffsetIndex,
} from '../codec/index-entries.js';
import { decodeMessageAt, type Message, type PreparedMessage, prepareMessage } from '../codec/message.js';
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
import { type Timestamp, timestampMillisNumber } from '../codec/timestamp.js';

/** A message for `Segment.appendMessages`: fields with the original's defaults, timestamp optional. */
export type MessageToAppend = MessageFields & { timestamp?: Timestamp };

export interface SegmentOptions {
  /** Keep a `.timeindex` (logspec; default true). The original neither writes nor reads it. */
  timeIndex?: boolean;
  /** Open without writing anything: no recovery, no file creation, no index repair. */
  readOnly?: boolean;
  /** Create the files when missing, as `Segment::new` does (default true unless read-only). */
  create?: boolean;
  /**
   * What recovery does with a torn or corrupt tail of the log (default `truncate`, Kafka's rule:
   * everything before it was checked frame by frame). `refuse` throws `SEG_CORRUPT_TAIL`.
   * `torn-only` cuts the tail only when no complete, CRC-valid, non-empty frame follows the
   * damage (a crash's torn tail); when one does it cuts nothing and throws
   * `SEG_CORRUPT_BEFORE_TAIL` naming it (SEG-S-010).
   */
  tail?: 'truncate' | 'refuse' | 'torn-only';
  /** Appended frames are kept in memory up to this many bytes before being written (default 64 KiB). */
  writeBufferBytes?: number;
  /** Make every append durable before it returns (default false: durable at `flush()`). */
  syncEveryAppend?: boolean;
  /**
   * Run logspec's recovery on open (default true when writable). A partition opens its sealed
   * segments without it: they were synced before the roll and are never appended to again.
   */
  recover?: boolean;
}

/** What logspec's recovery found and repaired when the segment was opened. */
export interface RecoveryReport {
  /** Bytes cut from the end of the log (a torn frame, or everything from a bad CRC on). */
  truncatedBytes: number;
  /** `empty_frame`: a zero-length frame (zeros left by a crash); no writer produces one. */
  tail: 'clean' | 'torn' | 'crc_mismatch' | 'empty_frame';
  /** Index entries dropped because they were torn, out of order, past the log or not at their frame. */
  indexEntriesDropped: number;
  /** Index entries written for frames the index did not cover (e.g. lost at a crash). */
  indexEntriesAdded: number;
  /** Frames with a valid CRC whose payload does not decode (kept: they are not crash damage). */
  undecodableFrames: number;
  /**
   * What was wrong with the index files, each with the byte offset in its file: a partial last
   * entry of `.index`, the first bad `.index` entry, the first bad `.timeindex` entry (entries
   * after a bad one are not trusted, so not inspected).
   */
  indexProblems: IndexProblem[];
  /** A bad `.index` entry made recovery discard the index and rebuild it from the log (Kafka's rule). */
  indexRebuilt: boolean;
}

const DEFAULT_WRITE_BUFFER = 64 << 10;
/** The write buffer is kept between batches up to this size (or 4 write buffers, if larger). */
const KEEP_BUFFER_BYTES = 1 << 20;
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
/** Time index value for "no decodable message up to here": below every real timestamp. */
const NO_TIMESTAMP = Number.MIN_SAFE_INTEGER;

/** First read when probing the frame an index entry points at (most frames fit). */
/** Bytes of log read at a time while index entries are checked against their frames. */
const PROBE_WINDOW = 1 << 20;

/** A piece of the log held in memory: `bytes[0, length)` is the log from `start`. */
interface ProbeWindow {
  bytes: Uint8Array;
  start: number;
  length: number;
}

function openOrUndefined(fs: Fs, path: string, write: boolean): FileHandle | undefined {
  try {
    return fs.open(path, { write });
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return undefined;
    throw e;
  }
}

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
  readonly logPath: string;
  readonly indexPath: string;
  readonly timeIndexPath: string;
  readonly readOnly: boolean;
  readonly recovery: RecoveryReport | undefined;

  private log: FileHandle;
  private indexFile: FileHandle | undefined;
  private timeFile: FileHandle | undefined;
  private fileSize: number;
  /** Frames appended and not yet written to the log (the original's `BufWriter`). */
  private readonly pending = newFrameBuffer();
  private readonly writeBuffer: number;
  private readonly syncEveryAppend: boolean;
  private readonly index: OffsetIndex;
  private indexOnDisk: number;
  private lastIndexPosition: number;
  private readonly useTimeIndex: boolean;
  private time: TimeIndex | undefined;
  private timeOnDisk = 0;
  private timeFileLen = 0;
  /** Running max `timestamp_millis` over the whole segment (undefined until known). */
  private maxTs: number | undefined;
  private maxTsKnown = false;
  private last: bigint | null | undefined;
  private unsynced = false;
  private indexesUnsynced = false;
  private closed = false;
  /** Problems seen while loading the index files (reported by recovery). */
  private readonly loadProblems: IndexProblem[] = [];

  private constructor(fs: Fs, dir: string, base: bigint, opts: SegmentOptions, created: boolean) {
    this.fs = fs;
    this.dir = dir;
    this.baseOffset = base;
    this.logPath = joinPath(dir, segmentFileName(base, LOG_SUFFIX));
    this.indexPath = joinPath(dir, segmentFileName(base, INDEX_SUFFIX));
    this.timeIndexPath = joinPath(dir, segmentFileName(base, TIME_INDEX_SUFFIX));
    this.readOnly = opts.readOnly ?? false;
    this.writeBuffer = opts.writeBufferBytes ?? DEFAULT_WRITE_BUFFER;
    this.syncEveryAppend = opts.syncEveryAppend ?? false;
    this.useTimeIndex = opts.timeIndex ?? true;

    const log = this.readOnly ? openOrUndefined(fs, this.logPath, false) : fs.open(this.logPath, { create: true });
    if (!log) throw segError(SegCode.NOT_FOUND, `${this.logPath} does not exist`);
    this.log = log;
    this.fileSize = log.size();
    if (!this.readOnly) {
      // A new segment starts with empty index files even if stale ones were left behind.
      this.indexFile = fs.open(this.indexPath, { create: true, truncate: created });
      if (this.useTimeIndex) this.timeFile = fs.open(this.timeIndexPath, { create: true, truncate: created });
      if (created) fs.fsyncDir(dir);
    }
    const indexBytes = this.readWhole(this.indexFile ?? openOrUndefined(fs, this.indexPath, false), !this.indexFile);
    this.index = OffsetIndex.fromBytes(indexBytes);
    const torn = indexTornTail(indexBytes.length);
    if (torn) this.loadProblems.push(torn);
    this.indexOnDisk = this.index.length;
    this.lastIndexPosition = this.index.lastPosition() ?? 0;
    if (this.useTimeIndex) {
      const t = this.readWhole(this.timeFile ?? openOrUndefined(fs, this.timeIndexPath, false), !this.timeFile);
      this.time = TimeIndex.fromBytes(t);
      this.timeFileLen = t.length;
      const problem = timeIndexProblem(t, this.time, this.index);
      if (problem) this.loadProblems.push(problem);
      // Only entries that pair with the offset index (same relative offset, maxima ascending) count.
      this.time.truncate(pairedTimePrefix(this.time, this.index));
      this.timeOnDisk = this.time.length;
    }
    if (!this.readOnly && (opts.recover ?? true)) this.recovery = this.recover(opts.tail ?? 'truncate');
    else {
      // Without a rescan, use only the entries that are in order and inside the log.
      this.index.truncate(validateOffsetIndex(this.index, this.fileSize));
      if (this.time) {
        this.time.truncate(pairedTimePrefix(this.time, this.index));
        this.timeOnDisk = Math.min(this.timeOnDisk, this.time.length);
      }
      this.lastIndexPosition = this.index.lastPosition() ?? 0;
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

  private readWhole(h: FileHandle | undefined, close: boolean): Uint8Array {
    if (!h) return new Uint8Array(0);
    try {
      const n = h.size();
      const buf = new Uint8Array(n);
      const got = readFully(h, buf, 0, n, 0);
      return buf.subarray(0, got);
    } finally {
      if (close) h.close();
    }
  }

  private live(): void {
    if (this.closed) throw segError(SegCode.CLOSED, `segment ${this.logPath} is closed`);
  }

  private writable(): void {
    this.live();
    if (this.readOnly) throw segError(SegCode.INVALID_VALUE, `segment ${this.logPath} was opened read-only`);
  }

  // ---- recovery ----------------------------------------------------------------------

  /**
   * logspec's recovery (the original has none): check every index entry against the log (in
   * order, inside it, at a CRC-valid frame carrying its offset); if one is bad, discard the
   * index and rebuild it from the log (Kafka's rule), else keep it and the time index entries
   * that pass their CRC and pair with it; rescan the log from the last entry both agree on,
   * re-deriving entries by the original's rule; cut a torn or corrupt tail.
   */
  private recover(tail: NonNullable<SegmentOptions['tail']>): RecoveryReport {
    const idx = this.index;
    const loaded = idx.length;
    const bad = this.firstBadIndexEntry();
    // A `.timeindex` entry paired with the bad `.index` entry is not itself wrong.
    const problems = this.loadProblems.filter(
      (p) => !(bad && p.code === SegCode.INDEX_TIME_UNPAIRED && p.entry === bad.entry),
    );
    let before: EntriesCopy | undefined;
    let j = idx.length - 1;
    if (bad) {
      problems.push(bad);
      before = { rel: idx.rel.slice(0, loaded), pos: idx.pos.slice(0, loaded), length: loaded };
      j = -1;
    }
    if (this.time) j = Math.min(j, this.time.length - 1);
    idx.truncate(j + 1);
    this.time?.truncate(j + 1);
    const start = j >= 0 ? (idx.pos[j] as number) : 0;
    this.lastIndexPosition = j >= 0 ? start : 0;
    let running = this.time && j >= 0 ? (this.time.ts[j] as number) : Number.NEGATIVE_INFINITY;
    let last: bigint | null = null;
    let undecodable = 0;
    // From here the running maximum is exact, so the rescan can re-derive time index entries.
    if (this.time) this.maxTsKnown = true;
    let emptyFrameAt = -1;
    const stop = scanFileFrames(
      this.log,
      segmentLayout,
      (ps, pe, at, bytes) => {
        // No writer produces an empty payload; 8 zero bytes (crc 0 of nothing, length 0) are
        // what a file system that extended the file without its data leaves: tail damage.
        if (pe === ps) {
          emptyFrameAt = at;
          return false;
        }
        let m: Message | undefined;
        try {
          m = decodeMessageAt(bytes, ps, pe, { baseOffset: at + FRAME_HEADER_SIZE }).message;
        } catch (e) {
          if (!(e instanceof LogspecError)) throw e;
          undecodable++;
        }
        if (m) {
          if (last === null || m.offset > last) last = m.offset;
          const ms = timestampMillisNumber(m.timestamp);
          if (ms > running) running = ms;
        }
        if ((at !== start || j < 0) && this.indexDue(at)) {
          this.addIndexEntry(at, m ? Number(m.offset - this.baseOffset) : undefined, running);
        }
      },
      { start, end: this.fileSize },
    );
    const validEnd = emptyFrameAt >= 0 ? emptyFrameAt : stop.offset;
    let truncatedBytes = 0;
    let tailKind: RecoveryReport['tail'] = 'clean';
    if (emptyFrameAt >= 0 || stop.reason === 'torn' || stop.reason === 'crc_mismatch') {
      tailKind = emptyFrameAt >= 0 ? 'empty_frame' : stop.reason === 'torn' ? 'torn' : 'crc_mismatch';
      if (tail === 'refuse') {
        throw segError(SegCode.CORRUPT_TAIL, `${this.logPath}: ${tailKind} frame at ${validEnd}`, validEnd, {
          reason: tailKind,
          size: this.fileSize,
        });
      }
      if (tail === 'torn-only') {
        const w = findWitness(this.log, validEnd, this.fileSize, undefined, segmentLayout);
        if (w !== undefined) {
          const where = w === 'budget' ? 'may follow (search budget exhausted)' : `follows at byte ${w}`;
          throw segError(
            SegCode.CORRUPT_BEFORE_TAIL,
            `${this.logPath}: ${tailKind} frame at ${validEnd}, and a valid frame ${where}; nothing was cut`,
            validEnd,
            { reason: tailKind, witness: w === 'budget' ? null : w, size: this.fileSize },
          );
        }
      }
      truncatedBytes = this.fileSize - validEnd;
      this.log.truncate(validEnd);
      this.log.fsync();
      this.fileSize = validEnd;
    }
    this.last = j >= 0 && last === null ? undefined : last;
    if (this.time) {
      this.maxTs = running === Number.NEGATIVE_INFINITY ? undefined : running;
      this.maxTsKnown = true;
    }
    let dropped = Math.max(0, loaded - (j + 1));
    let added = idx.length - (j + 1);
    if (before) {
      // Rebuilt from scratch: count the entries that actually changed.
      const same = sameEntries(before, idx);
      dropped = before.length - same;
      added = idx.length - same;
    }
    this.rewriteIndexes(j + 1);
    return {
      truncatedBytes,
      tail: tailKind,
      indexEntriesDropped: dropped,
      indexEntriesAdded: added,
      undecodableFrames: undecodable,
      indexProblems: problems,
      indexRebuilt: before !== undefined,
    };
  }

  /**
   * The first `.index` entry that is out of order, outside the log, not at the start of a
   * non-empty CRC-valid frame (or inside the previous entry's frame), or at a frame carrying
   * another offset. The log is read front to back in `PROBE_WINDOW` pieces: entries are
   * ≥ 4 KiB of log apart, and one positioned read per entry cost 8× the old open (a syscall
   * per 4 KiB dominated the profile); one read per MiB costs about a memcpy of the log.
   */
  private firstBadIndexEntry(): IndexProblem | undefined {
    const idx = this.index;
    let prevEnd = 0;
    const win: ProbeWindow = { bytes: new Uint8Array(Math.min(PROBE_WINDOW, this.fileSize)), start: 0, length: 0 };
    for (let k = 0; k < idx.length; k++) {
      const order = indexEntryOrderProblem(idx, k, this.fileSize);
      if (order) return order;
      const pos = idx.pos[k] as number;
      const probe = pos < prevEnd ? { offset: undefined, end: pos } : this.probeFrame(pos, win);
      const problem = indexedFrameProblem(idx, k, this.baseOffset, probe.offset);
      if (problem) {
        if (pos < prevEnd) problem.message += ` (it lies inside entry ${k - 1}'s frame)`;
        return problem;
      }
      prevEnd = probe.end;
    }
    return undefined;
  }

  /**
   * The frame starting at `pos`: its message offset (`null` when the payload does not decode,
   * `undefined` when no non-empty CRC-valid frame starts there) and where it ends. Bytes come
   * from `win` (refilled from `pos` when the frame is not inside it); a frame larger than the
   * window gets a buffer of its own, sized only after its length was checked against the log.
   */
  private probeFrame(pos: number, win: ProbeWindow): { offset: bigint | null | undefined; end: number } {
    const size = this.fileSize;
    if (pos + FRAME_HEADER_SIZE > size) return { offset: undefined, end: pos };
    if (pos < win.start || pos + FRAME_HEADER_SIZE > win.start + win.length) this.fillWindow(win, pos);
    let at = pos - win.start;
    let buf = win.bytes;
    const v = new DataView(buf.buffer, buf.byteOffset + at, FRAME_HEADER_SIZE);
    const crc = v.getUint32(0, false);
    const len = v.getUint32(4, false);
    const n = FRAME_HEADER_SIZE + len;
    if (len === 0 || pos + n > size) return { offset: undefined, end: pos };
    if (at + n > win.length) {
      if (n <= buf.length) {
        this.fillWindow(win, pos);
        at = 0;
      } else {
        const whole = new Uint8Array(n);
        if (readFully(this.log, whole, 0, n, pos) < n) return { offset: undefined, end: pos };
        buf = whole;
        at = 0;
      }
      if (buf === win.bytes && n > win.length) return { offset: undefined, end: pos };
    }
    if (crc32(buf, at + FRAME_HEADER_SIZE, at + n) !== crc) return { offset: undefined, end: pos };
    try {
      return {
        offset: decodeMessageAt(buf, at + FRAME_HEADER_SIZE, at + n, { baseOffset: pos + FRAME_HEADER_SIZE }).message
          .offset,
        end: pos + n,
      };
    } catch (e) {
      if (!(e instanceof LogspecError)) throw e;
      return { offset: null, end: pos + n };
    }
  }

  private fillWindow(win: ProbeWindow, pos: number): void {
    win.start = pos;
    win.length = readFully(this.log, win.bytes, 0, Math.min(win.bytes.length, this.fileSize - pos), pos);
  }

  /** Makes the index files hold exactly the in-memory entries, rewriting only from `keep` on. */
  private rewriteIndexes(keep: number): void {
    const idxFile = this.indexFile as FileHandle;
    const want = this.index.toBytes(keep);
    const onDiskBytes = idxFile.size();
    const tailNow = new Uint8Array(Math.max(0, onDiskBytes - keep * INDEX_ENTRY_SIZE));
    readFully(idxFile, tailNow, 0, tailNow.length, keep * INDEX_ENTRY_SIZE);
    if (!bytesEqual(tailNow, want)) {
      idxFile.truncate(keep * INDEX_ENTRY_SIZE);
      writeFully(idxFile, want, keep * INDEX_ENTRY_SIZE);
      idxFile.fsync();
    }
    this.indexOnDisk = this.index.length;
    if (this.time && this.timeFile) {
      const tf = this.timeFile;
      const wantT = this.time.toBytes(keep);
      const tNow = new Uint8Array(Math.max(0, tf.size() - keep * TIME_INDEX_ENTRY_SIZE));
      readFully(tf, tNow, 0, tNow.length, keep * TIME_INDEX_ENTRY_SIZE);
      if (!bytesEqual(tNow, wantT)) {
        tf.truncate(keep * TIME_INDEX_ENTRY_SIZE);
        writeFully(tf, wantT, keep * TIME_INDEX_ENTRY_SIZE);
        tf.fsync();
      }
      this.timeOnDisk = this.time.length;
      this.timeFileLen = this.timeOnDisk * TIME_INDEX_ENTRY_SIZE;
    }
  }

  /** Appends the time index entries not on disk yet (after cutting any unpaired tail there). */
  private writeTimeEntries(): void {
    const t = this.time;
    const f = this.timeFile;
    if (!t || !f || t.length <= this.timeOnDisk) return;
    const at = this.timeOnDisk * TIME_INDEX_ENTRY_SIZE;
    if (this.timeFileLen !== at) f.truncate(at);
    writeFully(f, t.toBytes(this.timeOnDisk), at);
    this.timeOnDisk = t.length;
    this.timeFileLen = t.length * TIME_INDEX_ENTRY_SIZE;
    this.indexesUnsynced = true;
  }

  /** The original's sparse rule: the first frame, and every frame ≥ 4 KiB after the last indexed one. */
  private indexDue(position: number): boolean {
    return position === 0 || position - this.lastIndexPosition >= INDEX_INTERVAL_BYTES;
  }

  /** An index entry for the frame at `position` (due by `indexDue`), plus the paired time index entry. */
  private addIndexEntry(position: number, rel: number | undefined, runningMax: number): void {
    // An undecodable frame still gets its entry (its offset unknown: reuse the previous one).
    const r = rel ?? (this.index.length > 0 ? (this.index.rel[this.index.length - 1] as number) : 0);
    // The time index follows only while it pairs entry for entry and the running max is known.
    const paired = this.time !== undefined && this.maxTsKnown && this.time.length === this.index.length;
    this.index.push(r, position);
    if (paired) this.time?.push(runningMax === Number.NEGATIVE_INFINITY ? NO_TIMESTAMP : runningMax, r);
    this.lastIndexPosition = position;
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
    return offset >= this.baseOffset && offset - this.baseOffset <= BigInt(MAX_RELATIVE_OFFSET);
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
    if (offset - this.baseOffset > BigInt(MAX_RELATIVE_OFFSET)) {
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

  /** `Segment::append_batch`: one buffer, one write; returns each frame's position. */
  appendBatch(items: readonly { offset: bigint; message: Message }[]): number[] {
    this.writable();
    if (items.length === 0) return [];
    let prev = this.lastOffset();
    const prepared: PreparedMessage[] = new Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const { offset, message } = items[i] as { offset: bigint; message: Message };
      this.checkOffset(offset, prev);
      prev = offset;
      prepared[i] = prepareMessage(message.offset === offset ? message : { ...message, offset });
    }
    return this.appendPrepared(prepared);
  }

  /** Appends messages whose offsets were already checked (the partition's general path). */
  appendPrepared(prepared: readonly PreparedMessage[]): number[] {
    this.writable();
    const buf = this.pending;
    const from = buf.mark();
    const positions = new Array<number>(prepared.length);
    try {
      for (let i = 0; i < prepared.length; i++) {
        positions[i] = this.fileSize + buf.length;
        appendPreparedFrame(buf, prepared[i] as PreparedMessage);
      }
    } catch (e) {
      buf.truncate(from);
      throw e;
    }
    let running = this.maxTs ?? Number.NEGATIVE_INFINITY;
    for (let i = 0; i < prepared.length; i++) {
      const m = (prepared[i] as PreparedMessage).message;
      const ms = timestampMillisNumber(m.timestamp);
      if (ms > running) running = ms;
      const position = positions[i] as number;
      if (this.indexDue(position)) this.addIndexEntry(position, Number(m.offset - this.baseOffset), running);
    }
    this.appended(running, (prepared[prepared.length - 1] as PreparedMessage).message.offset);
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
    const indexFrom = this.index.length;
    const timeFrom = this.time?.length ?? 0;
    const lastIndexFrom = this.lastIndexPosition;
    const fileSize = this.fileSize;
    const rel = Number(first - this.baseOffset);
    const firstNumber = lastOffset <= MAX_SAFE_BIG ? Number(first) : -1;
    let running = this.maxTs ?? Number.NEGATIVE_INFINITY;
    try {
      for (let i = 0; i < n; i++) {
        const m = messages[i] as MessageToAppend;
        const position = fileSize + buf.length;
        const offset = firstNumber >= 0 ? firstNumber + i : first + BigInt(i);
        const ms = appendMessageFrame(buf, m, m.timestamp ?? now(), offset);
        if (ms > running) running = ms;
        if (this.indexDue(position)) this.addIndexEntry(position, rel + i, running);
      }
    } catch (e) {
      buf.truncate(from);
      this.index.truncate(indexFrom);
      this.time?.truncate(timeFrom);
      this.lastIndexPosition = lastIndexFrom;
      throw e;
    }
    this.appended(running, lastOffset);
  }

  /** Bookkeeping after frames were added to the write buffer; writes or syncs as the policy says. */
  private appended(runningMax: number, lastOffset: bigint): void {
    if (this.maxTsKnown) this.maxTs = runningMax === Number.NEGATIVE_INFINITY ? undefined : runningMax;
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
    if (this.index.length > this.indexOnDisk) {
      const f = this.indexFile as FileHandle;
      writeFully(f, this.index.toBytes(this.indexOnDisk), this.indexOnDisk * INDEX_ENTRY_SIZE);
      this.indexOnDisk = this.index.length;
      this.indexesUnsynced = true;
    }
    this.writeTimeEntries();
  }

  /**
   * Flushes and syncs the index files too: a sealed segment is never rescanned at open, so its
   * indexes must be complete on disk before the partition moves on (roll, close).
   */
  seal(): void {
    this.flush();
    // Nothing is appended to a sealed segment: let its write buffer go.
    this.pending.clear(0);
    if (this.indexesUnsynced) {
      this.indexFile?.fsync();
      this.timeFile?.fsync();
      this.indexesUnsynced = false;
    }
  }

  /** True when appends since the last flush are not durable yet. */
  get dirty(): boolean {
    return this.unsynced || this.pending.length > 0 || this.index.length > this.indexOnDisk;
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
    return readSegment(h, this.index, this.baseOffset, offset, { decodeSkipped: false, ...opts }, this.fileSize);
  }

  /** Streams the messages from `offset` on to `visit` (same rules as `read`, nothing collected). */
  scan(offset: bigint, visit: MessageVisitor, opts: SegmentReadOptions = {}): SegmentScanResult {
    const h = this.reader();
    return scanSegment(h, this.index, this.baseOffset, offset, visit, { decodeSkipped: false, ...opts }, this.fileSize);
  }

  /** `recover_last_offset` of the original (scan from the last index entry). */
  recoverLastOffset(): bigint | null {
    return recoverLastOffset(this.reader(), this.index, this.fileSize);
  }

  /** `timestamp_bounds` of the original (a full scan). */
  timestampBounds(): { min: bigint; max: bigint } | null {
    return timestampBounds(this.reader(), this.fileSize);
  }

  /** Index entries (in memory: flushed and pending). */
  indexEntries(): { relativeOffset: number; position: number }[] {
    return this.index.entries();
  }

  /** The time index is complete when it has an entry for every offset index entry. */
  private completeTimeIndex(): TimeIndex {
    let t = this.time;
    if (!t) {
      t = new TimeIndex();
      this.time = t;
    }
    if (t.length >= this.index.length) return t;
    const h = this.reader();
    const k = t.length;
    let running = k > 0 ? (t.ts[k - 1] as number) : Number.NEGATIVE_INFINITY;
    let next = k;
    const start = k > 0 ? (this.index.pos[k - 1] as number) : 0;
    scanFileFrames(
      h,
      segmentLayout,
      (ps, pe, at, bytes) => {
        try {
          const m = decodeMessageAt(bytes, ps, pe, { baseOffset: at + FRAME_HEADER_SIZE }).message;
          const ms = timestampMillisNumber(m.timestamp);
          if (ms > running) running = ms;
        } catch (e) {
          if (!(e instanceof LogspecError)) throw e;
        }
        while (next < this.index.length && (this.index.pos[next] as number) < at) next++;
        if (next < this.index.length && this.index.pos[next] === at) {
          t.push(running === Number.NEGATIVE_INFINITY ? NO_TIMESTAMP : running, this.index.rel[next] as number);
          next++;
        }
        return next < this.index.length;
      },
      { start, end: this.fileSize, verifyCrc: false },
    );
    if (t.length < this.index.length) {
      // Entries not at frame starts: keep the usable prefix, lookups scan past it.
      return t;
    }
    // Written, synced at close (or not at all: a lost entry is recomputed).
    if (!this.readOnly) this.writeTimeEntries();
    return t;
  }

  /** Largest `timestamp_millis` in the segment (undefined when nothing decodes). */
  maxTimestamp(): number | undefined {
    if (this.maxTsKnown) return this.maxTs;
    const t = this.completeTimeIndex();
    const k = t.length;
    let running = k > 0 ? (t.ts[k - 1] as number) : Number.NEGATIVE_INFINITY;
    const start = k > 0 ? (this.index.pos[k - 1] as number) : 0;
    scanFileFrames(
      this.reader(),
      segmentLayout,
      (ps, pe, at, bytes) => {
        try {
          const ms = timestampMillisNumber(
            decodeMessageAt(bytes, ps, pe, { baseOffset: at + FRAME_HEADER_SIZE }).message.timestamp,
          );
          if (ms > running) running = ms;
        } catch (e) {
          if (!(e instanceof LogspecError)) throw e;
        }
      },
      { start, end: this.fileSize, verifyCrc: false },
    );
    this.maxTs = running === Number.NEGATIVE_INFINITY || running === NO_TIMESTAMP ? undefined : running;
    this.maxTsKnown = true;
    return this.maxTs;
  }

  /**
   * First offset (in file order) whose `timestamp_millis ≥ targetMs` — the original's answer,
   * found from the time index: entries hold the running maximum, so every frame up to the last
   * entry below the target is below it too, and the scan covers at most one index interval.
   */
  findOffsetForTimestamp(targetMs: number | bigint): bigint | null {
    const target = Number(targetMs);
    const t = this.completeTimeIndex();
    const k = t.lastBelow(target);
    const start = k >= 0 && k < this.index.length ? (this.index.pos[k] as number) : 0;
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
      if (!this.readOnly && (this.dirty || this.indexesUnsynced)) this.seal();
    } finally {
      this.closed = true;
      this.log.close();
      this.indexFile?.close();
      this.timeFile?.close();
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
    for (const h of [this.log, this.indexFile, this.timeFile]) {
      try {
        h?.close();
      } catch {
        // already unusable
      }
    }
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

interface EntriesCopy {
  rel: Uint32Array;
  pos: Float64Array;
  length: number;
}

/** Number of entries equal in both indexes at the same number. */
function sameEntries(a: EntriesCopy, b: EntriesCopy): number {
  let same = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a.rel[i] === b.rel[i] && a.pos[i] === b.pos[i]) same++;
  return same;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
