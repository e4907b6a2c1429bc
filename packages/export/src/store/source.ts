import type { Fs } from '@logspec/core';
import type { BatchBuilder } from '../batch.js';
import type { TableDef } from '../table.js';

/** The formats an export reads (the CLI's `--format` names). */
export type ExportFormat = 'ring' | 'wal' | 'segment' | 'session' | 'hotlog' | 'hotframe';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['ring', 'wal', 'segment', 'session', 'hotlog', 'hotframe'];

/** Codes of the problems only an export reports (the rest are the format packages' codes). */
export const ExportCode = {
  /** A session store's recovery would set bytes aside (cut a torn or unindexed tail): they are not exported. */
  SET_ASIDE: 'EXPORT_SET_ASIDE',
  /** An index row of a session store points into a segment file that is missing. */
  SEGMENT_MISSING: 'EXPORT_SEGMENT_MISSING',
} as const;

/**
 * A damaged, skipped or unreadable record or range: a row of the errors table and a line on
 * stderr. An export leaves nothing out without one.
 */
export interface ExportProblem {
  file: string | null;
  offset: number | null;
  segment: bigint | null;
  code: string;
  message: string;
  /** Bytes left out, where known. */
  bytes: number | null;
}

/**
 * Which records to export, by the record's key (what `dump --from/--to` select on: the
 * frame/record index for hotlog, hotframe, ring and wal, the message offset for segment, the
 * entry_seq for session) and by its time (nanoseconds since the epoch), both inclusive.
 */
export interface Selection {
  fromKey?: bigint;
  toKey?: bigint;
  fromTimeNs?: bigint;
  toTimeNs?: bigint;
}

/** What a source is given: the file system, the selection, and where problems go. */
export interface SourceContext {
  fs: Fs;
  select: Selection;
  problem(p: ExportProblem): void;
}

/**
 * A log read batch by batch from one of the packages' zero-copy scanners. `fill` appends rows
 * until the builder is full or the log ends, so at most one batch of rows (plus the scanner's
 * read buffer) is in memory whatever the size of the log.
 */
export interface Source {
  readonly def: TableDef;
  /** Bytes the scan will cover (for a progress bar). */
  readonly totalBytes: number;
  /** Bytes scanned so far. */
  readonly doneBytes: number;
  /** Appends rows to `b` until `b.full` or the end; false once the log is exhausted. */
  fill(b: BatchBuilder): boolean;
  close(): void;
}

/** `key` and `timeNs` (null: the record has none) against the selection. */
export class Selector {
  private readonly fromKey: bigint | undefined;
  private readonly toKey: bigint | undefined;
  private readonly fromTime: bigint | undefined;
  private readonly toTime: bigint | undefined;
  /** Set once a key beyond `toKey` was seen: keys only grow along a log, so the scan may stop. */
  done = false;
  readonly filtersTime: boolean;
  readonly active: boolean;

  constructor(s: Selection) {
    this.fromKey = s.fromKey;
    this.toKey = s.toKey;
    this.fromTime = s.fromTimeNs;
    this.toTime = s.toTimeNs;
    this.filtersTime = s.fromTimeNs !== undefined || s.toTimeNs !== undefined;
    this.active = this.filtersTime || s.fromKey !== undefined || s.toKey !== undefined;
  }

  /** Whether the record with `key` is selected by key (sets `done` past `toKey`). */
  keyOk(key: bigint): boolean {
    if (this.fromKey !== undefined && key < this.fromKey) return false;
    if (this.toKey !== undefined && key > this.toKey) {
      this.done = true;
      return false;
    }
    return true;
  }

  /** Whether a record at `timeNs` is selected by time (a record without a time is not, when time is filtered). */
  timeOk(timeNs: bigint | null): boolean {
    if (!this.filtersTime) return true;
    if (timeNs === null) return false;
    if (this.fromTime !== undefined && timeNs < this.fromTime) return false;
    if (this.toTime !== undefined && timeNs > this.toTime) return false;
    return true;
  }
}
