import type { U64 } from '../u64.js';

/**
 * The store's records and their schema ids. Field names are the camelCase JSON keys the
 * original writes, in its serde field order (the layouts are in `layouts.ts`).
 */

export const SEGMENT_FRAME_SCHEMA = 'pi.session_store_v2.segment_frame.v1';
export const OFFSET_INDEX_SCHEMA = 'pi.session_store_v2.offset_index.v1';
export const CHECKPOINT_SCHEMA = 'pi.session_store_v2.checkpoint.v1';
export const MANIFEST_SCHEMA = 'pi.session_store_v2.manifest.v1';
export const MIGRATION_EVENT_SCHEMA = 'pi.session_store_v2.migration_event.v1';

/** One segment line (a `SegmentFrame`); `payload` is the raw JSON text, byte for byte. */
export interface SegmentFrame {
  schema: string;
  segmentSeq: U64;
  frameSeq: U64;
  entrySeq: U64;
  entryId: string;
  /** Absent (key omitted) for a root entry. */
  parentEntryId?: string | undefined;
  entryType: string;
  timestamp: string;
  payloadSha256: string;
  payloadBytes: U64;
  payload: string;
}

/** One line of `index/offsets.jsonl` (an `OffsetIndexEntry`). */
export interface IndexRow {
  schema: string;
  entrySeq: U64;
  entryId: string;
  segmentSeq: U64;
  frameSeq: U64;
  byteOffset: U64;
  /** Includes the line's `\n`. */
  byteLength: U64;
  /** CRC-32C of the whole line including `\n`, `{:08X}`. */
  crc32c: string;
  state: string;
}

export interface StoreHead {
  segmentSeq: U64;
  entrySeq: U64;
  entryId: string;
}

export interface Checkpoint {
  schema: string;
  checkpointSeq: U64;
  at: string;
  headEntrySeq: U64;
  headEntryId: string;
  snapshotRef: string;
  compactedBeforeEntrySeq: U64;
  chainHash: string;
  reason: string;
}

export interface ManifestCounters {
  entriesTotal: U64;
  messagesTotal: U64;
  branchesTotal: U64;
  compactionsTotal: U64;
  bytesTotal: U64;
}

export interface ManifestFiles {
  segmentDir: string;
  segmentCount: U64;
  indexPath: string;
  checkpointDir: string;
  migrationLedgerPath: string;
}

export interface ManifestIntegrity {
  chainHash: string;
  manifestHash: string;
  lastCrc32c: string;
}

export interface ManifestInvariants {
  parentLinksClosed: boolean;
  monotonicEntrySeq: boolean;
  monotonicSegmentSeq: boolean;
  indexWithinSegmentBounds: boolean;
  branchHeadsIndexed: boolean;
  checkpointsMonotonic: boolean;
  hashChainValid: boolean;
}

export interface Manifest {
  schema: string;
  storeVersion: number;
  sessionId: string;
  sourceFormat: string;
  createdAt: string;
  updatedAt: string;
  head: StoreHead;
  counters: ManifestCounters;
  files: ManifestFiles;
  integrity: ManifestIntegrity;
  invariants: ManifestInvariants;
}

export interface MigrationVerification {
  entryCountMatch: boolean;
  hashChainMatch: boolean;
  indexConsistent: boolean;
}

export interface MigrationEvent {
  schema: string;
  migrationId: string;
  phase: string;
  at: string;
  sourcePath: string;
  targetPath: string;
  sourceFormat: string;
  targetFormat: string;
  verification: MigrationVerification;
  outcome: string;
  /** Omitted from the JSON when absent. */
  errorClass?: string | undefined;
  correlationId: string;
}

export interface IndexSummary {
  entryCount: U64;
  firstEntrySeq: U64;
  lastEntrySeq: U64;
  lastEntryId: string;
}

/** A decoded frame whose payload is still a byte range of the input. */
export interface FrameHead extends Omit<SegmentFrame, 'payload'> {
  payloadStart: number;
  payloadEnd: number;
}

/** The frame's fields before its payload (what the writer fills in). */
export type FrameFields = Omit<SegmentFrame, 'payload' | 'payloadSha256' | 'payloadBytes'>;
