import { CoreCode, IoError, isLogspecError, LogspecError } from '@logspec/core';

/**
 * Error codes of the session store (registered in `spec/session.md`). Every failure the
 * original reports as `Error::Session`/`Json`/`Io`/`Validation` maps to one code here; the
 * error also keeps the original's category and message so callers and the conformance
 * suite can compare with what pi prints.
 */
export const SessCode = {
  /** JSON text is not valid JSON as serde_json reads it (syntax, escapes, control characters). */
  JSON_SYNTAX: 'SESS_JSON_SYNTAX',
  /** Containers nested deeper than serde_json's recursion limit (128). */
  JSON_DEPTH: 'SESS_JSON_DEPTH',
  /** A field has the wrong JSON type or value (string for u64, negative u64, u8 > 255, short array…). */
  JSON_TYPE: 'SESS_JSON_TYPE',
  /** A required field is missing. */
  JSON_MISSING_FIELD: 'SESS_JSON_MISSING_FIELD',
  /** A field appears twice in one object. */
  JSON_DUPLICATE_FIELD: 'SESS_JSON_DUPLICATE_FIELD',
  /** A number cannot be represented (serde_json "number out of range"). */
  JSON_NUMBER_RANGE: 'SESS_JSON_NUMBER_RANGE',
  /** Non-whitespace after the JSON value. */
  JSON_TRAILING: 'SESS_JSON_TRAILING',
  /** A line or string is not valid UTF-8. */
  BAD_UTF8: 'SESS_BAD_UTF8',
  /** A JSONL line is longer than the 100 MiB read limit. */
  LINE_TOO_LONG: 'SESS_LINE_TOO_LONG',
  /** A file ended before bytes the index promised. */
  UNEXPECTED_EOF: 'SESS_UNEXPECTED_EOF',
  /** An index row's byte length exceeds max(max_segment_bytes, 100 MiB). */
  FRAME_TOO_LONG: 'SESS_FRAME_TOO_LONG',
  /** An index row's crc32c does not match the frame line. */
  CHECKSUM_MISMATCH: 'SESS_CHECKSUM_MISMATCH',
  /** An index row points past the end of its segment. */
  INDEX_OUT_OF_BOUNDS: 'SESS_INDEX_OUT_OF_BOUNDS',
  /** A frame's seq/id/segment/frame fields differ from its index row. */
  INDEX_FRAME_MISMATCH: 'SESS_INDEX_FRAME_MISMATCH',
  /** A frame's payloadSha256/payloadBytes do not match its payload. */
  PAYLOAD_MISMATCH: 'SESS_PAYLOAD_MISMATCH',
  /** Index entry sequence numbers are not strictly increasing. */
  SEQ_NOT_INCREASING: 'SESS_SEQ_NOT_INCREASING',
  /** byteOffset + byteLength overflows u64. */
  RANGE_OVERFLOW: 'SESS_RANGE_OVERFLOW',
  /** An index row names a segment file that does not exist. */
  MISSING_FRAME: 'SESS_MISSING_FRAME',
  /** The segment of the last index row cannot be stat'ed at open. */
  STAT_ACTIVE_SEGMENT: 'SESS_STAT_ACTIVE_SEGMENT',
  /** A segment named by the index cannot be opened during validation. */
  OPEN_SEGMENT: 'SESS_OPEN_SEGMENT',
  /** Two entries share an entry id. */
  DUPLICATE_ID: 'SESS_DUPLICATE_ID',
  /** An entry names a parent that is not in the store. */
  MISSING_PARENT: 'SESS_MISSING_PARENT',
  /** Parent links form a cycle. */
  PARENT_CYCLE: 'SESS_PARENT_CYCLE',
  /** A sequence number would exceed u64. */
  SEQ_OVERFLOW: 'SESS_SEQ_OVERFLOW',
  /** A segment line could not be read while rebuilding the index (bad UTF-8, over-long line). */
  REBUILD_READ: 'SESS_REBUILD_READ',
  /** A segment line that is not the torn last line failed to parse while rebuilding the index. */
  REBUILD_PARSE: 'SESS_REBUILD_PARSE',
  /** Healing a missing final newline failed. */
  HEAL_FAILED: 'SESS_HEAL_FAILED',
  /** A segment could not be moved aside to `.bak`. */
  QUARANTINE_FAILED: 'SESS_QUARANTINE_FAILED',
  /** rollback_to_checkpoint: the checkpoint file does not exist. */
  CHECKPOINT_NOT_FOUND: 'SESS_CHECKPOINT_NOT_FOUND',
  /** rollback_to_checkpoint: the store after rollback does not match the checkpoint. */
  ROLLBACK_VERIFICATION_FAILED: 'SESS_ROLLBACK_VERIFICATION_FAILED',
  /** manifest.json does not parse. */
  MANIFEST_PARSE: 'SESS_MANIFEST_PARSE',
  /** max_segment_bytes is 0. */
  INVALID_MAX_SEGMENT_BYTES: 'SESS_INVALID_MAX_SEGMENT_BYTES',
  /** A payload given to append is not one JSON value on one line (logspec writer check). */
  PAYLOAD_INVALID: 'SESS_PAYLOAD_INVALID',
  /** A value given to a writer cannot be written (lone surrogate, out-of-range integer…). */
  INVALID_ARGUMENT: 'SESS_INVALID_ARGUMENT',
  /** A decoded unit is valid for the original but not in logspec's canonical form (strict mode). */
  NOT_CANONICAL: 'SESS_NOT_CANONICAL',
  /** The store was used after close(). */
  CLOSED: 'SESS_CLOSED',
  /** A mutating method was called on a store opened read-only. */
  READ_ONLY: 'SESS_READ_ONLY',
  /** v1 import: the JSONL file has no header line. */
  IMPORT_EMPTY: 'SESS_IMPORT_EMPTY',
  /** v1 import: the header line is not a pi session header. */
  IMPORT_HEADER: 'SESS_IMPORT_HEADER',
  /** v1 import: an entry line is not a pi session entry. */
  IMPORT_ENTRY: 'SESS_IMPORT_ENTRY',
  /** v1 import: the staged store does not match the source file. */
  IMPORT_VERIFICATION: 'SESS_IMPORT_VERIFICATION',
} as const;
export type SessCode = (typeof SessCode)[keyof typeof SessCode];

/** pi's `Error::category_code()` values that the store can produce. */
export type PiCategory = 'session' | 'io' | 'json' | 'validation';

/** The `std::io::ErrorKind`s the original's recovery looks at. */
export type IoKind = 'InvalidData' | 'UnexpectedEof' | 'Other';

const PREFIX: Record<PiCategory, string> = {
  session: 'Session error: ',
  io: 'IO error: ',
  json: 'JSON error: ',
  validation: 'Validation error: ',
};

export interface SessionErrorInit {
  offset?: number | undefined;
  details?: Record<string, unknown> | undefined;
  cause?: unknown;
  ioKind?: IoKind | undefined;
}

/** A session-store failure: a stable `code`, the original's category and its message text. */
export class SessionError extends LogspecError {
  readonly category: PiCategory;
  /** The message as the original builds it (pi's Display without the category prefix). */
  readonly piMessage: string;
  readonly ioKind: IoKind | undefined;

  constructor(code: SessCode, category: PiCategory, piMessage: string, init: SessionErrorInit = {}) {
    super('session', code, piMessage, { offset: init.offset, details: init.details, cause: init.cause });
    this.category = category;
    this.piMessage = piMessage;
    this.ioKind = init.ioKind;
  }
}

export function sessionError(code: SessCode, message: string, init?: SessionErrorInit): SessionError {
  return new SessionError(code, 'session', message, init);
}

export function jsonError(code: SessCode, message: string, init?: SessionErrorInit): SessionError {
  return new SessionError(code, 'json', message, init);
}

/** pi's category of any error the store lets through. */
export function piCategory(e: unknown): PiCategory {
  if (e instanceof SessionError) return e.category;
  if (e instanceof IoError || isLogspecError(e, CoreCode.IO)) return 'io';
  return 'session';
}

/** pi's `Display` of an error: `"Session error: …"`, `"IO error: …"`, `"JSON error: …"`. */
export function piDisplay(e: unknown): string {
  if (e instanceof SessionError) return PREFIX[e.category] + e.piMessage;
  if (e instanceof Error) return PREFIX[piCategory(e)] + e.message;
  return PREFIX.session + String(e);
}

/** The codes behind the original's recoverable session messages (`is_recoverable_index_error`). */
const RECOVERABLE_SESSION_CODES: ReadonlySet<string> = new Set<string>([
  SessCode.CHECKSUM_MISMATCH,
  SessCode.INDEX_OUT_OF_BOUNDS,
  SessCode.INDEX_FRAME_MISMATCH,
  SessCode.MISSING_FRAME,
  SessCode.PAYLOAD_MISMATCH,
  SessCode.SEQ_NOT_INCREASING,
  SessCode.RANGE_OVERFLOW,
  SessCode.STAT_ACTIVE_SEGMENT,
]);

/**
 * The original's `is_recoverable_index_error`: JSON errors, I/O errors of kind
 * `UnexpectedEof`/`InvalidData`, and the session errors whose messages it matches.
 */
export function isRecoverableIndexError(e: unknown): boolean {
  if (!(e instanceof SessionError)) return false;
  if (e.category === 'json') return true;
  if (e.category === 'io') return e.ioKind === 'InvalidData' || e.ioKind === 'UnexpectedEof';
  if (e.category === 'session') return RECOVERABLE_SESSION_CODES.has(e.code);
  return false;
}
