import type { Fs } from '@logspec/core';
import { type SessCode, SessionError } from '../errors.js';
import { MAX_LINE_BYTES } from '../lines.js';
import type { SessWarning } from '../warnings.js';
import type { Layout } from './layout.js';

/** What a recovery step logged (the original's `tracing::warn!` messages, word for word). */
export interface RecoveryWarning {
  /** The kind of step, stable (`SessWarning`). */
  code: SessWarning;
  message: string;
  details: Record<string, unknown>;
  /** The file the step changes (as the store displays paths), when it changes one. */
  file?: string | undefined;
  /** Where in `file` the step cuts, heals or finds the problem, when it has a place. */
  offset?: number | undefined;
}

/** Where a warning points: the file (display path) and the byte offset in it. */
export interface WarningPlace {
  file?: string | undefined;
  offset?: number | undefined;
}

/** Durability of appends: `none` is the original (no fsync); `entry` syncs before returning. */
export type Durability = 'none' | 'entry';

/**
 * What recovery does with bytes it cuts: `original` truncates and renames as pi does;
 * `quarantine` (logspec's default) does the same to the store files but first copies every
 * byte it is about to cut into `quarantine/`, so nothing is ever deleted.
 */
export type RecoveryMode = 'original' | 'quarantine';

/** Shared by the store's modules: the file system, paths, limits and policies. */
export interface StoreContext {
  readonly fs: Fs;
  readonly layout: Layout;
  readonly maxSegmentBytes: number;
  /** The JSONL line limit (the original's 100 MiB; smaller in tests). */
  readonly lineLimit: number;
  readonly durability: Durability;
  readonly recovery: RecoveryMode;
  warn(code: SessWarning, message: string, details?: Record<string, unknown>, where?: WarningPlace): void;
}

export interface SessionStoreOptions {
  /** Rotate to a new segment when a line would take the current one past this (the app uses 64 MiB). */
  maxSegmentBytes?: number;
  /** `entry` (default): each append is on disk before it returns. `none`: the original (no fsync). */
  durability?: Durability;
  /** `quarantine` (default): recovery copies bytes it cuts into `quarantine/` first. `original`: as pi. */
  recovery?: RecoveryMode;
  /** logspec writer check (default true): refuse duplicate ids and unknown parents, which the original accepts and then cannot reopen. */
  checkLinks?: boolean;
  /** Take the single-writer lock `<root>/LOCK` (default true). */
  lock?: boolean;
  /** The clock (RFC 3339, milliseconds, `Z`); default `new Date().toISOString()`. */
  now?: () => string;
  /** How the root is named in messages and in the ledger's `targetPath` (default: `root`). */
  rootLabel?: string;
  /** The JSONL line limit (default the original's 100 MiB). */
  lineLimit?: number;
  /** Called for each recovery warning (also kept in `warnings`). */
  onWarning?: (w: RecoveryWarning) => void;
  /**
   * logspec: open without changing anything (default false). No lock is taken and the files
   * are only ever opened for reading; recovery runs against an in-memory copy-on-write view,
   * so the store shows exactly the state a writable open would leave, `warnings` and
   * `quarantined` list what that open would do, and every mutating method throws
   * `SESS_READ_ONLY`. `lock` and `durability` are ignored.
   */
  readOnly?: boolean;
}

export const DEFAULT_MAX_SEGMENT_BYTES = 64 * 1024 * 1024;

/** The context of a store opened with `opts`; each warning goes to `warnings` and `opts.onWarning`. */
export function storeContext(
  fs: Fs,
  layout: Layout,
  opts: SessionStoreOptions,
  warnings: RecoveryWarning[],
): StoreContext {
  const onWarning = opts.onWarning;
  return {
    fs,
    layout,
    maxSegmentBytes: opts.maxSegmentBytes ?? DEFAULT_MAX_SEGMENT_BYTES,
    lineLimit: opts.lineLimit ?? MAX_LINE_BYTES,
    durability: opts.durability ?? 'entry',
    recovery: opts.recovery ?? 'quarantine',
    warn(code, message, details = {}, where = {}) {
      const w: RecoveryWarning = { code, message, details };
      if (where.file !== undefined) w.file = where.file;
      if (where.offset !== undefined) w.offset = where.offset;
      warnings.push(w);
      onWarning?.(w);
    },
  };
}

/** Re-raises a JSON/UTF-8 error found in a line with the file offset and line number added. */
export function atLine(e: unknown, path: string, lineOffset: number, lineNumber: number): unknown {
  if (!(e instanceof SessionError)) return e;
  return new SessionError(e.code as SessCode, e.category, e.piMessage, {
    offset: e.offset === undefined ? lineOffset : lineOffset + e.offset,
    details: { ...e.details, path, line: lineNumber },
    cause: e.cause,
    ioKind: e.ioKind,
  });
}
