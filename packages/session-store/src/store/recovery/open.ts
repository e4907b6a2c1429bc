import { isRecoverableIndexError, type SessionError } from '../../errors.js';
import type { IndexRow } from '../../records/types.js';
import { saturatingSubU64 } from '../../u64.js';
import { SessWarning } from '../../warnings.js';
import type { StoreContext, WarningPlace } from '../context.js';
import { readIndexFile } from '../disk.js';
import type { Layout } from '../layout.js';
import { type BootState, bootstrapOriginal, emptyBootState, segmentsExistWithData } from './bootstrap.js';
import { integrityErrorPlace, validateIntegrityOriginal } from './integrity.js';
import { listSegmentFiles, rebuildIndexOriginal } from './rebuild.js';
import { readIndexFast, scanStore } from './scan.js';

/**
 * What `open` does once its directories exist: the one-pass scan when the store is sound
 * (the common case), otherwise the original's `create()` sequence step by step — bootstrap,
 * rebuild of a recoverable index, full validation — with its warnings and repairs.
 */

/** The index rows (read as written, else as the original reads them), or `undefined` when unreadable. */
export function readIndexRows(ctx: StoreContext): IndexRow[] | undefined {
  const rows = readIndexFast(ctx);
  if (rows) return rows;
  try {
    return readIndexFile(ctx.fs, ctx.layout, ctx.lineLimit);
  } catch {
    return undefined;
  }
}

/** True when one pass over the index and segments finds the store sound (the original would find nothing). */
export function storeIsSound(ctx: StoreContext): boolean {
  const rows = readIndexRows(ctx);
  return rows !== undefined && scanStore(ctx, rows) !== undefined;
}

/** The state `open` reaches: the fast path when the store is sound; otherwise the original's create() sequence. */
export function openState(ctx: StoreContext): BootState {
  const rows = readIndexRows(ctx);
  if (rows) {
    if (rows.length === 0) {
      if (!segmentsExistWithData(ctx, listSegmentFiles(ctx))) return emptyBootState();
    } else {
      const scan = scanStore(ctx, rows);
      if (scan) {
        const last = rows[rows.length - 1] as IndexRow;
        return {
          rows,
          nextSegmentSeq: last.segmentSeq,
          nextFrameSeq: (last.frameSeq as number) + 1,
          nextEntrySeq: (last.entrySeq as number) + 1,
          currentSegmentBytes: (last.byteOffset as number) + (last.byteLength as number),
          chainHash: scan.chainHash,
          totalBytes: scan.totalBytes,
          lastEntryId: last.entryId,
          lastCrc32c: last.crc32c,
          byId: scan.byId,
        };
      }
    }
  }
  return createOriginal(ctx);
}

/** The original's `create()` after the directories, step by step. */
function createOriginal(ctx: StoreContext): BootState {
  let boot: BootState;
  try {
    boot = bootstrapOriginal(ctx);
  } catch (e) {
    if (!isRecoverableIndexError(e)) throw e;
    ctx.warn(
      SessWarning.BOOTSTRAP_REBUILD,
      'SessionStoreV2 bootstrap failed with recoverable index error; attempting index rebuild',
      { error: (e as SessionError).piMessage, errorCode: (e as SessionError).code },
      errorPlace(e as SessionError, ctx.layout),
    );
    boot = rebuildAndBoot(ctx);
  }
  // entry_count() is the last row's entrySeq, which a hand-made index can make 0.
  if (saturatingSubU64(boot.nextEntrySeq, 1) === 0 && segmentsExistWithData(ctx, listSegmentFiles(ctx))) {
    ctx.warn(
      SessWarning.EMPTY_INDEX_REBUILD,
      'SessionStoreV2 detected segment data with empty index; rebuilding index',
      {},
      { file: ctx.layout.display(ctx.layout.index) },
    );
    boot = rebuildAndBoot(ctx);
  }
  try {
    validateIntegrityOriginal(ctx);
  } catch (e) {
    if (!isRecoverableIndexError(e)) throw e;
    ctx.warn(
      SessWarning.INTEGRITY_REBUILD,
      'SessionStoreV2 integrity validation failed with recoverable error; rebuilding index',
      { error: (e as SessionError).piMessage, errorCode: (e as SessionError).code },
      errorPlace(e as SessionError, ctx.layout),
    );
    boot = rebuildAndBoot(ctx);
    validateIntegrityOriginal(ctx);
  }
  return boot;
}

/** `rebuild_index()` (which bootstraps) followed by create()'s own `bootstrap_from_disk()`. */
function rebuildAndBoot(ctx: StoreContext): BootState {
  rebuildIndexOriginal(ctx);
  bootstrapOriginal(ctx);
  return bootstrapOriginal(ctx);
}

/** Where a recoverable error that triggers a rebuild points (its file, as displayed, and offset). */
function errorPlace(e: SessionError, layout: Layout): WarningPlace {
  const d = e.details;
  const file =
    typeof d.segment === 'string' ? d.segment : typeof d.path === 'string' ? layout.display(d.path) : undefined;
  // An integrity error names its segment through where it was met (its offset is in that file).
  const met = integrityErrorPlace(e);
  if (file === undefined && met?.file !== undefined) return { file: met.file, offset: met.offset ?? e.offset };
  return { file, offset: e.offset };
}
