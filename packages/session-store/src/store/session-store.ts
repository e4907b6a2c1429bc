import { dirname, type Fs } from '@logspec/core';
import { SessCode, SessionError } from '../errors.js';
import { chainHashStep } from '../hash.js';
import type { PayloadInput } from '../payload.js';
import {
  type Checkpoint,
  type IndexRow,
  type Manifest,
  MIGRATION_EVENT_SCHEMA,
  type MigrationEvent,
} from '../records/types.js';
import { encodeMigrationEvent } from '../records/writer.js';
import type { U64 } from '../u64.js';
import { type AppendSettings, prepareAppend } from './append.js';
import { DEFAULT_MAX_SEGMENT_BYTES, type SessionStoreOptions } from './context.js';
import { appendToFile, mkdirp } from './fs-ops.js';
import { writeCheckpointFile, writeManifestFile } from './metadata.js';
import { withQuarantineSink } from './quarantine.js';
import { bootstrapOriginal } from './recovery/bootstrap.js';
import { openState } from './recovery/open.js';
import { rebuildIndexOriginal } from './recovery/rebuild.js';
import { type RollbackTarget, rollbackToCheckpoint } from './rollback.js';
import { SessionStoreReads } from './store-reads.js';

/**
 * pi's `SessionStoreV2`, byte-compatible, with logspec's in-memory index, durability policy,
 * quarantine-not-delete recovery and single-writer lock. `open` is the original's `create`
 * (it creates or opens, and repairs what it can). The reads are in `SessionStoreReads`.
 */
export class SessionStore extends SessionStoreReads {
  private readonly appendSettings: AppendSettings;

  private constructor(fs: Fs, root: string, opts: SessionStoreOptions) {
    super(fs, root, opts);
    this.appendSettings = { checkLinks: this.checkLinks, maxSegmentBytes: this.ctx.maxSegmentBytes, now: this.now };
  }

  /**
   * Opens (creating if needed) the store at `root`: the original's `SessionStoreV2::create`
   * — directories, bootstrap, recovery of recoverable damage, full integrity validation.
   */
  static open(fs: Fs, root: string, opts: SessionStoreOptions = {}): SessionStore {
    const max = opts.maxSegmentBytes ?? DEFAULT_MAX_SEGMENT_BYTES;
    if (!(Number.isSafeInteger(max) && max > 0)) {
      throw new SessionError(SessCode.INVALID_MAX_SEGMENT_BYTES, 'validation', 'max_segment_bytes must be > 0');
    }
    const store = new SessionStore(fs, root, opts);
    try {
      store.create(opts.lock ?? true);
    } catch (e) {
      store.releaseAll();
      throw e;
    }
    return store;
  }

  /**
   * logspec: `open(fs, root, { ...opts, readOnly: true })` — the state a writable open would
   * reach, with nothing written, created, renamed, truncated or deleted, and no lock taken.
   */
  static openReadOnly(fs: Fs, root: string, opts: Omit<SessionStoreOptions, 'readOnly'> = {}): SessionStore {
    return SessionStore.open(fs, root, { ...opts, readOnly: true });
  }

  private create(lock: boolean): void {
    const { fs, layout } = this.ctx;
    let created = false;
    for (const d of [layout.segments, layout.indexDir, layout.checkpoints, layout.migrations, layout.tmp]) {
      created = mkdirp(fs, d) || created;
    }
    if (created && this.ctx.durability === 'entry') {
      fs.fsyncDir(layout.root);
      const parent = dirname(layout.root);
      if (parent !== layout.root) fs.fsyncDir(parent);
    }
    if (lock && !this.readOnly) this.lockHandle = fs.lock(layout.lock);
    withQuarantineSink(
      (r) => this.quarantined.push(r),
      () => this.adopt(openState(this.ctx)),
    );
  }

  // ---- append ------------------------------------------------------------------------

  /**
   * `append_entry`: writes one frame line (rotating segments as the original) and its index
   * row; returns the row. `payload` is raw JSON (`RawJson` or bytes, kept byte for byte) or
   * a value serialized as serde_json would.
   */
  appendEntry(
    entryId: string,
    parentEntryId: string | undefined | null,
    entryType: string,
    payload: PayloadInput,
  ): IndexRow {
    this.writable();
    const a = prepareAppend(this.state, this.appendSettings, entryId, parentEntryId, entryType, payload);
    const { row } = a;
    const durable = this.ctx.durability === 'entry';
    this.held(() =>
      this.files.appendEntry(row.segmentSeq, a.newSegment, row.byteOffset as number, a.line, a.rowBytes, durable),
    );
    this.unsynced = !durable;
    this.state.appended(row, a.nextFrameSeq, a.nextEntrySeq, chainHashStep(this.state.chainHash, a.payloadSha256));
    this.files.segmentGrew(row.segmentSeq, this.state.currentSegmentBytes);
    if (this.files.holding && !this.flushQueued) {
      // Held appends reach the files when the caller's synchronous run ends (the next
      // microtask): a process that dies later has written them, as pi's would have (SESS-W-022).
      this.flushQueued = true;
      queueMicrotask(this.flushAfterRun);
    }
    return { ...row };
  }

  private flushQueued = false;
  /** The queued write; a failure fails the store (`held`), and the next call reports it. */
  private readonly flushAfterRun = (): void => {
    this.flushQueued = false;
    if (this.poisoned || !this.files.holding) return;
    try {
      this.flush();
    } catch {
      // No caller to hand the error to: the store is failed, and its next call says so.
    }
  };

  // ---- checkpoints, manifest, ledger -------------------------------------------------

  /**
   * `create_checkpoint`: pretty JSON written to `tmp/`, fsynced, renamed into
   * `checkpoints/`, directory fsynced. logspec first syncs pending appends, so a checkpoint
   * never names entries that a crash could lose.
   */
  createCheckpoint(checkpointSeq: U64, reason: string): Checkpoint {
    this.writable();
    this.sync();
    return writeCheckpointFile(this.ctx, checkpointSeq, reason, this.now(), this.head(), this.state.chainHash);
  }

  /** `append_migration_event`: fills an empty `schema`/`at`, appends one ledger line. */
  appendMigrationEvent(event: MigrationEvent): void {
    this.writable();
    const e = { ...event };
    if (e.schema === '') e.schema = MIGRATION_EVENT_SCHEMA;
    if (e.at === '') e.at = this.now();
    appendToFile(this.ctx.fs, this.layout.ledger, encodeMigrationEvent(e), this.ctx.durability === 'entry');
  }

  /** `write_manifest`: counters and invariants computed as the original, hash, atomic write. */
  writeManifest(sessionId: string, sourceFormat: string): Manifest {
    this.writable();
    this.sync();
    const source = {
      now: this.now(),
      head: this.head(),
      totalBytes: this.state.totalBytes,
      chainHash: this.state.chainHash,
      lastCrc32c: this.state.lastCrc32c,
      integrityOk: () => this.integrityOk(),
    };
    return writeManifestFile(this.ctx, source, sessionId, sourceFormat);
  }

  // ---- rebuild, rollback ------------------------------------------------------------

  /** `rebuild_index`: rescans the segments and rewrites the index; returns the row count. */
  rebuildIndex(): number {
    this.writable();
    this.sync();
    this.closeFiles();
    return withQuarantineSink(
      (r) => this.quarantined.push(r),
      () => {
        const n = rebuildIndexOriginal(this.ctx);
        this.adopt(bootstrapOriginal(this.ctx));
        return n;
      },
    );
  }

  /**
   * `rollback_to_checkpoint`: cuts the store back to a checkpoint's head (truncating and
   * removing segments, rewriting the index), verifies it, and records a `rollback` ledger
   * event — on failure too, classified as the original does.
   */
  rollbackToCheckpoint(checkpointSeq: U64, migrationId: string, correlationId: string): MigrationEvent {
    this.writable();
    this.sync();
    const target: RollbackTarget = {
      ctx: this.ctx,
      now: () => this.now(),
      beginCut: () => {
        this.poisoned = 'a rollback failed part way';
        this.closeFiles();
      },
      adopt: (boot) => this.adopt(boot),
      entryCount: () => this.entryCount(),
      chainHash: () => this.state.chainHash,
      integrityOk: () => this.integrityOk(),
      endCut: () => {
        this.poisoned = undefined;
      },
    };
    return rollbackToCheckpoint(target, checkpointSeq, migrationId, correlationId);
  }
}

/** The original's name for the same class. */
export { SessionStore as SessionStoreV2 };
