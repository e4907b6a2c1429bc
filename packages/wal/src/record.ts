import type { WalRecordType, WalRecordTypeName } from './record-type.js';
import type { TraceIdInput } from './trace-id.js';

/** One decoded record. u64 fields are bigints so their full range survives. */
export interface WalRecord {
  recordType: WalRecordType;
  /** Dashed lowercase UUID. */
  traceId: string;
  nodeId: number;
  timestampNs: bigint;
  /** Arena offset of the node's output; 0 is the original's `ArenaOffset::NULL`. */
  outputOffset: bigint;
  outputSize: number;
  schemaHash: bigint;
  iteration: number;
  /** `null` for none. The format stores `Some("")` like none, so it reads back as `null`. */
  errorMessage: string | null;
  metadata: string | null;
}

/** What the encoder takes: a `WalRecord`, or friendlier forms of its fields. */
export interface WalRecordInput {
  recordType: WalRecordType | WalRecordTypeName;
  traceId: TraceIdInput;
  nodeId?: number;
  timestampNs: bigint | number;
  outputOffset?: bigint | number;
  outputSize?: number;
  schemaHash?: bigint | number;
  iteration?: number;
  errorMessage?: string | null;
  metadata?: string | null;
}

export type DecodeMode = 'original' | 'strict';

export interface DecodeRecordOptions {
  /**
   * `original` (default) checks in the order of xerv's `from_bytes` (type before CRC) and
   * ignores bytes after `total_len`; `strict` checks the CRC first and rejects trailing bytes.
   */
  mode?: DecodeMode;
  /** Added to error offsets (the record's position in its file). */
  baseOffset?: number;
}

/** Why a complete record is not returned; names as the original reader's skip log. */
export type SkipReason = 'crc_mismatch' | 'unknown_record_type' | 'payload_eof';

// Numeric reasons keep the scanner's hot loop free of string compares.
export const OK = 0;
export const BAD_CRC = 1;
export const BAD_TYPE = 2;
export const BAD_PAYLOAD = 3;
export const SKIP_REASONS: readonly SkipReason[] = [
  'crc_mismatch',
  'crc_mismatch',
  'unknown_record_type',
  'payload_eof',
];
