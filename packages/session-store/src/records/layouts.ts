import type { StructSpec } from '../json/reader.js';

/** The records' serde layouts: how `JsonReader.decodeStruct` reads each (field order, kinds, options). */

export const FRAME_SPEC: StructSpec = {
  name: 'SegmentFrame',
  fields: [
    { key: 'schema', kind: 'str' },
    { key: 'segmentSeq', kind: 'u64' },
    { key: 'frameSeq', kind: 'u64' },
    { key: 'entrySeq', kind: 'u64' },
    { key: 'entryId', kind: 'str' },
    { key: 'parentEntryId', kind: 'str', optional: true },
    { key: 'entryType', kind: 'str' },
    { key: 'timestamp', kind: 'str' },
    { key: 'payloadSha256', kind: 'str' },
    { key: 'payloadBytes', kind: 'u64' },
    { key: 'payload', kind: 'raw' },
  ],
};

export const INDEX_ROW_SPEC: StructSpec = {
  name: 'OffsetIndexEntry',
  fields: [
    { key: 'schema', kind: 'str' },
    { key: 'entrySeq', kind: 'u64' },
    { key: 'entryId', kind: 'str' },
    { key: 'segmentSeq', kind: 'u64' },
    { key: 'frameSeq', kind: 'u64' },
    { key: 'byteOffset', kind: 'u64' },
    { key: 'byteLength', kind: 'u64' },
    { key: 'crc32c', kind: 'str' },
    { key: 'state', kind: 'str' },
  ],
};

export const CHECKPOINT_SPEC: StructSpec = {
  name: 'Checkpoint',
  fields: [
    { key: 'schema', kind: 'str' },
    { key: 'checkpointSeq', kind: 'u64' },
    { key: 'at', kind: 'str' },
    { key: 'headEntrySeq', kind: 'u64' },
    { key: 'headEntryId', kind: 'str' },
    { key: 'snapshotRef', kind: 'str' },
    { key: 'compactedBeforeEntrySeq', kind: 'u64' },
    { key: 'chainHash', kind: 'str' },
    { key: 'reason', kind: 'str' },
  ],
};

const HEAD_SPEC: StructSpec = {
  name: 'StoreHead',
  fields: [
    { key: 'segmentSeq', kind: 'u64' },
    { key: 'entrySeq', kind: 'u64' },
    { key: 'entryId', kind: 'str' },
  ],
};

export const MANIFEST_SPEC: StructSpec = {
  name: 'Manifest',
  fields: [
    { key: 'schema', kind: 'str' },
    { key: 'storeVersion', kind: 'u8' },
    { key: 'sessionId', kind: 'str' },
    { key: 'sourceFormat', kind: 'str' },
    { key: 'createdAt', kind: 'str' },
    { key: 'updatedAt', kind: 'str' },
    { key: 'head', kind: HEAD_SPEC },
    {
      key: 'counters',
      kind: {
        name: 'ManifestCounters',
        fields: ['entriesTotal', 'messagesTotal', 'branchesTotal', 'compactionsTotal', 'bytesTotal'].map((key) => ({
          key,
          kind: 'u64' as const,
        })),
      },
    },
    {
      key: 'files',
      kind: {
        name: 'ManifestFiles',
        fields: [
          { key: 'segmentDir', kind: 'str' },
          { key: 'segmentCount', kind: 'u64' },
          { key: 'indexPath', kind: 'str' },
          { key: 'checkpointDir', kind: 'str' },
          { key: 'migrationLedgerPath', kind: 'str' },
        ],
      },
    },
    {
      key: 'integrity',
      kind: {
        name: 'ManifestIntegrity',
        fields: ['chainHash', 'manifestHash', 'lastCrc32c'].map((key) => ({ key, kind: 'str' as const })),
      },
    },
    {
      key: 'invariants',
      kind: {
        name: 'ManifestInvariants',
        fields: [
          'parentLinksClosed',
          'monotonicEntrySeq',
          'monotonicSegmentSeq',
          'indexWithinSegmentBounds',
          'branchHeadsIndexed',
          'checkpointsMonotonic',
          'hashChainValid',
        ].map((key) => ({ key, kind: 'bool' as const })),
      },
    },
  ],
};

export const MIGRATION_EVENT_SPEC: StructSpec = {
  name: 'MigrationEvent',
  fields: [
    { key: 'schema', kind: 'str' },
    { key: 'migrationId', kind: 'str' },
    { key: 'phase', kind: 'str' },
    { key: 'at', kind: 'str' },
    { key: 'sourcePath', kind: 'str' },
    { key: 'targetPath', kind: 'str' },
    { key: 'sourceFormat', kind: 'str' },
    { key: 'targetFormat', kind: 'str' },
    {
      key: 'verification',
      kind: {
        name: 'MigrationVerification',
        fields: ['entryCountMatch', 'hashChainMatch', 'indexConsistent'].map((key) => ({ key, kind: 'bool' as const })),
      },
    },
    { key: 'outcome', kind: 'str' },
    { key: 'errorClass', kind: 'str', optional: true },
    { key: 'correlationId', kind: 'str' },
  ],
};
