import type { Fs } from '@logspec/core';
import { WalCode, walError } from '../errors.js';
import type { FileEnd } from '../scan.js';

/** What a WAL is opened with (`openWal`), and what opening reports. */

/**
 * When `append` resolves:
 * - `every-record`: after the record's own write + fdatasync (the original's `sync_on_write: true`).
 * - `group-commit`: after the fdatasync that follows `maxRecords` records, or `maxDelayMs`
 *   after the first unsynced one — a timer does it, so a writer that goes quiet still syncs
 *   (the original's group commit only checks on the next write).
 * - `manual`: after the next `sync()`/`commit()`/`close()`.
 */
export type Durability =
  | { mode: 'every-record' }
  | { mode: 'group-commit'; maxRecords?: number; maxDelayMs?: number }
  | { mode: 'manual' };

export interface OpenWalOptions {
  fs: Fs;
  /** The WAL directory (created if missing). */
  dir: string;
  /** Default `every-record`. */
  durability?: Durability;
  /** Rotate when size + record would pass this (default 64 MiB, the original's). */
  maxFileSize?: number;
  /** On open, start a new file instead of appending to the newest if it is larger than this (default 32 MiB, the original's fixed rule). */
  reuseLimit?: number;
  /** Encoded records kept in memory before they are handed to the OS (default 64 KiB, the original's BufWriter). */
  bufferSize?: number;
  /**
   * The newest file is damaged before its end (valid records follow a bad length): `rotate`
   * (default) leaves it untouched and starts a new file; `refuse` throws `WAL_CORRUPT_TAIL`.
   */
  onCorruptTail?: 'rotate' | 'refuse';
  /** Lock file name inside `dir` (default `wal.lock`; not a WAL file name, so readers ignore it). */
  lockName?: string;
}

export interface WalOpenReport {
  /** The file appends go to and its sequence number. */
  file: string;
  fileSequence: bigint;
  /** True if that file existed and is appended to. */
  reused: boolean;
  /** A torn end of the newest file that open truncated (an interrupted append). */
  repairedTail: { file: string; offset: number; bytes: number; cause: string } | null;
  /** The newest file's damage that made open rotate (`onCorruptTail: 'rotate'`). */
  corruptTail: { file: string; end: FileEnd } | null;
}

export const DEFAULT_MAX_FILE_SIZE = 64 * 1024 * 1024;
export const DEFAULT_REUSE_LIMIT = 32 * 1024 * 1024;
export const DEFAULT_BUFFER_SIZE = 64 * 1024;
export const DEFAULT_GROUP_RECORDS = 128;
export const DEFAULT_GROUP_DELAY_MS = 2;

export function positive(v: number | undefined, dflt: number, field: string): number {
  const x = v ?? dflt;
  if (!Number.isSafeInteger(x) || x <= 0) {
    throw walError(WalCode.INVALID_FIELD, `${field} must be a positive integer: ${x}`, undefined, { field });
  }
  return x;
}
