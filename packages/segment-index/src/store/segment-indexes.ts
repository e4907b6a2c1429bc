import { equalBytes, type FileHandle, type Fs, isErrno, LogspecError, readFully, writeFully } from '@logspec/core';
import { scanFileFrames, segmentLayout } from '@logspec/frame';
import { FRAME_HEADER_SIZE } from '../codec/frame.js';
import {
  INDEX_ENTRY_SIZE,
  INDEX_INTERVAL_BYTES,
  type IndexProblem,
  indexTornTail,
  OffsetIndex,
  pairedTimePrefix,
  TIME_INDEX_ENTRY_SIZE,
  TimeIndex,
  timeIndexProblem,
  validateOffsetIndex,
} from '../codec/index-entries.js';
import { decodeMessageAt } from '../codec/message-reader.js';
import { timestampMillisNumber } from '../codec/timestamp.js';

/** Time index value for "no decodable message up to here": below every real timestamp. */
export const NO_TIMESTAMP = Number.MIN_SAFE_INTEGER;

export function openOrUndefined(fs: Fs, path: string, write: boolean): FileHandle | undefined {
  try {
    return fs.open(path, { write });
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return undefined;
    throw e;
  }
}

function readWhole(h: FileHandle | undefined, close: boolean): Uint8Array {
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

/** The segment's log for a scan, buffered frames written first: its handle and size. */
export type LogView = () => { h: FileHandle; size: number };

/** Where the in-memory entries stood before an append: `rollback` returns to it. */
export interface IndexMark {
  index: number;
  time: number;
  lastIndexPosition: number;
}

/**
 * A segment's `.index` (the original's sparse entries) and logspec's `.timeindex`: the
 * entries in memory, how many of them are on disk, the sparse rule that adds them, and the
 * running maximum timestamp the time index holds.
 */
export class SegmentIndexes {
  readonly index: OffsetIndex;
  time: TimeIndex | undefined;
  indexOnDisk: number;
  lastIndexPosition: number;
  /** Running max `timestamp_millis` over the whole segment (undefined until known). */
  maxTs: number | undefined;
  maxTsKnown = false;
  /** Entries were written since the index files were last synced. */
  unsynced = false;
  /** Problems seen while loading the index files (reported by recovery). */
  readonly loadProblems: IndexProblem[] = [];

  private readonly indexFile: FileHandle | undefined;
  private readonly timeFile: FileHandle | undefined;
  private timeOnDisk = 0;
  private timeFileLen = 0;

  /**
   * Opens (writable: creating, and truncating for a new segment) and loads both index files.
   * `dir` is synced when the segment is `created`.
   */
  constructor(
    fs: Fs,
    dir: string,
    indexPath: string,
    timeIndexPath: string,
    opts: { readOnly: boolean; timeIndex: boolean; created: boolean },
  ) {
    const { readOnly, created } = opts;
    if (!readOnly) {
      // A new segment starts with empty index files even if stale ones were left behind.
      this.indexFile = fs.open(indexPath, { create: true, truncate: created });
      if (opts.timeIndex) this.timeFile = fs.open(timeIndexPath, { create: true, truncate: created });
      if (created) fs.fsyncDir(dir);
    }
    const indexBytes = readWhole(this.indexFile ?? openOrUndefined(fs, indexPath, false), !this.indexFile);
    this.index = OffsetIndex.fromBytes(indexBytes);
    const torn = indexTornTail(indexBytes.length);
    if (torn) this.loadProblems.push(torn);
    this.indexOnDisk = this.index.length;
    this.lastIndexPosition = this.index.lastPosition() ?? 0;
    if (opts.timeIndex) {
      const t = readWhole(this.timeFile ?? openOrUndefined(fs, timeIndexPath, false), !this.timeFile);
      this.time = TimeIndex.fromBytes(t);
      this.timeFileLen = t.length;
      const problem = timeIndexProblem(t, this.time, this.index);
      if (problem) this.loadProblems.push(problem);
      // Only entries that pair with the offset index (same relative offset, maxima ascending) count.
      this.time.truncate(pairedTimePrefix(this.time, this.index));
      this.timeOnDisk = this.time.length;
    }
  }

  /** Without a rescan of the log: use only the entries that are in order and inside its `logSize` bytes. */
  trustWithin(logSize: number): void {
    this.index.truncate(validateOffsetIndex(this.index, logSize));
    if (this.time) {
      this.time.truncate(pairedTimePrefix(this.time, this.index));
      this.timeOnDisk = Math.min(this.timeOnDisk, this.time.length);
    }
    this.lastIndexPosition = this.index.lastPosition() ?? 0;
  }

  /** The original's sparse rule: the first frame, and every frame ≥ 4 KiB after the last indexed one. */
  indexDue(position: number): boolean {
    return position === 0 || position - this.lastIndexPosition >= INDEX_INTERVAL_BYTES;
  }

  /** An index entry for the frame at `position` (due by `indexDue`), plus the paired time index entry. */
  addIndexEntry(position: number, rel: number | undefined, runningMax: number): void {
    // An undecodable frame still gets its entry (its offset unknown: reuse the previous one).
    const r = rel ?? (this.index.length > 0 ? (this.index.rel[this.index.length - 1] as number) : 0);
    // The time index follows only while it pairs entry for entry and the running max is known.
    const paired = this.time !== undefined && this.maxTsKnown && this.time.length === this.index.length;
    this.index.push(r, position);
    if (paired) this.time?.push(runningMax === Number.NEGATIVE_INFINITY ? NO_TIMESTAMP : runningMax, r);
    this.lastIndexPosition = position;
  }

  mark(): IndexMark {
    return { index: this.index.length, time: this.time?.length ?? 0, lastIndexPosition: this.lastIndexPosition };
  }

  rollback(m: IndexMark): void {
    this.index.truncate(m.index);
    this.time?.truncate(m.time);
    this.lastIndexPosition = m.lastIndexPosition;
  }

  /** The running maximum after an append whose frames reached `runningMax`. */
  appended(runningMax: number): void {
    if (this.maxTsKnown) this.maxTs = runningMax === Number.NEGATIVE_INFINITY ? undefined : runningMax;
  }

  /** Index entries not written to the file yet. */
  get unwritten(): boolean {
    return this.index.length > this.indexOnDisk;
  }

  /** Appends the entries gathered since the last write to both files (not synced: the log is what is durable). */
  writeNew(): void {
    if (this.index.length > this.indexOnDisk) {
      const f = this.indexFile as FileHandle;
      writeFully(f, this.index.toBytes(this.indexOnDisk), this.indexOnDisk * INDEX_ENTRY_SIZE);
      this.indexOnDisk = this.index.length;
      this.unsynced = true;
    }
    this.writeTimeEntries();
  }

  /** Syncs both files when entries were written since the last sync. */
  sync(): void {
    if (this.unsynced) {
      this.indexFile?.fsync();
      this.timeFile?.fsync();
      this.unsynced = false;
    }
  }

  /** Makes the index files hold exactly the in-memory entries, rewriting only from `keep` on. */
  rewrite(keep: number): void {
    const idxFile = this.indexFile as FileHandle;
    const want = this.index.toBytes(keep);
    const onDiskBytes = idxFile.size();
    const tailNow = new Uint8Array(Math.max(0, onDiskBytes - keep * INDEX_ENTRY_SIZE));
    readFully(idxFile, tailNow, 0, tailNow.length, keep * INDEX_ENTRY_SIZE);
    if (!equalBytes(tailNow, want)) {
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
      if (!equalBytes(tNow, wantT)) {
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
    this.unsynced = true;
  }

  /**
   * The time index with an entry for every offset index entry where the log allows (scanned
   * from the last entry it has); new entries are written unless `readOnly`.
   */
  completeTimeIndex(log: LogView, readOnly: boolean): TimeIndex {
    let t = this.time;
    if (!t) {
      t = new TimeIndex();
      this.time = t;
    }
    if (t.length >= this.index.length) return t;
    const { h, size } = log();
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
      { start, end: size, verifyCrc: false },
    );
    if (t.length < this.index.length) {
      // Entries not at frame starts: keep the usable prefix, lookups scan past it.
      return t;
    }
    // Written, synced at close (or not at all: a lost entry is recomputed).
    if (!readOnly) this.writeTimeEntries();
    return t;
  }

  /** Largest `timestamp_millis` in the segment (undefined when nothing decodes). */
  maxTimestamp(log: LogView, readOnly: boolean): number | undefined {
    if (this.maxTsKnown) return this.maxTs;
    const t = this.completeTimeIndex(log, readOnly);
    const k = t.length;
    let running = k > 0 ? (t.ts[k - 1] as number) : Number.NEGATIVE_INFINITY;
    const start = k > 0 ? (this.index.pos[k - 1] as number) : 0;
    const { h, size } = log();
    scanFileFrames(
      h,
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
      { start, end: size, verifyCrc: false },
    );
    this.maxTs = running === Number.NEGATIVE_INFINITY || running === NO_TIMESTAMP ? undefined : running;
    this.maxTsKnown = true;
    return this.maxTs;
  }

  /** Closes both files; `quiet` ignores errors (for abandoning a segment after an I/O error). */
  close(quiet: boolean): void {
    for (const h of [this.indexFile, this.timeFile]) {
      if (!quiet) {
        h?.close();
        continue;
      }
      try {
        h?.close();
      } catch {
        // already unusable
      }
    }
  }
}
