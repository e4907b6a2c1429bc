import { joinPath } from '@logspec/core';
import { piCategory, SessCode, SessionError, sessionError } from '../errors.js';
import { MIGRATION_EVENT_SCHEMA, type MigrationEvent, type MigrationVerification } from '../records/types.js';
import { encodeIndexRowText, encodeMigrationEvent } from '../records/writer.js';
import { checkedAddU64, type U64 } from '../u64.js';
import type { StoreContext } from './context.js';
import { readCheckpointFile, readIndexFile } from './disk.js';
import { appendToFile, mkdirp, pathExists, truncateFileTo, writeSyncedFile } from './fs-ops.js';
import { type BootState, bootstrapOriginal } from './recovery/bootstrap.js';
import { listSegmentFiles } from './recovery/rebuild.js';

/** What a rollback needs of the open store. */
export interface RollbackTarget {
  readonly ctx: StoreContext;
  now(): string;
  /** The files on disk are about to change: close them, and refuse use until `endCut`. */
  beginCut(): void;
  /** Take the state bootstrapped from the cut store. */
  adopt(boot: BootState): void;
  entryCount(): U64;
  chainHash(): string;
  integrityOk(): boolean;
  /** The rollback is on disk and in the ledger: the store is usable again. */
  endCut(): void;
}

/**
 * `rollback_to_checkpoint`: cuts the store back to a checkpoint's head (truncating and
 * removing segments, rewriting the index), verifies it, and records a `rollback` ledger
 * event — on failure too, classified as the original does.
 */
export function rollbackToCheckpoint(
  store: RollbackTarget,
  checkpointSeq: U64,
  migrationId: string,
  correlationId: string,
): MigrationEvent {
  const { fs, layout } = store.ctx;
  try {
    return rollbackInner(store, checkpointSeq, migrationId, correlationId);
  } catch (error) {
    const message = error instanceof SessionError && error.category === 'session' ? error.piMessage : undefined;
    if (message === undefined || !message.includes('rollback verification failed')) {
      const failure: MigrationEvent = {
        schema: MIGRATION_EVENT_SCHEMA,
        migrationId,
        phase: 'rollback',
        at: store.now(),
        sourcePath: layout.display(layout.checkpoint(checkpointSeq)),
        targetPath: layout.label,
        sourceFormat: 'native_v2',
        targetFormat: 'native_v2',
        verification: { entryCountMatch: false, hashChainMatch: false, indexConsistent: false },
        outcome: 'fatal_error',
        errorClass: classifyRollbackError(error),
        correlationId,
      };
      try {
        appendToFile(fs, layout.ledger, encodeMigrationEvent(failure), store.ctx.durability === 'entry');
      } catch {
        // The original ignores a failure to record the failure.
      }
    }
    throw error;
  }
}

function rollbackInner(
  store: RollbackTarget,
  checkpointSeq: U64,
  migrationId: string,
  correlationId: string,
): MigrationEvent {
  const { fs, layout } = store.ctx;
  const cp = readCheckpointFile(fs, layout, checkpointSeq);
  if (!cp) throw sessionError(SessCode.CHECKPOINT_NOT_FOUND, `checkpoint ${checkpointSeq} not found`);
  const rows = readIndexFile(fs, layout, store.ctx.lineLimit).filter((r) => r.entrySeq <= cp.headEntrySeq);
  const keep = new Map<U64, U64>();
  for (const row of rows) {
    const end = checkedAddU64(row.byteOffset, row.byteLength);
    if (end === undefined) throw sessionError(SessCode.RANGE_OVERFLOW, 'index byte range overflow during rollback');
    const cur = keep.get(row.segmentSeq);
    keep.set(row.segmentSeq, cur === undefined || end > cur ? end : cur);
  }
  // From here on the store on disk changes: it must be reopened if anything fails.
  store.beginCut();
  if (pathExists(fs, layout.segments)) {
    // logspec: highest segment first, so every state a crash can leave is a prefix of the log.
    const segments = listSegmentFiles(store.ctx).reverse();
    for (const seg of segments) {
      const keepLen = keep.get(seg.seq);
      if (keepLen !== undefined && keepLen > 0) {
        const cur = fs.stat(seg.path)?.size ?? 0;
        if (keepLen < cur) truncateFileTo(fs, seg.path, Number(keepLen));
      } else {
        fs.unlink(seg.path);
        if (store.ctx.durability === 'entry') fs.fsyncDir(layout.segments);
      }
    }
  }
  const tmp = joinPath(layout.tmp, 'offsets.rollback.tmp');
  try {
    mkdirp(fs, layout.tmp);
  } catch {
    // As the original: a failure here shows up when the file is written.
  }
  writeSyncedFile(fs, tmp, new TextEncoder().encode(rows.map(encodeIndexRowText).join('')));
  fs.rename(tmp, layout.index);
  try {
    fs.fsyncDir(layout.indexDir);
  } catch {
    // The original ignores a failed directory sync here.
  }
  store.adopt(bootstrapOriginal(store.ctx));
  const verification: MigrationVerification = {
    entryCountMatch: store.entryCount() === cp.headEntrySeq,
    hashChainMatch: store.chainHash() === cp.chainHash,
    indexConsistent: store.integrityOk(),
  };
  let outcome: string;
  let errorClass: string | undefined;
  if (verification.entryCountMatch && verification.hashChainMatch && verification.indexConsistent) outcome = 'ok';
  else if (verification.indexConsistent) {
    outcome = 'recoverable_error';
    errorClass = 'integrity_mismatch';
  } else {
    outcome = 'fatal_error';
    errorClass = 'index_corruption';
  }
  const event: MigrationEvent = {
    schema: MIGRATION_EVENT_SCHEMA,
    migrationId,
    phase: 'rollback',
    at: store.now(),
    sourcePath: cp.snapshotRef,
    targetPath: layout.label,
    sourceFormat: 'native_v2',
    targetFormat: 'native_v2',
    verification,
    outcome,
    correlationId,
  };
  if (errorClass !== undefined) event.errorClass = errorClass;
  appendToFile(fs, layout.ledger, encodeMigrationEvent(event), store.ctx.durability === 'entry');
  store.endCut();
  if (outcome !== 'ok') {
    throw sessionError(
      SessCode.ROLLBACK_VERIFICATION_FAILED,
      `rollback verification failed for checkpoint ${checkpointSeq}`,
      { details: { event } },
    );
  }
  return event;
}

/** `classify_rollback_error`, on the message text as the original. */
export function classifyRollbackError(error: unknown): string {
  if (error instanceof SessionError && error.category === 'session') {
    const m = error.piMessage;
    if (m.includes('checkpoint') && m.includes('not found')) return 'checkpoint_not_found';
    if (m.includes('index byte range overflow')) return 'index_range_overflow';
    if (m.includes('rollback verification failed')) return 'rollback_verification_failed';
    return 'session_error';
  }
  return piCategory(error);
}
