import { sha256Hex, utf8Encode } from '@logspec/core';
import { type JsonValue, quoteJsonString, writeJson } from '../json/writer.js';
import type { Checkpoint, FrameFields, IndexRow, Manifest, MigrationEvent, SegmentFrame } from './types.js';

/** The records' exact bytes: what serde_json writes for each (`to_vec`, `to_vec_pretty`, `to_writer` + `\n`). */

const lineEncoder = new TextEncoder();

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
