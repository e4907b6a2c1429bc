import { crc32, type FileHandle, LogspecError, readFully } from '@logspec/core';
import { scanFileFrames, segmentLayout } from '@logspec/frame';
import { findWitness } from '@logspec/frame/store';
import { SegCode, segError } from '../codec/errors.js';
import { FRAME_HEADER_SIZE } from '../codec/frame.js';
import {
  type IndexProblem,
  indexEntryOrderProblem,
  indexedFrameProblem,
  type OffsetIndex,
} from '../codec/index-entries.js';
import type { Message } from '../codec/message.js';
import { decodeMessageAt } from '../codec/message-reader.js';
import { timestampMillisNumber } from '../codec/timestamp.js';
import type { SegmentOptions } from './options.js';
import type { SegmentIndexes } from './segment-indexes.js';

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

/** The log after recovery: its length, and its last offset (`undefined`: not known without a scan). */
export interface RecoveredLog {
  report: RecoveryReport;
  logSize: number;
  last: bigint | null | undefined;
}

/** First read when probing the frame an index entry points at (most frames fit). */
/** Bytes of log read at a time while index entries are checked against their frames. */
const PROBE_WINDOW = 1 << 20;

/** A piece of the log held in memory: `bytes[0, length)` is the log from `start`. */
interface ProbeWindow {
  bytes: Uint8Array;
  start: number;
  length: number;
}

/**
 * logspec's recovery (the original has none): check every index entry against the log (in
 * order, inside it, at a CRC-valid frame carrying its offset); if one is bad, discard the
 * index and rebuild it from the log (Kafka's rule), else keep it and the time index entries
 * that pass their CRC and pair with it; rescan the log from the last entry both agree on,
 * re-deriving entries by the original's rule; cut a torn or corrupt tail.
 */
export function recoverSegment(
  log: FileHandle,
  logPath: string,
  logSize: number,
  baseOffset: bigint,
  ix: SegmentIndexes,
  tail: NonNullable<SegmentOptions['tail']>,
): RecoveredLog {
  let size = logSize;
  const idx = ix.index;
  const loaded = idx.length;
  const bad = firstBadIndexEntry(log, size, baseOffset, idx);
  // A `.timeindex` entry paired with the bad `.index` entry is not itself wrong.
  const problems = ix.loadProblems.filter(
    (p) => !(bad && p.code === SegCode.INDEX_TIME_UNPAIRED && p.entry === bad.entry),
  );
  let before: EntriesCopy | undefined;
  let j = idx.length - 1;
  if (bad) {
    problems.push(bad);
    before = { rel: idx.rel.slice(0, loaded), pos: idx.pos.slice(0, loaded), length: loaded };
    j = -1;
  }
  if (ix.time) j = Math.min(j, ix.time.length - 1);
  idx.truncate(j + 1);
  ix.time?.truncate(j + 1);
  const start = j >= 0 ? (idx.pos[j] as number) : 0;
  ix.lastIndexPosition = j >= 0 ? start : 0;
  let running = ix.time && j >= 0 ? (ix.time.ts[j] as number) : Number.NEGATIVE_INFINITY;
  let last: bigint | null = null;
  let undecodable = 0;
  // From here the running maximum is exact, so the rescan can re-derive time index entries.
  if (ix.time) ix.maxTsKnown = true;
  let emptyFrameAt = -1;
  const stop = scanFileFrames(
    log,
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
      if ((at !== start || j < 0) && ix.indexDue(at)) {
        ix.addIndexEntry(at, m ? Number(m.offset - baseOffset) : undefined, running);
      }
    },
    { start, end: size },
  );
  const validEnd = emptyFrameAt >= 0 ? emptyFrameAt : stop.offset;
  let truncatedBytes = 0;
  let tailKind: RecoveryReport['tail'] = 'clean';
  if (emptyFrameAt >= 0 || stop.reason === 'torn' || stop.reason === 'crc_mismatch') {
    tailKind = emptyFrameAt >= 0 ? 'empty_frame' : stop.reason === 'torn' ? 'torn' : 'crc_mismatch';
    if (tail === 'refuse') {
      throw segError(SegCode.CORRUPT_TAIL, `${logPath}: ${tailKind} frame at ${validEnd}`, validEnd, {
        reason: tailKind,
        size: size,
      });
    }
    if (tail === 'torn-only') {
      const w = findWitness(log, validEnd, size, undefined, segmentLayout);
      if (w !== undefined) {
        const where = w === 'budget' ? 'may follow (search budget exhausted)' : `follows at byte ${w}`;
        throw segError(
          SegCode.CORRUPT_BEFORE_TAIL,
          `${logPath}: ${tailKind} frame at ${validEnd}, and a valid frame ${where}; nothing was cut`,
          validEnd,
          { reason: tailKind, witness: w === 'budget' ? null : w, size },
        );
      }
    }
    truncatedBytes = size - validEnd;
    log.truncate(validEnd);
    log.fsync();
    size = validEnd;
  }
  if (ix.time) {
    ix.maxTs = running === Number.NEGATIVE_INFINITY ? undefined : running;
    ix.maxTsKnown = true;
  }
  let dropped = Math.max(0, loaded - (j + 1));
  let added = idx.length - (j + 1);
  if (before) {
    // Rebuilt from scratch: count the entries that actually changed.
    const same = sameEntries(before, idx);
    dropped = before.length - same;
    added = idx.length - same;
  }
  ix.rewrite(j + 1);
  const report: RecoveryReport = {
    truncatedBytes,
    tail: tailKind,
    indexEntriesDropped: dropped,
    indexEntriesAdded: added,
    undecodableFrames: undecodable,
    indexProblems: problems,
    indexRebuilt: before !== undefined,
  };
  return { report, logSize: size, last: j >= 0 && last === null ? undefined : last };
}

/**
 * The first `.index` entry that is out of order, outside the log, not at the start of a
 * non-empty CRC-valid frame (or inside the previous entry's frame), or at a frame carrying
 * another offset. The log is read front to back in `PROBE_WINDOW` pieces: entries are
 * ≥ 4 KiB of log apart, and one positioned read per entry cost 8× the old open (a syscall
 * per 4 KiB dominated the profile); one read per MiB costs about a memcpy of the log.
 */
function firstBadIndexEntry(
  log: FileHandle,
  size: number,
  baseOffset: bigint,
  idx: OffsetIndex,
): IndexProblem | undefined {
  let prevEnd = 0;
  const win: ProbeWindow = { bytes: new Uint8Array(Math.min(PROBE_WINDOW, size)), start: 0, length: 0 };
  for (let k = 0; k < idx.length; k++) {
    const order = indexEntryOrderProblem(idx, k, size);
    if (order) return order;
    const pos = idx.pos[k] as number;
    const probe = pos < prevEnd ? { offset: undefined, end: pos } : probeFrame(log, size, pos, win);
    const problem = indexedFrameProblem(idx, k, baseOffset, probe.offset);
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
function probeFrame(
  log: FileHandle,
  size: number,
  pos: number,
  win: ProbeWindow,
): { offset: bigint | null | undefined; end: number } {
  if (pos + FRAME_HEADER_SIZE > size) return { offset: undefined, end: pos };
  if (pos < win.start || pos + FRAME_HEADER_SIZE > win.start + win.length) fillWindow(log, size, win, pos);
  let at = pos - win.start;
  let buf = win.bytes;
  const v = new DataView(buf.buffer, buf.byteOffset + at, FRAME_HEADER_SIZE);
  const crc = v.getUint32(0, false);
  const len = v.getUint32(4, false);
  const n = FRAME_HEADER_SIZE + len;
  if (len === 0 || pos + n > size) return { offset: undefined, end: pos };
  if (at + n > win.length) {
    if (n <= buf.length) {
      fillWindow(log, size, win, pos);
      at = 0;
    } else {
      const whole = new Uint8Array(n);
      if (readFully(log, whole, 0, n, pos) < n) return { offset: undefined, end: pos };
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

function fillWindow(log: FileHandle, size: number, win: ProbeWindow, pos: number): void {
  win.start = pos;
  win.length = readFully(log, win.bytes, 0, Math.min(win.bytes.length, size - pos), pos);
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
