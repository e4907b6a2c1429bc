import { sha256Hex } from '@logspec/core';
import { asciiString, isPlainAscii } from '../json/ascii.js';
import type { RawRange } from '../json/lexer.js';
import { decodeStructAt, type FieldValue } from '../json/reader.js';
import type { U64 } from '../u64.js';
import { FrameSpans, readFrameAsWritten, readIndexRowAsWritten } from './as-written.js';
import { CHECKPOINT_SPEC, FRAME_SPEC, INDEX_ROW_SPEC, MANIFEST_SPEC, MIGRATION_EVENT_SPEC } from './layouts.js';
import {
  type Checkpoint,
  type FrameHead,
  type IndexRow,
  type Manifest,
  type MigrationEvent,
  SEGMENT_FRAME_SCHEMA,
  type SegmentFrame,
} from './types.js';

/**
 * The one reader of each record: serde_json's answer for any input. Frames and index rows
 * are first read as the writer writes them (`as-written.ts`, the same parse the open scan
 * uses), and only what is spelled otherwise goes through `JsonReader`.
 */

const spans = new FrameSpans();

/**
 * Decodes one frame from `bytes[start, end)` (no trailing newline) as serde_json does:
 * `checkUtf8` = `from_slice` (how the original reads frames by index row); otherwise the
 * caller has checked the line is UTF-8 (`from_str`, how the rebuild reads lines).
 */
export function decodeFrameHead(bytes: Uint8Array, start: number, end: number, checkUtf8: boolean): FrameHead {
  if (readFrameAsWritten(bytes, start, end, checkUtf8, spans) && isPlainAscii(bytes, spans.shaStart, spans.shaEnd)) {
    return headFromSpans(bytes, spans);
  }
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

/** The head of a frame read as written: its strings built from their spans. */
function headFromSpans(b: Uint8Array, s: FrameSpans): FrameHead {
  return {
    schema: SEGMENT_FRAME_SCHEMA,
    segmentSeq: s.segmentSeq,
    frameSeq: s.frameSeq,
    entrySeq: s.entrySeq,
    entryId: asciiString(b, s.idStart, s.idEnd),
    parentEntryId: s.parentStart < 0 ? undefined : asciiString(b, s.parentStart, s.parentEnd),
    entryType: asciiString(b, s.typeStart, s.typeEnd),
    timestamp: asciiString(b, s.timestampStart, s.timestampEnd),
    payloadSha256: asciiString(b, s.shaStart, s.shaEnd),
    payloadBytes: s.payloadBytes,
    payloadStart: s.payloadStart,
    payloadEnd: s.payloadEnd,
  };
}

const textDecoder = new TextDecoder();

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
  const row = readIndexRowAsWritten(bytes, start, end);
  if (row) return row;
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

/** Checks a frame's parsed payload against its claimed hash and size (validate_integrity). */
export function payloadMatches(head: FrameHead, bytes: Uint8Array): boolean {
  const size = head.payloadEnd - head.payloadStart;
  if (head.payloadBytes !== size) return false;
  return sha256Hex(bytes.subarray(head.payloadStart, head.payloadEnd)) === head.payloadSha256;
}
