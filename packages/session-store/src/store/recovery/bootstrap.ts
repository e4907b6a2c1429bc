import { ioError } from '@logspec/core';
import { SessCode, sessionError } from '../../errors.js';
import { chainHashStep, EMPTY_CRC32C, GENESIS_CHAIN_HASH } from '../../hash.js';
import { decodeFrameHead } from '../../records/reader.js';
import type { IndexRow } from '../../records/types.js';
import { checkedAddU64, saturatingAddU64, type U64 } from '../../u64.js';
import { SessWarning } from '../../warnings.js';
import type { StoreContext } from '../context.js';
import { frameEnd, readIndexFile, SegmentFileReader } from '../disk.js';
import { truncateFileTo } from '../fs-ops.js';
import { quarantineTail } from '../quarantine.js';

/**
 * `bootstrap_from_disk` exactly as the original runs it: the store's in-memory state from the
 * index and every indexed frame, trimming unindexed bytes from the active segment.
 */

/** The in-memory state `bootstrap_from_disk` derives (`SessionStoreV2`'s fields). */
export interface BootState {
  rows: IndexRow[];
  nextSegmentSeq: U64;
  nextFrameSeq: U64;
  nextEntrySeq: U64;
  currentSegmentBytes: number;
  chainHash: string;
  totalBytes: U64;
  lastEntryId: string | undefined;
  lastCrc32c: string;
  /** Entry id → row index when already known to hold every row's id once (the fast scan's). */
  byId?: Map<string, number>;
}

export function emptyBootState(): BootState {
  return {
    rows: [],
    nextSegmentSeq: 1,
    nextFrameSeq: 1,
    nextEntrySeq: 1,
    currentSegmentBytes: 0,
    chainHash: GENESIS_CHAIN_HASH,
    totalBytes: 0,
    lastEntryId: undefined,
    lastCrc32c: EMPTY_CRC32C,
  };
}

/** `bootstrap_from_disk()`: may truncate unindexed bytes from the active segment. */
export function bootstrapOriginal(ctx: StoreContext): BootState {
  const { fs, layout } = ctx;
  const rows = readIndexFile(fs, layout, ctx.lineLimit);
  const last = rows[rows.length - 1];
  if (!last) return emptyBootState();
  const nextEntrySeq = checkedAddU64(last.entrySeq, 1);
  if (nextEntrySeq === undefined)
    throw sessionError(SessCode.SEQ_OVERFLOW, 'entry sequence overflow while bootstrapping');
  const nextFrameSeq = checkedAddU64(last.frameSeq, 1);
  if (nextFrameSeq === undefined)
    throw sessionError(SessCode.SEQ_OVERFLOW, 'frame sequence overflow while bootstrapping');
  const segPath = layout.segment(last.segmentSeq);
  const expected = saturatingAddU64(last.byteOffset, last.byteLength);
  let actual: number;
  try {
    const st = fs.stat(segPath);
    if (!st) throw new Error('No such file or directory (os error 2)');
    actual = st.size;
  } catch (e) {
    throw sessionError(
      SessCode.STAT_ACTIVE_SEGMENT,
      `failed to stat active segment ${layout.display(segPath)} while bootstrapping: ${(e as Error).message}`,
      { cause: e },
    );
  }
  if (actual > expected) {
    ctx.warn(
      SessWarning.UNINDEXED_TAIL,
      'SessionStoreV2 truncating unindexed trailing bytes from active segment after crash recovery',
      { segment: layout.display(segPath), expected, actual },
      { file: layout.display(segPath), offset: Number(expected) },
    );
    if (ctx.recovery === 'quarantine') quarantineTail(ctx, segPath, Number(expected));
    truncateFileTo(fs, segPath, Number(expected));
  }
  let chain = GENESIS_CHAIN_HASH;
  let total: U64 = 0;
  const reader = new SegmentFileReader(fs, layout, ctx.maxSegmentBytes);
  try {
    for (const row of rows) {
      const bytes = reader.readRow(row);
      if (!bytes) {
        throw sessionError(
          SessCode.MISSING_FRAME,
          `index references missing frame during bootstrap: entry_seq=${row.entrySeq}, segment=${row.segmentSeq}`,
        );
      }
      const head = decodeFrameHead(bytes, 0, frameEnd(bytes), true);
      chain = chainHashStep(chain, head.payloadSha256);
      total = saturatingAddU64(total, row.byteLength);
    }
  } finally {
    reader.close();
  }
  return {
    rows,
    nextSegmentSeq: last.segmentSeq,
    nextFrameSeq,
    nextEntrySeq,
    currentSegmentBytes: Number(expected),
    chainHash: chain,
    totalBytes: total,
    lastEntryId: last.entryId,
    lastCrc32c: last.crc32c,
  };
}

/** `segments_exist_with_data()`: any `*.seg` file with bytes. */
export function segmentsExistWithData(ctx: StoreContext, list: { path: string }[]): boolean {
  for (const { path } of list) {
    const st = ctx.fs.stat(path);
    if (!st) throw ioError('stat', path, 'ENOENT');
    if (st.size > 0) return true;
  }
  return false;
}
