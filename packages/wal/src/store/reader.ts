import { basename, type Fs } from '@logspec/core';
import { type CanonicalRead, toCanonicalRead } from '../canonical.js';
import { RecordEntry, type WalEntry } from '../entry.js';
import { WalCode, walError } from '../errors.js';
import type { SkipReason } from '../record.js';
import { readRecordFields, viewOf } from '../record-reader.js';
import { TraceRecovery } from '../recovery.js';
import {
  CollectingSink,
  describeSkip,
  type FileEnd,
  type RecordSink,
  type ScanMode,
  type SkippedRecord,
  type WalReadResult,
} from '../scan.js';
import { ChunkedFileScanner, DEFAULT_CHUNK_SIZE, notFound, ScanBuffer } from './file-scan.js';
import { listWalFiles, parseWalFileName, type WalFile } from './files.js';

/** A place in the WAL: file sequence number and byte offset in that file (xerv's `WalPosition`). */
export interface WalPosition {
  fileSequence: bigint;
  offset: number;
}

export interface ReadWalOptions {
  fs: Fs;
  /** Default `logspec`. `original` aborts where xerv's reader does (typed error, `details.originalKind`). */
  mode?: ScanMode;
  /** Bytes read per call (default 4 MiB). */
  chunkSize?: number;
  /** Start here instead of the beginning (the original's `read_from`): earlier files are not read. */
  from?: WalPosition;
  /**
   * `report` (default): skips, torn ends and corruption are reported and reading goes on.
   * `throw`: the first skipped record (`WAL_SKIPPED_RECORD`) or damaged file end
   * (`WAL_CORRUPTION`) throws; a torn tail of the newest file is still only reported,
   * being what a crash during an append leaves.
   */
  onDamage?: 'report' | 'throw';
}

export interface WalFileReport {
  file: string;
  path: string;
  size: number;
  end: FileEnd;
}

export interface WalScanReport {
  files: WalFileReport[];
  /** The newest file's torn end, if it has one (an interrupted append; the writer truncates it on open). */
  tornTail: WalFileReport | null;
  /** Every other damaged file end: corruption anywhere, or a torn end of a file that is not the newest. */
  damage: WalFileReport[];
}

/** Sink extension: told which file the next records come from. */
export interface FileAwareSink extends RecordSink {
  beginFile?(file: string, path: string, size: number): void;
}

function targets(fs: Fs, path: string): WalFile[] {
  const st = fs.stat(path);
  if (!st) throw notFound(path);
  if (st.isDirectory) return listWalFiles(fs, path);
  const name = basename(path);
  return [{ name, path, seq: parseWalFileName(name) ?? 0n, isFile: st.isFile }];
}

function damageError(r: WalFileReport): never {
  throw walError(
    WalCode.CORRUPTION,
    `${r.file}: ${r.end.kind} end at byte ${r.end.offset} (${'cause' in r.end ? r.end.cause : ''})`,
    r.end.offset,
    { file: r.file, end: r.end },
  );
}

/**
 * Streams every record of a WAL file or directory (files in sequence order) to `sink`,
 * reading each file in large chunks; records are handed over in place, not copied.
 */
export function scanWal(path: string, sink: FileAwareSink, opts: ReadWalOptions): WalScanReport {
  return scanFiles(path, sink, opts, false);
}

/** `scanWal`; with `retain`, the sink may keep views of the bytes it is handed (see `ScanBuffer`). */
function scanFiles(path: string, sink: FileAwareSink, opts: ReadWalOptions, retain: boolean): WalScanReport {
  const fs = opts.fs;
  const mode = opts.mode ?? 'logspec';
  const chunk = Math.max(64, opts.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const files = targets(fs, path).filter((f) => !opts.from || f.seq >= opts.from.fileSequence);
  const buf = new ScanBuffer(64, retain);
  const strictSink = opts.onDamage === 'throw' ? throwingOnSkip(sink) : sink;
  const report: WalScanReport = { files: [], tornTail: null, damage: [] };
  for (let i = 0; i < files.length; i++) {
    const f = files[i] as WalFile;
    if (!f.isFile) {
      if (mode === 'original') {
        throw walError(WalCode.NOT_FOUND, `Failed to read record length: ${f.name} is not a file`, undefined, {
          originalKind: 'wal_read',
          originalMessage: 'Failed to read record length: Is a directory (os error 21)',
          file: f.name,
        });
      }
      continue;
    }
    const start = opts.from && f.seq === opts.from.fileSequence ? opts.from.offset : 0;
    const scanner = new ChunkedFileScanner(fs, f.path, f.name, mode, buf, chunk, start);
    sink.beginFile?.(f.name, f.path, scanner.fileSize);
    const end = scanner.run(strictSink);
    const r: WalFileReport = { file: f.name, path: f.path, size: scanner.fileSize, end };
    report.files.push(r);
    if (end.kind === 'clean') continue;
    const newest = i === files.length - 1;
    if (end.kind === 'torn' && newest) report.tornTail = r;
    else if (end.kind === 'corrupt' || mode === 'logspec') {
      // The original stops cleanly on 1–3 stray bytes; only logspec calls that damage.
      if (opts.onDamage === 'throw') damageError(r);
      report.damage.push(r);
    }
  }
  return report;
}

function throwingOnSkip(sink: FileAwareSink): FileAwareSink {
  let file = '';
  return {
    beginFile(f, p, s) {
      file = f;
      sink.beginFile?.(f, p, s);
    },
    record: (b, s, l, o) => sink.record(b, s, l, o),
    skip(b, s, l, o, reason: SkipReason) {
      const d = describeSkip(file, b, s, l, o, reason);
      throw walError(WalCode.SKIPPED_RECORD, `${file}: record at byte ${o} skipped (${reason})`, o, { ...d });
    },
  };
}

class FileCollectingSink extends CollectingSink implements FileAwareSink {
  beginFile(file: string): void {
    this.file = file;
  }
}

/**
 * Every record of a WAL file or directory, with what was skipped and how each file ends. Each
 * record is checked as it is read and decoded when its entry's `record` is first read (see
 * `RecordEntry`); the entries keep the chunks they were read from (the files' bytes).
 */
export function readWal(path: string, opts: ReadWalOptions): WalReadResult & WalScanReport {
  const sink = new FileCollectingSink();
  const report = scanFiles(path, sink, opts, true);
  return { records: sink.records, skipped: sink.skipped, ...report };
}

export interface WalEntriesOptions extends ReadWalOptions {
  /** Called for every skipped record (the iterator yields good records only). */
  onSkip?: (s: SkippedRecord) => void;
  /** Called when a file ends torn or corrupt. */
  onFileEnd?: (r: WalFileReport) => void;
}

/**
 * Async iterator over the records of a WAL file or directory (entries as `readWal`'s), a chunk
 * of a file read at a time: a chunk stays in memory only while entries read from it are kept.
 * Reads are synchronous `Fs` calls between yields.
 */
export async function* walEntries(path: string, opts: WalEntriesOptions): AsyncGenerator<WalEntry, WalScanReport> {
  const fs = opts.fs;
  const mode = opts.mode ?? 'logspec';
  const chunk = Math.max(64, opts.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const files = targets(fs, path).filter((f) => f.isFile && (!opts.from || f.seq >= opts.from.fileSequence));
  const buf = new ScanBuffer(64, true);
  const report: WalScanReport = { files: [], tornTail: null, damage: [] };
  for (let i = 0; i < files.length; i++) {
    const f = files[i] as WalFile;
    const start = opts.from && f.seq === opts.from.fileSequence ? opts.from.offset : 0;
    const scanner = new ChunkedFileScanner(fs, f.path, f.name, mode, buf, chunk, start);
    const batch: WalEntry[] = [];
    const sink: RecordSink = {
      record(bytes, s, totalLen, offset) {
        batch.push(new RecordEntry(f.name, offset, totalLen, bytes, s));
      },
      skip(bytes, s, totalLen, offset, reason) {
        const d = describeSkip(f.name, bytes, s, totalLen, offset, reason);
        if (opts.onDamage === 'throw') {
          throw walError(WalCode.SKIPPED_RECORD, `${f.name}: record at byte ${offset} skipped (${reason})`, offset, {
            ...d,
          });
        }
        opts.onSkip?.(d);
      },
    };
    let end: FileEnd | undefined;
    try {
      do {
        end = scanner.step(sink);
        for (const e of batch) yield e;
        batch.length = 0;
      } while (!end);
    } finally {
      scanner.close();
    }
    const r: WalFileReport = { file: f.name, path: f.path, size: scanner.fileSize, end };
    report.files.push(r);
    if (end.kind === 'clean') continue;
    if (end.kind === 'torn' && i === files.length - 1) report.tornTail = r;
    else {
      if (opts.onDamage === 'throw') damageError(r);
      report.damage.push(r);
    }
    opts.onFileEnd?.(r);
  }
  return report;
}

/**
 * What xerv's `WalReader` (as the reference corpus drove it) returns for a file or
 * directory, as canonical JSON. Its aborts throw the typed error whose
 * `details.originalKind` is the corpus error kind (`wal_corruption`, `wal_read`); a
 * missing path throws `WAL_NOT_FOUND` (kind `not_found`).
 */
export function readOriginal(path: string, fs: Fs): CanonicalRead {
  return toCanonicalRead(readWal(path, { fs, mode: 'original' }));
}

/** Folds every readable record of the WAL into per-trace recovery state (xerv's `get_incomplete_traces`). */
export function recoverTraces(
  path: string,
  opts: ReadWalOptions & { into?: TraceRecovery },
): { recovery: TraceRecovery; report: WalScanReport; skipped: SkippedRecord[] } {
  const recovery = opts.into ?? new TraceRecovery();
  const skipped: SkippedRecord[] = [];
  let file = '';
  const report = scanWal(
    path,
    {
      beginFile(f) {
        file = f;
      },
      record(bytes, s) {
        recovery.apply(readRecordFields(bytes, viewOf(bytes), s));
      },
      skip(bytes, s, totalLen, offset, reason) {
        skipped.push(describeSkip(file, bytes, s, totalLen, offset, reason));
      },
    },
    opts,
  );
  return { recovery, report, skipped };
}
