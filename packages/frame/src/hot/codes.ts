import { LogspecError } from '@logspec/core';

/**
 * Error codes of the hot log (`spec/hotlog.md`, error-code table). `hotframe` errors concern
 * the file and its frames, `hotlog` errors the rkyv archive and the event inside a frame.
 */
export const HotCode = {
  /** The 8 magic bytes are not `OHNEZIAK` (original: `invalid_header`). */
  BAD_MAGIC: 'HOT_BAD_MAGIC',
  /** The header's version is not 1 (original: `invalid_header`). */
  BAD_VERSION: 'HOT_BAD_VERSION',
  /** `hot/log.bin` does not exist (original: `open`). */
  NOT_FOUND: 'HOT_NOT_FOUND',
  /** A frame is cut short: fewer bytes than its header or its length says. */
  FRAME_TORN: 'HOT_FRAME_TORN',
  /** A frame's stored CRC-32 differs from the CRC-32 of its payload. */
  FRAME_CRC: 'HOT_FRAME_CRC',
  /** Bytes follow the single frame a `decode frame` was given. */
  FRAME_TRAILING: 'HOT_FRAME_TRAILING',
  /** A payload longer than a u32 length can say (or than the caller's limit). */
  FRAME_TOO_LARGE: 'HOT_FRAME_TOO_LARGE',
  /** An archive shorter than the 192-byte root (rkyv: subtree pointer overran range). */
  ARCHIVE_TOO_SHORT: 'HOT_ARCHIVE_TOO_SHORT',
  /** The root is not 8-aligned where the archive lies in the file (rkyv: unaligned pointer). */
  ARCHIVE_MISALIGNED: 'HOT_ARCHIVE_MISALIGNED',
  /** `ts_exact` is neither 0 nor 1 (rkyv: invalid bool). */
  BAD_BOOL: 'HOT_BAD_BOOL',
  /** An option tag is neither 0 nor 1 (rkyv: invalid enum discriminant). */
  BAD_OPTION_TAG: 'HOT_BAD_OPTION_TAG',
  /** String bytes are not UTF-8 (rkyv: invalid UTF-8). */
  BAD_UTF8: 'HOT_BAD_UTF8',
  /** An out-of-line string says length ≤ 8 (rkyv: CheckStringReprError). */
  STRING_REPR: 'HOT_STRING_REPR',
  /**
   * An out-of-line string's body is not inside the bytes it may claim: before the archive or the
   * previous body's end, or overlapping the root (rkyv: subtree pointer overran range).
   */
  STRING_OUT_OF_RANGE: 'HOT_STRING_OUT_OF_RANGE',
  /** Strict mode: the archive is valid but not the bytes logspec's encoder writes for it. */
  NONCANONICAL: 'HOT_NONCANONICAL',
  /** Strict mode: `kind` is not one of the seven event kind names. */
  UNKNOWN_KIND: 'HOT_UNKNOWN_KIND',
  /** Strict mode: `source` is not Tail, Hook or Proxy. */
  UNKNOWN_SOURCE: 'HOT_UNKNOWN_SOURCE',
  /** `payload_json` is not JSON (the original's `into_event` fails, aborting its replay). */
  PAYLOAD_JSON: 'HOT_PAYLOAD_JSON',
  /** Encode: a field's value is outside its type (u16/u32/u64/i64, boolean, string). */
  FIELD_RANGE: 'HOT_FIELD_RANGE',
  /** Encode: a string holds a lone surrogate, which has no UTF-8 form. */
  UNPAIRED_SURROGATE: 'HOT_UNPAIRED_SURROGATE',
  /** Encode: a string of 2^30 bytes or more (rkyv's out-of-line capacity) or an archive ≥ 2 GiB. */
  STRING_TOO_LONG: 'HOT_STRING_TOO_LONG',
  /** Encode/`write`: a canonical-JSON event or frame value of the wrong shape. */
  INVALID_VALUE: 'HOT_INVALID_VALUE',
  /**
   * Open for writing: a bad frame is followed by CRC-valid frames, so the tail is not merely
   * torn; logspec refuses to cut durable records (open with `repair: 'truncate'` to cut anyway).
   */
  CORRUPT_BEFORE_TAIL: 'HOT_CORRUPT_BEFORE_TAIL',
} as const;
export type HotCode = (typeof HotCode)[keyof typeof HotCode];

export function hotframeError(
  code: HotCode,
  message: string,
  offset?: number,
  details?: Record<string, unknown>,
): LogspecError {
  return new LogspecError('hotframe', code, message, { offset, details });
}

export function hotlogError(
  code: HotCode,
  message: string,
  offset?: number,
  details?: Record<string, unknown>,
): LogspecError {
  return new LogspecError('hotlog', code, message, { offset, details });
}
