/**
 * Byte layout of one record (all integers little-endian):
 *
 *   0  total_len u32   whole record, header included
 *   4  crc32     u32   CRC-32/IEEE of bytes 29..total_len (the payload only)
 *   8  type      u8
 *   9  trace_id  16    UUID bytes
 *  25  node_id   u32
 *  29  payload:  timestamp_ns u64 · output_offset u64 · output_size u32 · schema_hash u64 ·
 *                iteration u32 · error_len u32 · error · meta_len u32 · meta
 */
export const Field = {
  TOTAL_LEN: 0,
  CRC: 4,
  TYPE: 8,
  TRACE_ID: 9,
  NODE_ID: 25,
  PAYLOAD: 29,
} as const;

/** Offsets inside the payload. */
export const PayloadField = {
  TIMESTAMP_NS: 0,
  OUTPUT_OFFSET: 8,
  OUTPUT_SIZE: 16,
  SCHEMA_HASH: 20,
  ITERATION: 28,
  ERROR_LEN: 32,
  /** Start of the error bytes. */
  ERROR: 36,
} as const;

/** The original's `MIN_RECORD_SIZE`: the header only. A `total_len` below it is never a record. */
export const HEADER_SIZE = 29;
/** Fixed payload fields plus the two string lengths. */
export const MIN_PAYLOAD_SIZE = 40;
/** Smallest record the original writes (both strings absent). */
export const MIN_RECORD_SIZE = HEADER_SIZE + MIN_PAYLOAD_SIZE;
/** `total_len` is a u32. */
export const MAX_RECORD_SIZE = 0xffff_ffff;
