import { piCategory, piDisplay, SessCode, SessionError } from './errors.js';
import type { Checkpoint, IndexRow, Manifest, MigrationEvent, SegmentFrame, StoreHead } from './records/types.js';
import { toU64, type U64 } from './u64.js';

/**
 * The conformance suite's canonical JSON for session records (conformance/golden/
 * REFERENCE-README.md): snake_case keys, u64 as decimal strings, absent optionals as null,
 * payloads as their raw JSON text.
 */
export type Canonical = null | boolean | number | string | Canonical[] | { [key: string]: Canonical };

const s = (v: U64): string => String(v);

export function canonicalHead(h: StoreHead | undefined): Canonical {
  if (!h) return null;
  return { segment_seq: s(h.segmentSeq), entry_seq: s(h.entrySeq), entry_id: h.entryId };
}

export function canonicalIndexRow(r: IndexRow): Canonical {
  return {
    schema: r.schema,
    entry_seq: s(r.entrySeq),
    entry_id: r.entryId,
    segment_seq: s(r.segmentSeq),
    frame_seq: s(r.frameSeq),
    byte_offset: s(r.byteOffset),
    byte_length: s(r.byteLength),
    crc32c: r.crc32c,
    state: r.state,
  };
}

export function canonicalFrame(f: SegmentFrame): Canonical {
  return {
    schema: f.schema,
    segment_seq: s(f.segmentSeq),
    frame_seq: s(f.frameSeq),
    entry_seq: s(f.entrySeq),
    entry_id: f.entryId,
    parent_entry_id: f.parentEntryId ?? null,
    entry_type: f.entryType,
    timestamp: f.timestamp,
    payload_sha256: f.payloadSha256,
    payload_bytes: s(f.payloadBytes),
    payload: f.payload,
  };
}

export function canonicalCheckpoint(c: Checkpoint): Canonical {
  return {
    schema: c.schema,
    checkpoint_seq: s(c.checkpointSeq),
    at: c.at,
    head_entry_seq: s(c.headEntrySeq),
    head_entry_id: c.headEntryId,
    snapshot_ref: c.snapshotRef,
    compacted_before_entry_seq: s(c.compactedBeforeEntrySeq),
    chain_hash: c.chainHash,
    reason: c.reason,
  };
}

export function canonicalManifest(m: Manifest | undefined): Canonical {
  if (!m) return null;
  return {
    schema: m.schema,
    store_version: m.storeVersion,
    session_id: m.sessionId,
    source_format: m.sourceFormat,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
    head: canonicalHead(m.head),
    counters: {
      entries_total: s(m.counters.entriesTotal),
      messages_total: s(m.counters.messagesTotal),
      branches_total: s(m.counters.branchesTotal),
      compactions_total: s(m.counters.compactionsTotal),
      bytes_total: s(m.counters.bytesTotal),
    },
    files: {
      segment_dir: m.files.segmentDir,
      segment_count: s(m.files.segmentCount),
      index_path: m.files.indexPath,
      checkpoint_dir: m.files.checkpointDir,
      migration_ledger_path: m.files.migrationLedgerPath,
    },
    integrity: {
      chain_hash: m.integrity.chainHash,
      manifest_hash: m.integrity.manifestHash,
      last_crc32c: m.integrity.lastCrc32c,
    },
    invariants: {
      parent_links_closed: m.invariants.parentLinksClosed,
      monotonic_entry_seq: m.invariants.monotonicEntrySeq,
      monotonic_segment_seq: m.invariants.monotonicSegmentSeq,
      index_within_segment_bounds: m.invariants.indexWithinSegmentBounds,
      branch_heads_indexed: m.invariants.branchHeadsIndexed,
      checkpoints_monotonic: m.invariants.checkpointsMonotonic,
      hash_chain_valid: m.invariants.hashChainValid,
    },
  };
}

export function canonicalEvent(e: MigrationEvent): Canonical {
  return {
    schema: e.schema,
    migration_id: e.migrationId,
    phase: e.phase,
    at: e.at,
    source_path: e.sourcePath,
    target_path: e.targetPath,
    source_format: e.sourceFormat,
    target_format: e.targetFormat,
    verification: {
      entry_count_match: e.verification.entryCountMatch,
      hash_chain_match: e.verification.hashChainMatch,
      index_consistent: e.verification.indexConsistent,
    },
    outcome: e.outcome,
    error_class: e.errorClass ?? null,
    correlation_id: e.correlationId,
  };
}

/** `{error: category, message: Display}` as the reference dump prints a failed read. */
export function canonicalError(e: unknown): { error: string; message: string } {
  return { error: piCategory(e), message: piDisplay(e) };
}

// ---- from canonical (the conformance `encode` verb) ------------------------------------

function bad(what: string): SessionError {
  return new SessionError(SessCode.INVALID_ARGUMENT, 'session', what);
}

function field(v: Record<string, unknown>, key: string): unknown {
  if (!(key in v)) throw bad(`missing field ${key}`);
  return v[key];
}

function str(v: Record<string, unknown>, key: string): string {
  const x = field(v, key);
  if (typeof x !== 'string') throw bad(`${key} must be a string`);
  return x;
}

function u64(v: Record<string, unknown>, key: string): U64 {
  const x = toU64(field(v, key));
  if (x === undefined) throw bad(`${key} must be a u64 (decimal string or safe integer)`);
  return x;
}

function obj(v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad('value must be an object');
  return v as Record<string, unknown>;
}

export function frameFromCanonical(value: unknown): SegmentFrame {
  const v = obj(value);
  const parent = v.parent_entry_id;
  if (parent !== undefined && parent !== null && typeof parent !== 'string') {
    throw bad('parent_entry_id must be a string or null');
  }
  const frame: SegmentFrame = {
    schema: str(v, 'schema'),
    segmentSeq: u64(v, 'segment_seq'),
    frameSeq: u64(v, 'frame_seq'),
    entrySeq: u64(v, 'entry_seq'),
    entryId: str(v, 'entry_id'),
    entryType: str(v, 'entry_type'),
    timestamp: str(v, 'timestamp'),
    payloadSha256: str(v, 'payload_sha256'),
    payloadBytes: u64(v, 'payload_bytes'),
    payload: str(v, 'payload'),
  };
  if (typeof parent === 'string') frame.parentEntryId = parent;
  return frame;
}

export function indexRowFromCanonical(value: unknown): IndexRow {
  const v = obj(value);
  return {
    schema: str(v, 'schema'),
    entrySeq: u64(v, 'entry_seq'),
    entryId: str(v, 'entry_id'),
    segmentSeq: u64(v, 'segment_seq'),
    frameSeq: u64(v, 'frame_seq'),
    byteOffset: u64(v, 'byte_offset'),
    byteLength: u64(v, 'byte_length'),
    crc32c: str(v, 'crc32c'),
    state: str(v, 'state'),
  };
}
