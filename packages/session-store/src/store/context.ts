import type { Fs } from '@logspec/core';
import { type SessCode, SessionError } from '../errors.js';
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
