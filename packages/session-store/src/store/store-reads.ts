import type { Fs, Lock } from '@logspec/core';
import { SessCode, sessionError } from '../errors.js';
import { decodeFrameHead, frameFromHead } from '../records/reader.js';
import type {
  Checkpoint,
  IndexRow,
  IndexSummary,
  Manifest,
  MigrationEvent,
  SegmentFrame,
  StoreHead,
} from '../records/types.js';
import type { U64 } from '../u64.js';
import { type RecoveryWarning, type SessionStoreOptions, type StoreContext, storeContext } from './context.js';
import {
  listCheckpointSeqs,
  readCheckpointFile,
  readIndexFile,
  readJsonl,
  readManifestFile,
  readMigrationEventsFile,
} from './disk.js';
import { pathExists } from './fs-ops.js';
import { Layout } from './layout.js';
import { OpenFiles } from './open-files.js';
import { OverlayFs } from './overlay-fs.js';
import type { QuarantineRecord } from './quarantine.js';
import type { BootState } from './recovery/bootstrap.js';
import { type IntegrityProblem, integrityProblems, validateIntegrityOriginal } from './recovery/integrity.js';
import { storeIsSound } from './recovery/open.js';
import { StoreState } from './state.js';

/**
 * An open session store and everything that reads it: its state and files, its lifecycle
 * (sync, close), the reads of the original's API and the integrity checks. `SessionStore`
 * adds opening and every change; only it is constructed.
 */
export class SessionStoreReads {
  readonly layout: Layout;
  /** Recovery warnings logged by `open` (and by `rebuildIndex`), the original's texts. */
  readonly warnings: RecoveryWarning[] = [];
  /** logspec: bytes recovery set aside instead of deleting. */
  readonly quarantined: QuarantineRecord[] = [];

  /**
   * The file system the store goes through. For a read-only store this is the in-memory
   * view over the Fs given to `open`: it shows the files as the writable open would leave
   * them (e.g. `listFilesRecursive(store.fs, store.layout.root)`), and writes nothing.
   */
  readonly fs: Fs;
  /** logspec: opened with `readOnly` (see `SessionStoreOptions.readOnly`). */
  readonly readOnly: boolean;

  protected readonly ctx: StoreContext;
  protected readonly now: () => string;
  protected readonly checkLinks: boolean;
  protected lockHandle: Lock | undefined;
  private closed = false;
  protected poisoned: string | undefined;

  // The original's fields and logspec's in-memory index.
  protected readonly state = new StoreState();

  // Open files.
  protected readonly files: OpenFiles;
  protected unsynced = false;

  protected constructor(fs: Fs, root: string, opts: SessionStoreOptions) {
    this.readOnly = opts.readOnly ?? false;
    if (this.readOnly) fs = new OverlayFs(fs);
    this.fs = fs;
    this.layout = new Layout(root, opts.rootLabel ?? root);
    this.now = opts.now ?? (() => new Date().toISOString());
    this.checkLinks = opts.checkLinks ?? true;
    this.ctx = storeContext(fs, this.layout, opts, this.warnings);
    this.files = new OpenFiles(this.ctx, (r) => this.quarantined.push(r));
  }

  protected adopt(b: BootState): void {
    this.closeFiles();
    this.state.adopt(b);
    this.files.indexSize = this.ctx.fs.stat(this.layout.index)?.size ?? 0;
  }

  // ---- lifecycle ---------------------------------------------------------------------

  /** Open, with held appends written first (every read and sync starts here). */
  protected live(): void {
    if (this.closed) throw sessionError(SessCode.CLOSED, 'session store is closed');
    if (this.files.holding) this.held(() => this.files.flushHeld());
  }

  /** Runs `write`; a failed write of held appends fails the store (they are lost: reopen). */
  protected held<T>(write: () => T): T {
    try {
      return write();
    } catch (e) {
      if (this.files.lostHeld) this.poisoned = 'a write of appends held in memory failed';
      throw e;
    }
  }

  protected writable(): void {
    if (this.closed) throw sessionError(SessCode.CLOSED, 'session store is closed');
    if (this.readOnly) throw sessionError(SessCode.READ_ONLY, 'session store is open read-only');
    if (this.poisoned) throw sessionError(SessCode.CLOSED, `session store must be reopened: ${this.poisoned}`);
  }

  /** Makes every append so far durable (what `durability: 'entry'` does after each one). */
  sync(): void {
    this.live();
    if (!this.unsynced) return;
    this.files.sync();
    this.unsynced = false;
  }

  /**
   * Writes the appends held in memory (`durability: 'none'` holds up to 64 KiB of them) to the
   * files, without a sync: for a reader in another process, or before the files are touched
   * from outside. Every read, `sync` and `close` does this first.
   */
  flush(): void {
    this.live();
  }

  /** Syncs, closes files and releases the lock. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    try {
      if (!this.poisoned) this.sync();
    } finally {
      this.releaseAll();
    }
  }

  protected releaseAll(): void {
    this.closed = true;
    this.closeFiles();
    try {
      this.lockHandle?.release();
    } finally {
      this.lockHandle = undefined;
    }
  }

  protected closeFiles(): void {
    this.files.closeAll();
  }

  // ---- reads -----------------------------------------------------------------------

  /**
   * The frame a row points at (`read_frame`), or `undefined` when its segment file is gone.
   * logspec also checks the row's CRC-32C, so a damaged line is an error, not a wrong frame.
   */
  readFrame(row: IndexRow): SegmentFrame | undefined {
    this.live();
    return this.files.readFrame(row, this.state.currentSegmentBytes);
  }

  /** `read_segment`: every line of one segment file parsed as a frame (not via the index). */
  readSegment(segmentSeq: U64): SegmentFrame[] {
    this.live();
    const path = this.layout.segment(segmentSeq);
    if (!pathExists(this.ctx.fs, path)) return [];
    return readJsonl(
      this.ctx.fs,
      path,
      (b, s, e) => frameFromHead(decodeFrameHead(b, s, e, false), b),
      this.ctx.lineLimit,
    );
  }

  /** `read_index`: the index rows (logspec: from memory, kept equal to the file). */
  readIndex(): IndexRow[] {
    this.live();
    return this.state.rows.map((r) => ({ ...r }));
  }

  /** The index as the file says now (the original's `read_index`, which rereads it). */
  readIndexFromDisk(): IndexRow[] {
    this.live();
    return readIndexFile(this.ctx.fs, this.layout, this.ctx.lineLimit);
  }

  /** `lookup_entry`: the frame with `entrySeq`, or `undefined`. */
  lookupEntry(entrySeq: U64): SegmentFrame | undefined {
    this.live();
    const row = this.state.rowOfSeq(entrySeq);
    return row === undefined ? undefined : this.readFrame(row);
  }

  /** logspec: the frame with `entryId`, or `undefined` (O(1)). */
  lookupById(entryId: string): SegmentFrame | undefined {
    this.live();
    const row = this.state.rowOfId(entryId);
    return row === undefined ? undefined : this.readFrame(row);
  }

  /** `read_entries_from`: frames with `entrySeq >= from`, in index order. */
  readEntriesFrom(from: U64): SegmentFrame[] {
    this.live();
    const out: SegmentFrame[] = [];
    for (const row of this.state.rows) {
      if (row.entrySeq < from) continue;
      const f = this.readFrame(row);
      if (f) out.push(f);
    }
    return out;
  }

  /** `read_all_entries`. */
  readAllEntries(): SegmentFrame[] {
    return this.readEntriesFrom(1);
  }

  /** `read_tail_entries`: the last `count` frames. */
  readTailEntries(count: U64): SegmentFrame[] {
    this.live();
    const rows = this.state.rows;
    const n = rows.length;
    const skip = count >= n ? 0 : n - Number(count);
    const out: SegmentFrame[] = [];
    for (let i = skip; i < n; i++) {
      const f = this.readFrame(rows[i] as IndexRow);
      if (f) out.push(f);
    }
    return out;
  }

  /**
   * `read_active_path`: the chain of frames from the root to `leafEntryId` (empty when the
   * leaf is unknown), with the original's duplicate, cycle, missing-parent and mismatch
   * errors. O(depth) with the in-memory index.
   */
  readActivePath(leafEntryId: string): SegmentFrame[] {
    this.live();
    return this.state.activePath(leafEntryId, (row) => this.readFrame(row));
  }

  /** `entry_count`: next entry seq − 1. */
  entryCount(): U64 {
    return this.state.entryCount();
  }

  /** `head`: the last entry and the segment appends go to; `undefined` when empty. */
  head(): StoreHead | undefined {
    return this.state.head();
  }

  chainHash(): string {
    return this.state.chainHash;
  }

  totalBytes(): U64 {
    return this.state.totalBytes;
  }

  lastCrc32c(): string {
    return this.state.lastCrc32c;
  }

  /** `index_summary`. */
  indexSummary(): IndexSummary | undefined {
    this.live();
    return this.state.indexSummary();
  }

  /** `read_checkpoint`. */
  readCheckpoint(checkpointSeq: U64): Checkpoint | undefined {
    this.live();
    return readCheckpointFile(this.ctx.fs, this.layout, checkpointSeq);
  }

  /** logspec: the sequence numbers of every checkpoint file, ascending. */
  listCheckpoints(): U64[] {
    this.live();
    return listCheckpointSeqs(this.ctx.fs, this.layout);
  }

  /** `read_migration_events`. */
  readMigrationEvents(): MigrationEvent[] {
    this.live();
    return readMigrationEventsFile(this.ctx.fs, this.layout, this.ctx.lineLimit);
  }

  /** `read_manifest`. */
  readManifest(): Manifest | undefined {
    this.live();
    return readManifestFile(this.ctx.fs, this.layout);
  }

  // ---- integrity ------------------------------------------------------------

  /** `validate_integrity`: throws the original's error when the store on disk is not sound. */
  validateIntegrity(): void {
    // The fast scan passing means the original finds nothing; otherwise let it find what it finds.
    if (!this.fastScanPasses()) validateIntegrityOriginal(this.ctx);
  }

  /**
   * logspec: every problem `validateIntegrity` would report, not only the first: each with
   * its code, the original's message, the file and byte offset of the line. Empty when the
   * store is sound.
   */
  integrityReport(): IntegrityProblem[] {
    return this.fastScanPasses() ? [] : integrityProblems(this.ctx);
  }

  /** True when one pass over the index and segments finds the store sound (the common case). */
  private fastScanPasses(): boolean {
    this.live();
    this.sync();
    return storeIsSound(this.ctx);
  }

  protected integrityOk(): boolean {
    try {
      this.validateIntegrity();
      return true;
    } catch {
      return false;
    }
  }
}
