/**
 * Codes of the recovery warnings (listed in `spec/session.md`, section 8). The message of
 * each warning stays the original's `tracing::warn!` text word for word (the conformance dump
 * compares it); the code names its kind, so callers need not match on the text.
 */
export const SessWarning = {
  /** Bootstrap failed with a recoverable error; the index is rebuilt from the segments. */
  BOOTSTRAP_REBUILD: 'SESS_W_BOOTSTRAP_REBUILD',
  /** The index has no rows but a segment has bytes; the index is rebuilt. */
  EMPTY_INDEX_REBUILD: 'SESS_W_EMPTY_INDEX_REBUILD',
  /** Integrity validation failed with a recoverable error; the index is rebuilt. */
  INTEGRITY_REBUILD: 'SESS_W_INTEGRITY_REBUILD',
  /** The active segment is longer than its last row: the unindexed bytes are cut. */
  UNINDEXED_TAIL: 'SESS_W_UNINDEXED_TAIL',
  /** Rebuild: the torn last line of a segment is cut, later segments quarantined. */
  TORN_FRAME: 'SESS_W_TORN_FRAME',
  /** Rebuild: a valid last frame lacks its newline; the newline is appended. */
  HEAL_NEWLINE: 'SESS_W_HEAL_NEWLINE',
  /** Rebuild: a frame's segmentSeq/frameSeq are not where it lies; the segment is cut there. */
  COORDINATE_MISMATCH: 'SESS_W_COORDINATE_MISMATCH',
  /** Rebuild: a frame's entrySeq is not above the previous one; the segment is cut there. */
  SEQ_NOT_INCREASING: 'SESS_W_SEQ_NOT_INCREASING',
  /** Rebuild: a segment after a cut is renamed to `.bak` (`.bak.1`, …). */
  SEGMENT_QUARANTINED: 'SESS_W_SEGMENT_QUARANTINED',
  /** logspec (quarantine mode): unreadable bytes ending the last segment are cut like a torn frame. */
  GARBAGE_TAIL: 'SESS_W_GARBAGE_TAIL',
} as const;
export type SessWarning = (typeof SessWarning)[keyof typeof SessWarning];
