import { LogspecError } from '@logspec/core';

/**
 * Stable error codes of the segment format (table in `spec/segment.md` § Error codes).
 * Decoding errors that the original reports through postcard carry the postcard variant
 * name in `details.postcard`, so a caller can print what the Rust side would have said.
 */
export const SegCode = {
  /** The payload ends before a field is complete (postcard `DeserializeUnexpectedEnd`). */
  UNEXPECTED_END: 'SEG_UNEXPECTED_END',
  /** A varint is longer than its type allows or its last byte overflows it (postcard `DeserializeBadVarint`). */
  BAD_VARINT: 'SEG_BAD_VARINT',
  /** A bool byte other than 0 or 1 (postcard `DeserializeBadBool`). */
  BAD_BOOL: 'SEG_BAD_BOOL',
  /** An Option tag other than 0 or 1 (postcard `DeserializeBadOption`). */
  BAD_OPTION: 'SEG_BAD_OPTION',
  /** A header name or the timestamp text is not valid UTF-8 (postcard `DeserializeBadUtf8`). */
  BAD_UTF8: 'SEG_BAD_UTF8',
  /** A transaction marker variant index other than 0 (Commit) or 1 (Abort) (serde → postcard `SerdeDeCustom`). */
  BAD_MARKER: 'SEG_BAD_MARKER',
  /** The timestamp text does not parse as chrono parses `DateTime<Utc>` (postcard `SerdeDeCustom`). */
  BAD_TIMESTAMP: 'SEG_BAD_TIMESTAMP',
  /** Strict decoding: the bytes decode but are not what the writer produces for that value. */
  NON_CANONICAL: 'SEG_NON_CANONICAL',
  /** A frame's stored CRC-32 differs from the CRC of its payload (original: `crc_mismatch`). */
  CRC_MISMATCH: 'SEG_CRC_MISMATCH',
  /** Fewer bytes than a frame header, or than its length field says (the original stops silently). */
  TORN_FRAME: 'SEG_TORN_FRAME',
  /** A single-frame input has bytes after its frame. */
  TRAILING_BYTES: 'SEG_TRAILING_BYTES',
  /** A payload longer than a u32 length field can describe. */
  FRAME_TOO_LARGE: 'SEG_FRAME_TOO_LARGE',
  /** A segment file name that is not `<decimal u64>.log` (original: `bad_name`). */
  BAD_NAME: 'SEG_BAD_NAME',
  /** The segment file or partition directory does not exist (original: `not_found`). */
  NOT_FOUND: 'SEG_NOT_FOUND',
  /** An append with an offset below the segment's base offset (original: `Error::Other`). */
  OFFSET_BELOW_BASE: 'SEG_OFFSET_BELOW_BASE',
  /** logspec: an append whose offset is not above the last one written. */
  OFFSET_NOT_INCREASING: 'SEG_OFFSET_NOT_INCREASING',
  /** logspec: an offset more than 2^32 − 1 above the segment base (the original wraps it silently). */
  RELATIVE_OFFSET_OVERFLOW: 'SEG_RELATIVE_OFFSET_OVERFLOW',
  /** Recovery found damage it is configured not to repair (`tail: 'refuse'`). */
  CORRUPT_TAIL: 'SEG_CORRUPT_TAIL',
  /** Recovery with `tail: 'torn-only'` found a valid frame after the damage and cut nothing (SEG-S-010). */
  CORRUPT_BEFORE_TAIL: 'SEG_CORRUPT_BEFORE_TAIL',
  /** A value given to an encoder or store is outside its field's range or has the wrong shape. */
  INVALID_VALUE: 'SEG_INVALID_VALUE',
  /** The segment or partition was used after `close()`. */
  CLOSED: 'SEG_CLOSED',
  /** `.index` size is not a multiple of 12: a partial last entry (the original ignores it). */
  INDEX_TORN_ENTRY: 'SEG_INDEX_TORN_ENTRY',
  /** An `.index` entry's position is at or past the end of the log. */
  INDEX_POSITION_PAST_END: 'SEG_INDEX_POSITION_PAST_END',
  /** An `.index` entry's position is not above the previous entry's. */
  INDEX_POSITION_NOT_INCREASING: 'SEG_INDEX_POSITION_NOT_INCREASING',
  /** An `.index` entry's relative offset is below the previous entry's (binary search needs them ascending). */
  INDEX_OFFSET_DECREASING: 'SEG_INDEX_OFFSET_DECREASING',
  /** An `.index` entry's position is not the first byte of a CRC-valid frame. */
  INDEX_NOT_AT_FRAME: 'SEG_INDEX_NOT_AT_FRAME',
  /** The frame at an `.index` entry's position carries another offset than `base + relative offset`. */
  INDEX_OFFSET_MISMATCH: 'SEG_INDEX_OFFSET_MISMATCH',
  /** logspec `.timeindex`: size is not a multiple of 16 (a partial last entry). */
  INDEX_TIME_TORN_ENTRY: 'SEG_INDEX_TIME_TORN_ENTRY',
  /** logspec `.timeindex`: an entry's CRC-32 does not match its first 12 bytes. */
  INDEX_TIME_CRC_MISMATCH: 'SEG_INDEX_TIME_CRC_MISMATCH',
  /** logspec `.timeindex`: entry k's relative offset differs from `.index` entry k's (or there is none). */
  INDEX_TIME_UNPAIRED: 'SEG_INDEX_TIME_UNPAIRED',
  /** logspec `.timeindex`: an entry's maximum timestamp is below the previous entry's. */
  INDEX_TIME_DECREASING: 'SEG_INDEX_TIME_DECREASING',
} as const;
export type SegCode = (typeof SegCode)[keyof typeof SegCode];

/** The postcard 1.x error variant each decoding code corresponds to. */
export const POSTCARD_VARIANT: Partial<Record<SegCode, string>> = {
  [SegCode.UNEXPECTED_END]: 'DeserializeUnexpectedEnd',
  [SegCode.BAD_VARINT]: 'DeserializeBadVarint',
  [SegCode.BAD_BOOL]: 'DeserializeBadBool',
  [SegCode.BAD_OPTION]: 'DeserializeBadOption',
  [SegCode.BAD_UTF8]: 'DeserializeBadUtf8',
  [SegCode.BAD_MARKER]: 'SerdeDeCustom',
  [SegCode.BAD_TIMESTAMP]: 'SerdeDeCustom',
};

/** postcard's Display text for each variant (the original prefixes it with "Serialization error: "). */
export const POSTCARD_MESSAGE: Record<string, string> = {
  DeserializeUnexpectedEnd: 'Hit the end of buffer, expected more data',
  DeserializeBadVarint: "Found a varint that didn't terminate. Is the usize too big for this platform?",
  DeserializeBadBool: "Found a bool that wasn't 0 or 1",
  DeserializeBadOption: "Found an Option discriminant that wasn't 0 or 1",
  DeserializeBadUtf8: 'Tried to parse invalid utf-8',
  SerdeDeCustom: 'Serde Deserialization Error',
};

export function segError(
  code: SegCode,
  message: string,
  offset?: number,
  details?: Record<string, unknown>,
  cause?: unknown,
): LogspecError {
  const postcard = POSTCARD_VARIANT[code];
  return new LogspecError('segment', code, message, {
    offset,
    details: postcard === undefined ? details : { postcard, ...details },
    cause,
  });
}
