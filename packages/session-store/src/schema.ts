import { sha256Hex, utf8Encode } from '@logspec/core';
import { fastFrameHead, fastIndexRow } from './fast.js';
import { decodeStructAt, type FieldValue, type RawRange, type StructSpec } from './json/reader.js';
import { type JsonValue, quoteJsonString, writeJson } from './json/writer.js';
import type { U64 } from './u64.js';

/**
 * The store's records, their exact serde field order, and their canonical encodings.
 * Field names are the camelCase JSON keys the original writes.
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

// ---- serde layouts ---------------------------------------------------------------------

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

// ---- decoding --------------------------------------------------------------------------

/** A decoded frame whose payload is still a byte range of the input. */
export interface FrameHead extends Omit<SegmentFrame, 'payload'> {
  payloadStart: number;
  payloadEnd: number;
}

/**
 * Decodes one frame from `bytes[start, end)` (no trailing newline) as serde_json does:
 * `checkUtf8` = `from_slice` (how the original reads frames by index row); otherwise the
 * caller has checked the line is UTF-8 (`from_str`, how the rebuild reads lines).
 */
export function decodeFrameHead(bytes: Uint8Array, start: number, end: number, checkUtf8: boolean): FrameHead {
  const fast = fastFrameHead(bytes, start, end, checkUtf8);
  if (fast) return fast;
  const v = decodeStructAt(bytes, start, end, FRAME_SPEC, checkUtf8);
  const raw = v[10] as RawRange;
  return {
    schema: v[0] as string,
    segmentSeq: v[1] as U64,
    frameSeq: v[2] as U64,
    entrySeq: v[3] as U64,
    entryId: v[4] as string,
    parentEntryId: v[5] as string | undefined,
    entryType: v[6] as string,
    timestamp: v[7] as string,
    payloadSha256: v[8] as string,
    payloadBytes: v[9] as U64,
    payloadStart: raw.start,
    payloadEnd: raw.end,
  };
}

const textDecoder = new TextDecoder();
const lineEncoder = new TextEncoder();

/** The full frame (payload as text) from a decoded head and the bytes it was decoded from. */
export function frameFromHead(head: FrameHead, bytes: Uint8Array): SegmentFrame {
  const payload = textDecoder.decode(bytes.subarray(head.payloadStart, head.payloadEnd));
  // The key is absent (not undefined) for a root entry, as serde skips it.
  if (head.parentEntryId === undefined) {
    return {
      schema: head.schema,
      segmentSeq: head.segmentSeq,
      frameSeq: head.frameSeq,
      entrySeq: head.entrySeq,
      entryId: head.entryId,
      entryType: head.entryType,
      timestamp: head.timestamp,
      payloadSha256: head.payloadSha256,
      payloadBytes: head.payloadBytes,
      payload,
    };
  }
  return {
    schema: head.schema,
    segmentSeq: head.segmentSeq,
    frameSeq: head.frameSeq,
    entrySeq: head.entrySeq,
    entryId: head.entryId,
    parentEntryId: head.parentEntryId,
    entryType: head.entryType,
    timestamp: head.timestamp,
    payloadSha256: head.payloadSha256,
    payloadBytes: head.payloadBytes,
    payload,
  };
}

export function decodeFrame(bytes: Uint8Array, start: number, end: number, checkUtf8: boolean): SegmentFrame {
  return frameFromHead(decodeFrameHead(bytes, start, end, checkUtf8), bytes);
}

export function decodeIndexRow(bytes: Uint8Array, start: number, end: number, checkUtf8: boolean): IndexRow {
  const fast = fastIndexRow(bytes, start, end);
  if (fast) return fast;
  const v = decodeStructAt(bytes, start, end, INDEX_ROW_SPEC, checkUtf8);
  return {
    schema: v[0] as string,
    entrySeq: v[1] as U64,
    entryId: v[2] as string,
    segmentSeq: v[3] as U64,
    frameSeq: v[4] as U64,
    byteOffset: v[5] as U64,
    byteLength: v[6] as U64,
    crc32c: v[7] as string,
    state: v[8] as string,
  };
}

export function decodeCheckpoint(bytes: Uint8Array, start = 0, end = bytes.length): Checkpoint {
  const v = decodeStructAt(bytes, start, end, CHECKPOINT_SPEC, false);
  return {
    schema: v[0] as string,
    checkpointSeq: v[1] as U64,
    at: v[2] as string,
    headEntrySeq: v[3] as U64,
    headEntryId: v[4] as string,
    snapshotRef: v[5] as string,
    compactedBeforeEntrySeq: v[6] as U64,
    chainHash: v[7] as string,
    reason: v[8] as string,
  };
}

export function decodeManifest(bytes: Uint8Array, start = 0, end = bytes.length): Manifest {
  const v = decodeStructAt(bytes, start, end, MANIFEST_SPEC, false);
  const head = v[6] as FieldValue[];
  const c = v[7] as FieldValue[];
  const f = v[8] as FieldValue[];
  const i = v[9] as FieldValue[];
  const inv = v[10] as boolean[];
  return {
    schema: v[0] as string,
    storeVersion: v[1] as number,
    sessionId: v[2] as string,
    sourceFormat: v[3] as string,
    createdAt: v[4] as string,
    updatedAt: v[5] as string,
    head: { segmentSeq: head[0] as U64, entrySeq: head[1] as U64, entryId: head[2] as string },
    counters: {
      entriesTotal: c[0] as U64,
      messagesTotal: c[1] as U64,
      branchesTotal: c[2] as U64,
      compactionsTotal: c[3] as U64,
      bytesTotal: c[4] as U64,
    },
    files: {
      segmentDir: f[0] as string,
      segmentCount: f[1] as U64,
      indexPath: f[2] as string,
      checkpointDir: f[3] as string,
      migrationLedgerPath: f[4] as string,
    },
    integrity: { chainHash: i[0] as string, manifestHash: i[1] as string, lastCrc32c: i[2] as string },
    invariants: {
      parentLinksClosed: inv[0] as boolean,
      monotonicEntrySeq: inv[1] as boolean,
      monotonicSegmentSeq: inv[2] as boolean,
      indexWithinSegmentBounds: inv[3] as boolean,
      branchHeadsIndexed: inv[4] as boolean,
      checkpointsMonotonic: inv[5] as boolean,
      hashChainValid: inv[6] as boolean,
    },
  };
}

export function decodeMigrationEvent(
  bytes: Uint8Array,
  start: number,
  end: number,
  checkUtf8: boolean,
): MigrationEvent {
  const v = decodeStructAt(bytes, start, end, MIGRATION_EVENT_SPEC, checkUtf8);
  const ver = v[8] as boolean[];
  const event: MigrationEvent = {
    schema: v[0] as string,
    migrationId: v[1] as string,
    phase: v[2] as string,
    at: v[3] as string,
    sourcePath: v[4] as string,
    targetPath: v[5] as string,
    sourceFormat: v[6] as string,
    targetFormat: v[7] as string,
    verification: {
      entryCountMatch: ver[0] as boolean,
      hashChainMatch: ver[1] as boolean,
      indexConsistent: ver[2] as boolean,
    },
    outcome: v[9] as string,
    correlationId: v[11] as string,
  };
  if (v[10] !== undefined) event.errorClass = v[10] as string;
  return event;
}

// ---- encoding --------------------------------------------------------------------------

/** The frame's fields before its payload (what the writer fills in). */
export type FrameFields = Omit<SegmentFrame, 'payload' | 'payloadSha256' | 'payloadBytes'>;

/**
 * The exact segment line (`serde_json::to_vec(&frame)` + `\n`) for `payload` (raw JSON
 * bytes, already validated). Returns the line and the payload's hash and size.
 */
export function encodeFrameLine(
  fields: FrameFields,
  payload: Uint8Array,
): { line: Uint8Array; payloadSha256: string; payloadBytes: number } {
  const payloadSha256 = sha256Hex(payload);
  const payloadBytes = payload.length;
  const head =
    `{"schema":${quoteJsonString(fields.schema)},"segmentSeq":${fields.segmentSeq},"frameSeq":${fields.frameSeq},` +
    `"entrySeq":${fields.entrySeq},"entryId":${quoteJsonString(fields.entryId)}` +
    (fields.parentEntryId === undefined ? '' : `,"parentEntryId":${quoteJsonString(fields.parentEntryId)}`) +
    `,"entryType":${quoteJsonString(fields.entryType)},"timestamp":${quoteJsonString(fields.timestamp)}` +
    `,"payloadSha256":"${payloadSha256}","payloadBytes":${payloadBytes},"payload":`;
  // One buffer for the whole line: the head is encoded straight into it (≤ 3 bytes per UTF-16 unit).
  const buf = new Uint8Array(head.length * 3 + payloadBytes + 2);
  const n = lineEncoder.encodeInto(head, buf).written;
  buf.set(payload, n);
  buf[n + payloadBytes] = 0x7d; // }
  buf[n + payloadBytes + 1] = 0x0a; // \n
  return { line: buf.subarray(0, n + payloadBytes + 2), payloadSha256, payloadBytes };
}

/** A whole frame (payload text taken verbatim, hash fields as given) as its segment line. */
export function encodeFrame(frame: SegmentFrame): Uint8Array {
  const text =
    `{"schema":${quoteJsonString(frame.schema)},"segmentSeq":${frame.segmentSeq},"frameSeq":${frame.frameSeq},` +
    `"entrySeq":${frame.entrySeq},"entryId":${quoteJsonString(frame.entryId)}` +
    (frame.parentEntryId === undefined ? '' : `,"parentEntryId":${quoteJsonString(frame.parentEntryId)}`) +
    `,"entryType":${quoteJsonString(frame.entryType)},"timestamp":${quoteJsonString(frame.timestamp)}` +
    `,"payloadSha256":${quoteJsonString(frame.payloadSha256)},"payloadBytes":${frame.payloadBytes},` +
    `"payload":${frame.payload}}\n`;
  return utf8Encode(text);
}

/** The index line (`serde_json::to_writer(&row)` + `\n`) as a string. */
export function encodeIndexRowText(row: IndexRow): string {
  return (
    `{"schema":${quoteJsonString(row.schema)},"entrySeq":${row.entrySeq},"entryId":${quoteJsonString(row.entryId)},` +
    `"segmentSeq":${row.segmentSeq},"frameSeq":${row.frameSeq},"byteOffset":${row.byteOffset},` +
    `"byteLength":${row.byteLength},"crc32c":${quoteJsonString(row.crc32c)},"state":${quoteJsonString(row.state)}}\n`
  );
}

export function encodeIndexRow(row: IndexRow): Uint8Array {
  return utf8Encode(encodeIndexRowText(row));
}

function checkpointValue(cp: Checkpoint): JsonValue {
  return {
    schema: cp.schema,
    checkpointSeq: cp.checkpointSeq,
    at: cp.at,
    headEntrySeq: cp.headEntrySeq,
    headEntryId: cp.headEntryId,
    snapshotRef: cp.snapshotRef,
    compactedBeforeEntrySeq: cp.compactedBeforeEntrySeq,
    chainHash: cp.chainHash,
    reason: cp.reason,
  };
}

/** `serde_json::to_vec_pretty(&checkpoint)`: no trailing newline. */
export function encodeCheckpoint(cp: Checkpoint): Uint8Array {
  return utf8Encode(writeJson(checkpointValue(cp), { pretty: true }));
}

function manifestValue(m: Manifest): JsonValue {
  return {
    schema: m.schema,
    storeVersion: m.storeVersion,
    sessionId: m.sessionId,
    sourceFormat: m.sourceFormat,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    head: { segmentSeq: m.head.segmentSeq, entrySeq: m.head.entrySeq, entryId: m.head.entryId },
    counters: {
      entriesTotal: m.counters.entriesTotal,
      messagesTotal: m.counters.messagesTotal,
      branchesTotal: m.counters.branchesTotal,
      compactionsTotal: m.counters.compactionsTotal,
      bytesTotal: m.counters.bytesTotal,
    },
    files: {
      segmentDir: m.files.segmentDir,
      segmentCount: m.files.segmentCount,
      indexPath: m.files.indexPath,
      checkpointDir: m.files.checkpointDir,
      migrationLedgerPath: m.files.migrationLedgerPath,
    },
    integrity: {
      chainHash: m.integrity.chainHash,
      manifestHash: m.integrity.manifestHash,
      lastCrc32c: m.integrity.lastCrc32c,
    },
    invariants: {
      parentLinksClosed: m.invariants.parentLinksClosed,
      monotonicEntrySeq: m.invariants.monotonicEntrySeq,
      monotonicSegmentSeq: m.invariants.monotonicSegmentSeq,
      indexWithinSegmentBounds: m.invariants.indexWithinSegmentBounds,
      branchHeadsIndexed: m.invariants.branchHeadsIndexed,
      checkpointsMonotonic: m.invariants.checkpointsMonotonic,
      hashChainValid: m.invariants.hashChainValid,
    },
  };
}

/** `manifest_hash_hex`: sha256 of the compact JSON with `manifestHash` set to `""`. */
export function manifestHash(m: Manifest): string {
  const blank = { ...m, integrity: { ...m.integrity, manifestHash: '' } };
  return sha256Hex(utf8Encode(writeJson(manifestValue(blank))));
}

/** `serde_json::to_vec_pretty(&manifest)`: no trailing newline. */
export function encodeManifest(m: Manifest): Uint8Array {
  return utf8Encode(writeJson(manifestValue(m), { pretty: true }));
}

/** One ledger line (`errorClass` omitted when absent) with its `\n`. */
export function encodeMigrationEvent(e: MigrationEvent): Uint8Array {
  const v: JsonValue = {
    schema: e.schema,
    migrationId: e.migrationId,
    phase: e.phase,
    at: e.at,
    sourcePath: e.sourcePath,
    targetPath: e.targetPath,
    sourceFormat: e.sourceFormat,
    targetFormat: e.targetFormat,
    verification: {
      entryCountMatch: e.verification.entryCountMatch,
      hashChainMatch: e.verification.hashChainMatch,
      indexConsistent: e.verification.indexConsistent,
    },
    outcome: e.outcome,
    errorClass: e.errorClass,
    correlationId: e.correlationId,
  };
  return utf8Encode(`${writeJson(v)}\n`);
}

/** Checks a frame's parsed payload against its claimed hash and size (validate_integrity). */
export function payloadMatches(head: FrameHead, bytes: Uint8Array): boolean {
  const size = head.payloadEnd - head.payloadStart;
  if (head.payloadBytes !== size) return false;
  return sha256Hex(bytes.subarray(head.payloadStart, head.payloadEnd)) === head.payloadSha256;
}
