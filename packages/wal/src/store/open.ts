import { dirname, type FileHandle, type Fs, joinPath, type Lock } from '@logspec/core';
import { WalCode, walError } from '../errors.js';
import type { RecordSink } from '../scan.js';
import { ChunkedFileScanner, DEFAULT_CHUNK_SIZE, ScanBuffer } from './file-scan.js';
import { listWalFiles, type WalFile, walFileName } from './files.js';
import { DEFAULT_REUSE_LIMIT, type OpenWalOptions, positive, type WalOpenReport } from './options.js';

/**
 * Opening a WAL directory for appending: the lock, the repair of a torn end of the newest file,
 * and the choice of the file appends go to (the original's reuse rule); new files by number.
 */

const U64_MAX = (1n << 64n) - 1n;

export const noop = () => {};
const nullSink: RecordSink = { record: noop };

export function nextSeq(seq: bigint): bigint {
  if (seq >= U64_MAX) throw walError(WalCode.SEQUENCE_EXHAUSTED, 'WAL file sequence would pass u64::MAX');
  return seq + 1n;
}

export function createFile(fs: Fs, dir: string, seq: bigint): FileHandle {
  const h = fs.open(joinPath(dir, walFileName(seq)), { create: true, write: true });
  try {
    fs.fsyncDir(dir);
  } catch (e) {
    h.close();
    throw e;
  }
  return h;
}

/** What opening found and took: the lock, the file appends go to, its number, the report. */
export interface OpenedWal {
  lock: Lock;
  h: FileHandle;
  seq: bigint;
  report: WalOpenReport;
}

/**
 * Opens (or creates) the WAL in `opts.dir`: takes the lock, repairs a torn end of the
 * newest file (truncated and synced, so records appended after it stay reachable for
 * every reader), then appends to that file unless it is over `reuseLimit`.
 */
export function openWalFile(opts: OpenWalOptions): OpenedWal {
  const { fs, dir } = opts;
  const onCorrupt = opts.onCorruptTail ?? 'rotate';
  const reuseLimit = positive(opts.reuseLimit, DEFAULT_REUSE_LIMIT, 'reuseLimit');
  const st = fs.stat(dir);
  if (!st) {
    fs.mkdir(dir, { recursive: true });
    fs.fsyncDir(dirname(dir));
  } else if (!st.isDirectory) {
    throw walError(WalCode.NOT_FOUND, `${dir} is not a directory`, undefined, { path: dir });
  }
  const lock = fs.lock(joinPath(dir, opts.lockName ?? 'wal.lock'));
  try {
    const files = listWalFiles(fs, dir).filter((f) => f.isFile);
    const newest = files.at(-1);
    const report: WalOpenReport = {
      file: '',
      fileSequence: 0n,
      reused: false,
      repairedTail: null,
      corruptTail: null,
    };
    let seq = 0n;
    let reuse: WalFile | undefined;
    if (newest) {
      const end = new ChunkedFileScanner(
        fs,
        newest.path,
        newest.name,
        'logspec',
        new ScanBuffer(64),
        DEFAULT_CHUNK_SIZE,
      ).run(nullSink);
      let damaged = false;
      if (end.kind === 'torn') {
        const h = fs.open(newest.path, { write: true });
        try {
          h.truncate(end.offset);
          h.fdatasync();
        } finally {
          h.close();
        }
        report.repairedTail = { file: newest.name, offset: end.offset, bytes: end.bytes, cause: end.cause };
      } else if (end.kind === 'corrupt') {
        if (onCorrupt === 'refuse') {
          throw walError(
            WalCode.CORRUPT_TAIL,
            `${newest.name} is damaged at byte ${end.offset} with valid records after it`,
            end.offset,
            { file: newest.name, end },
          );
        }
        report.corruptTail = { file: newest.name, end };
        damaged = true;
      }
      const size = fs.stat(newest.path)?.size ?? 0;
      // A non-canonical name (e.g. `wal_1.log`) is not reopened: the original would create
      // `wal_0000000000000001.log` beside it, two files with one number.
      const canonical = newest.name === walFileName(newest.seq);
      if (!damaged && canonical && size <= reuseLimit) reuse = newest;
      else seq = nextSeq(newest.seq);
    }
    let h: FileHandle;
    if (reuse) {
      seq = reuse.seq;
      h = fs.open(reuse.path, { write: true });
      // xerv never syncs directories: the name of a file it created may not be durable yet,
      // and records acknowledged in it must not vanish with it.
      try {
        fs.fsyncDir(dir);
        fs.fsyncDir(dirname(dir));
      } catch (e) {
        h.close();
        throw e;
      }
    } else {
      h = createFile(fs, dir, seq);
    }
    report.file = walFileName(seq);
    report.fileSequence = seq;
    report.reused = reuse !== undefined;
    return { lock, h, seq, report };
  } catch (e) {
    lock.release();
    throw e;
  }
}
