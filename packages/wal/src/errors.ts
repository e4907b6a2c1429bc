import { LogspecError } from '@logspec/core';

/**
 * Stable error codes of the WAL format (registered in `spec/wal.md` § Error codes, with
 * which ones mirror an error kind of the original and which are logspec's own).
 */
export const WalCode = {
  /** Fewer than 29 bytes given to the record decoder (original `from_bytes`: "Record too small"). */
  RECORD_TOO_SMALL: 'WAL_RECORD_TOO_SMALL',
  /** `total_len` below 29 (original reader: `wal_corruption`; original `from_bytes`: a panic). */
  BAD_LENGTH: 'WAL_BAD_LENGTH',
  /** `total_len` runs past the bytes present (original: "Record truncated", reader: `wal_read`). */
  RECORD_TRUNCATED: 'WAL_RECORD_TRUNCATED',
  /** Stored CRC-32 differs from the CRC of bytes 29..total_len (original: "CRC mismatch"). */
  CRC_MISMATCH: 'WAL_CRC_MISMATCH',
  /** Record type byte above 10 (original: "Unknown WAL record type"). */
  UNKNOWN_RECORD_TYPE: 'WAL_UNKNOWN_RECORD_TYPE',
  /** The payload ends before a field or string it declares (original: "failed to fill whole buffer"). */
  PAYLOAD_EOF: 'WAL_PAYLOAD_EOF',
  /** Strict single-record decode: bytes follow `total_len`. */
  TRAILING_BYTES: 'WAL_TRAILING_BYTES',
  /** An encoder/writer input does not fit its field (range, trace id, lone surrogate, unknown type). */
  INVALID_FIELD: 'WAL_INVALID_FIELD',
  /** The encoded record would exceed u32 `total_len` (the original silently wraps) or the writer's limit. */
  RECORD_TOO_LARGE: 'WAL_RECORD_TOO_LARGE',
  /** Reader, strict damage policy: a length that cannot be a record (or runs past the end) with valid records after it. */
  CORRUPTION: 'WAL_CORRUPTION',
  /** Reader, strict damage policy: a record was skipped (CRC, type or payload). */
  SKIPPED_RECORD: 'WAL_SKIPPED_RECORD',
  /** The WAL directory or file does not exist (original: `not_found`). */
  NOT_FOUND: 'WAL_NOT_FOUND',
  /** The writer was used after `close()`. */
  CLOSED: 'WAL_CLOSED',
  /** An earlier write or sync failed; what is durable is unknown, so the writer refuses further work. */
  WRITER_FAILED: 'WAL_WRITER_FAILED',
  /** The next file sequence number would pass u64::MAX. */
  SEQUENCE_EXHAUSTED: 'WAL_SEQUENCE_EXHAUSTED',
  /** Writer open, `onCorruptTail: 'refuse'`: the newest file is damaged before its end. */
  CORRUPT_TAIL: 'WAL_CORRUPT_TAIL',
} as const;
export type WalCode = (typeof WalCode)[keyof typeof WalCode];

export function walError(
  code: WalCode,
  message: string,
  offset?: number,
  details?: Record<string, unknown>,
  cause?: unknown,
): LogspecError {
  return new LogspecError('wal', code, message, { offset, details, cause });
}
