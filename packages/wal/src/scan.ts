import { type CrcArena, crc32 } from '@logspec/core';
import { RecordEntry, type WalEntry } from './entry.js';
import { WalCode, walError } from './errors.js';
import { Field, HEADER_SIZE, MIN_RECORD_SIZE } from './layout.js';
import { OK, SKIP_REASONS, type SkipReason } from './record.js';
import { classifyRecord, viewOf } from './record-reader.js';
import { MAX_RECORD_TYPE } from './record-type.js';

/**
 * `original`: xerv's `WalReader` loop — skip a complete record that fails `from_bytes`
 * (type checked before CRC) by trusting its length; stop cleanly on 0–3 bytes left; abort
 * on a length below 29 (`wal_corruption`) or a record running past the end (`wal_read`).
 *
 * `logspec`: the same skip rule (CRC checked first), but nothing aborts: the end of each
 * file is classified as clean, torn (an interrupted append: nothing valid follows the bad
 * length) or corrupt (valid records follow it, so the rest of that file cannot be parsed).
 */
export type ScanMode = 'original' | 'logspec';

/** Receives records without copying: `bytes[start, start + totalLen)` is the record. */
export interface RecordSink {
  /** A complete record that passed every check; `offset` is its position in the file. Return `false` to stop. */
  record(bytes: Uint8Array, start: number, totalLen: number, offset: number): unknown;
  /** A complete record skipped by its length. */
  skip?(bytes: Uint8Array, start: number, totalLen: number, offset: number, reason: SkipReason): void;
}

// How `scanChunk` stopped.
export const CHUNK_END = 0;
/** The record at `at` needs `length` bytes and the file has them: read more. */
export const CHUNK_MORE = 1;
/** The sink returned false after the record ending at `at`. */
export const CHUNK_STOPPED = 2;
/** 1–3 bytes left at the end of the file. */
export const CHUNK_STRAY = 3;
/** `length` below 29 at `at`. */
export const CHUNK_BAD_LENGTH = 4;
/** `length` at `at` runs past the end of the file. */
export const CHUNK_SHORT = 5;

/** Mutable result of `scanChunk` (one per scan, so the chunk loop allocates nothing). */
export class ChunkState {
  kind = CHUNK_END;
  /** Index into the scanned bytes where scanning stopped. */
  at = 0;
  /** The length field read at `at`, or the bytes needed. */
  length = 0;
}

/**
 * Scans `bytes[start, end)`, which holds file bytes from `base + start` on, in a file that
 * ends at `fileEnd`. A length is compared with the bytes the file has before anything
 * else is done with it, so a hostile length never sizes a buffer. When `bytes` are the bytes
 * of `arena`, CRCs are checked in place.
 */
export function scanChunk(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  base: number,
  fileEnd: number,
  typeFirst: boolean,
  sink: RecordSink,
  out: ChunkState,
  arena?: CrcArena,
): void {
  const inArena = arena !== undefined && arena.bytes === bytes ? arena : undefined;
  let pos = start;
  for (;;) {
    const avail = end - pos;
    if (avail < 4) {
      out.at = pos;
      if (avail === 0) out.kind = CHUNK_END;
      else if (base + end < fileEnd) {
        out.kind = CHUNK_MORE;
        out.length = 4;
      } else out.kind = CHUNK_STRAY;
      return;
    }
    const len = view.getUint32(pos, true);
    if (len < HEADER_SIZE) {
      out.kind = CHUNK_BAD_LENGTH;
      out.at = pos;
      out.length = len;
      return;
    }
    if (len > avail) {
      out.kind = len > fileEnd - (base + pos) ? CHUNK_SHORT : CHUNK_MORE;
      out.at = pos;
      out.length = len;
      return;
    }
    const verdict = classifyRecord(bytes, view, pos, len, typeFirst, inArena);
    if (verdict === OK) {
      if (sink.record(bytes, pos, len, base + pos) === false) {
        out.kind = CHUNK_STOPPED;
        out.at = pos + len;
        return;
      }
    } else if (sink.skip) {
      sink.skip(bytes, pos, len, base + pos, SKIP_REASONS[verdict] as SkipReason);
    }
    pos += len;
  }
}

/** How a file's records end. Offsets are file positions. */
export type FileEnd =
  | { kind: 'clean'; offset: number }
  /** An interrupted append: no valid record follows `offset`. The writer truncates it on open. */
  | {
      kind: 'torn';
      offset: number;
      bytes: number;
      cause: 'stray_bytes' | 'short_record' | 'bad_length';
      length: number | null;
    }
  /** Damage with valid records after it (or not known): the rest of the file is unreadable. */
  | {
      kind: 'corrupt';
      offset: number;
      bytes: number;
      cause: 'short_record' | 'bad_length';
      length: number;
      /**
       * Where a valid record was found after the damage; null when none was found in what was
       * searched (the first RESYNC_LIMIT bytes, within the CRC budget) and more remained.
       */
      resyncAt: number | null;
    };

/** Most bytes the torn-or-corrupt check reads and searches after a bad length. */
export const RESYNC_LIMIT = 64 * 1024 * 1024;

/**
 * First position in `(from, to)` where a complete, valid record (at least 69 bytes, known
 * type, CRC and payload good) starts; -1 if none; -2 if the search gave up after
 * checksumming `budget` bytes (hostile input cannot make it quadratic).
 */
export function findResync(
  bytes: Uint8Array,
  view: DataView,
  from: number,
  to: number,
  budget = 4 * RESYNC_LIMIT,
): number {
  let work = 0;
  for (let y = from + 1; y + MIN_RECORD_SIZE <= to; y++) {
    const len = view.getUint32(y, true);
    if (len < MIN_RECORD_SIZE || len > to - y || (bytes[y + Field.TYPE] as number) > MAX_RECORD_TYPE) continue;
    work += len;
    if (work > budget) return -2;
    if (classifyRecord(bytes, view, y, len, false) === OK) return y;
  }
  return -1;
}

/**
 * Classifies the stop of a logspec scan. `rest` holds the file's bytes from the stop
 * (`offset`) on — at most RESYNC_LIMIT of them (WAL-S-003) — or is undefined when none are
 * searched. Only a search that covered every byte to the end can call the end torn.
 */
export function classifyEnd(
  kind: number,
  offset: number,
  length: number,
  fileEnd: number,
  rest: Uint8Array | undefined,
): FileEnd {
  const bytes = fileEnd - offset;
  if (kind === CHUNK_STRAY) return { kind: 'torn', offset, bytes, cause: 'stray_bytes', length: null };
  const cause = kind === CHUNK_BAD_LENGTH ? 'bad_length' : 'short_record';
  const resync = rest ? findResync(rest, viewOf(rest), 0, rest.length) : -2;
  if (resync === -1 && rest?.length === bytes) return { kind: 'torn', offset, bytes, cause, length };
  return { kind: 'corrupt', offset, bytes, cause, length, resyncAt: resync >= 0 ? offset + resync : null };
}

/** The typed error the original reader's abort maps to; `details.originalKind` is its error kind. */
export function originalAbort(kind: number, offset: number, length: number, fileEnd: number, file: string) {
  if (kind === CHUNK_BAD_LENGTH) {
    const message = `Invalid record length: ${length}`;
    return walError(WalCode.BAD_LENGTH, message, offset, {
      originalKind: 'wal_corruption',
      originalMessage: message,
      position: offset + 4,
      length,
      file,
    });
  }
  const message = 'Failed to read record: failed to fill whole buffer';
  return walError(WalCode.RECORD_TRUNCATED, message, offset, {
    originalKind: 'wal_read',
    originalMessage: message,
    totalLen: length,
    have: fileEnd - offset,
    file,
  });
}

/** One record the reader passed over. */
export interface SkippedRecord {
  file: string;
  offset: number;
  totalLen: number;
  reason: SkipReason;
  /** For `crc_mismatch`: the CRC stored in the record and the one computed. */
  storedCrc?: number;
  computedCrc?: number;
}

export function describeSkip(
  file: string,
  bytes: Uint8Array,
  start: number,
  totalLen: number,
  offset: number,
  reason: SkipReason,
): SkippedRecord {
  const s: SkippedRecord = { file, offset, totalLen, reason };
  if (reason === 'crc_mismatch') {
    s.storedCrc = viewOf(bytes).getUint32(start + Field.CRC, true);
    s.computedCrc = crc32(bytes, start + HEADER_SIZE, start + totalLen);
  }
  return s;
}

/** What reading one file (or a directory of them) found. */
export interface WalReadResult {
  records: WalEntry[];
  skipped: SkippedRecord[];
  /** One per file read, in order. */
  files: { file: string; size: number; end: FileEnd }[];
}

/**
 * A sink that collects every record (as a `RecordEntry`, decoded on access: the bytes it is
 * handed must never be written again) and every skip; what `readWalBytes`/`readWal` use.
 */
export class CollectingSink implements RecordSink {
  file = '';
  readonly records: WalEntry[] = [];
  readonly skipped: SkippedRecord[] = [];
  record(bytes: Uint8Array, start: number, totalLen: number, offset: number): void {
    this.records.push(new RecordEntry(this.file, offset, totalLen, bytes, start));
  }
  skip(bytes: Uint8Array, start: number, totalLen: number, offset: number, reason: SkipReason): void {
    this.skipped.push(describeSkip(this.file, bytes, start, totalLen, offset, reason));
  }
}

/**
 * Scans one file held in memory (browser-safe). In `original` mode an abort of the
 * original reader throws its typed error; in `logspec` mode nothing throws.
 */
export function scanBytes(bytes: Uint8Array, sink: RecordSink, opts: { mode?: ScanMode; file?: string } = {}): FileEnd {
  const mode = opts.mode ?? 'logspec';
  const st = new ChunkState();
  scanChunk(bytes, viewOf(bytes), 0, bytes.length, 0, bytes.length, mode === 'original', sink, st);
  return finishFile(st, bytes.length, mode, opts.file ?? '', (from) => bytes.subarray(from, from + RESYNC_LIMIT));
}

/** Shared end-of-file handling of the in-memory and the chunked file scanners. */
export function finishFile(
  st: ChunkState,
  fileEnd: number,
  mode: ScanMode,
  file: string,
  restFrom: (offset: number) => Uint8Array | undefined,
  base = 0,
): FileEnd {
  const offset = base + st.at;
  switch (st.kind) {
    case CHUNK_END:
    case CHUNK_STOPPED:
      return { kind: 'clean', offset };
    case CHUNK_STRAY:
      return classifyEnd(st.kind, offset, st.length, fileEnd, undefined);
    default:
      if (mode === 'original') throw originalAbort(st.kind, offset, st.length, fileEnd, file);
      return classifyEnd(st.kind, offset, st.length, fileEnd, restFrom(offset));
  }
}

/**
 * Every record of one in-memory file. Records decode from `bytes` when first read (so do
 * not change `bytes` while the result is in use).
 */
export function readWalBytes(bytes: Uint8Array, opts: { mode?: ScanMode; file?: string } = {}): WalReadResult {
  const sink = new CollectingSink();
  sink.file = opts.file ?? '';
  const end = scanBytes(bytes, sink, opts);
  return { records: sink.records, skipped: sink.skipped, files: [{ file: sink.file, size: bytes.length, end }] };
}
