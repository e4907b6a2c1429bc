import { joinPath } from '@logspec/core';
import { chainHashStep, GENESIS_CHAIN_HASH } from '../hash.js';
import { decodeFrameHead } from '../records/reader.js';
import {
  CHECKPOINT_SCHEMA,
  type Checkpoint,
  MANIFEST_SCHEMA,
  type Manifest,
  type StoreHead,
} from '../records/types.js';
import { encodeCheckpoint, encodeManifest, manifestHash } from '../records/writer.js';
import { pad16, type U64 } from '../u64.js';
import type { StoreContext } from './context.js';
import { frameEnd, readIndexFile, readManifestFile, SegmentFileReader } from './disk.js';
import { writeFileAtomic } from './fs-ops.js';

/**
 * The files a store writes besides segments and index: checkpoints and the manifest (each
 * pretty JSON, written to `tmp/`, synced and renamed into place).
 */

/**
 * `create_checkpoint`: pretty JSON written to `tmp/`, fsynced, renamed into `checkpoints/`,
 * directory fsynced. `head` is the store's head (zeros when empty).
 */
export function writeCheckpointFile(
  ctx: StoreContext,
  checkpointSeq: U64,
  reason: string,
  at: string,
  head: StoreHead | undefined,
  chainHash: string,
): Checkpoint {
  const { entrySeq, entryId } = head ?? { segmentSeq: 0, entrySeq: 0, entryId: '' };
  const cp: Checkpoint = {
    schema: CHECKPOINT_SCHEMA,
    checkpointSeq,
    at,
    headEntrySeq: entrySeq,
    headEntryId: entryId,
    snapshotRef: `checkpoints/${pad16(checkpointSeq)}.json`,
    compactedBeforeEntrySeq: 0,
    chainHash,
    reason,
  };
  const tmp = joinPath(ctx.layout.tmp, `${pad16(checkpointSeq)}.json.tmp`);
  writeFileAtomic(ctx.fs, tmp, ctx.layout.checkpoint(checkpointSeq), encodeCheckpoint(cp));
  return cp;
}

/** What `write_manifest` takes from the open store. */
export interface ManifestSource {
  /** The time it is written (`updatedAt`, and `createdAt` of a first manifest). */
  now: string;
  head: StoreHead | undefined;
  totalBytes: U64;
  chainHash: string;
  lastCrc32c: string;
  /** `validate_integrity` passes (asked at the point the original asks it). */
  integrityOk(): boolean;
}

/** `write_manifest`: counters and invariants computed as the original, hash, atomic write. */
export function writeManifestFile(
  ctx: StoreContext,
  store: ManifestSource,
  sessionId: string,
  sourceFormat: string,
): Manifest {
  const { fs, layout } = ctx;
  const now = store.now;
  const createdAt = readManifestFile(fs, layout)?.createdAt ?? now;
  const rows = readIndexFile(fs, layout, ctx.lineLimit);
  const parentCounts = new Map<string, number>();
  const ids = new Set<string>();
  let messages = 0;
  let compactions = 0;
  let chain = GENESIS_CHAIN_HASH;
  let parentLinksClosed = true;
  const reader = new SegmentFileReader(fs, layout, ctx.maxSegmentBytes);
  try {
    for (const row of rows) {
      const bytes = reader.readRow(row);
      if (!bytes) continue;
      const f = decodeFrameHead(bytes, 0, frameEnd(bytes), true);
      ids.add(f.entryId);
      if (f.entryType === 'message') messages++;
      if (f.entryType === 'compaction') compactions++;
      if (f.parentEntryId !== undefined) {
        parentCounts.set(f.parentEntryId, (parentCounts.get(f.parentEntryId) ?? 0) + 1);
        if (!ids.has(f.parentEntryId)) parentLinksClosed = false;
      }
      chain = chainHashStep(chain, f.payloadSha256);
    }
  } finally {
    reader.close();
  }
  let branches = 0;
  for (const n of parentCounts.values()) if (n > 1) branches++;
  let monotonicEntrySeq = true;
  let monotonicSegmentSeq = true;
  let lastEntry: U64 = 0;
  let lastSegment: U64 = 0;
  for (const row of rows) {
    if (row.entrySeq <= lastEntry) monotonicEntrySeq = false;
    if (row.segmentSeq < lastSegment) monotonicSegmentSeq = false;
    lastEntry = row.entrySeq;
    lastSegment = row.segmentSeq;
  }
  const segmentSeqs = new Set<U64>(rows.map((r) => r.segmentSeq));
  const manifest: Manifest = {
    schema: MANIFEST_SCHEMA,
    storeVersion: 2,
    sessionId,
    sourceFormat,
    createdAt,
    updatedAt: now,
    head: store.head ?? { segmentSeq: 0, entrySeq: 0, entryId: '' },
    counters: {
      entriesTotal: rows.length,
      messagesTotal: messages,
      branchesTotal: branches,
      compactionsTotal: compactions,
      bytesTotal: store.totalBytes,
    },
    files: {
      segmentDir: 'segments/',
      segmentCount: segmentSeqs.size,
      indexPath: 'index/offsets.jsonl',
      checkpointDir: 'checkpoints/',
      migrationLedgerPath: 'migrations/ledger.jsonl',
    },
    integrity: { chainHash: store.chainHash, manifestHash: '', lastCrc32c: store.lastCrc32c },
    invariants: {
      parentLinksClosed,
      monotonicEntrySeq,
      monotonicSegmentSeq,
      indexWithinSegmentBounds: store.integrityOk(),
      branchHeadsIndexed: true,
      checkpointsMonotonic: true,
      hashChainValid: chain === store.chainHash,
    },
  };
  manifest.integrity.manifestHash = manifestHash(manifest);
  writeFileAtomic(fs, joinPath(layout.tmp, 'manifest.json.tmp'), layout.manifest, encodeManifest(manifest));
  return manifest;
}
