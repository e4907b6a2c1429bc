import { LogspecError } from '@logspec/core';

/**
 * Stable error codes of the ring format (registered in `spec/ring.md` § Error codes).
 * `origin` there says which ones mirror an error of the original and which are logspec's.
 */
export const RingCode = {
  /** Fewer than 32 header bytes (original: `io`, op `read`, UnexpectedEof). */
  TRUNCATED_HEADER: 'RING_TRUNCATED_HEADER',
  /** The first 8 bytes are not `VRRL0001` (original: `header_mismatch`). */
  BAD_MAGIC: 'RING_BAD_MAGIC',
  /** Version is not 1 (original: `header_mismatch`). */
  BAD_VERSION: 'RING_BAD_VERSION',
  /** Capacity 0, in a header or asked for (original: `zero_capacity`). */
  ZERO_CAPACITY: 'RING_ZERO_CAPACITY',
  /** Capacity above 1,048,576 (original: `capacity_overflow`). */
  CAPACITY_OVERFLOW: 'RING_CAPACITY_OVERFLOW',
  /** The file ends before the last slot its header's capacity implies (original: `io` read UnexpectedEof). */
  SHORT_FILE: 'RING_SHORT_FILE',
  /** A slot unit shorter than 64 bytes. */
  TRUNCATED_SLOT: 'RING_TRUNCATED_SLOT',
  /** A slot whose magic is neither 0 nor 0xDEADBEEF (original: `header_mismatch` from replay). */
  FOREIGN_SLOT_MAGIC: 'RING_FOREIGN_SLOT_MAGIC',
  /** A single header/slot unit followed by more bytes. */
  TRAILING_BYTES: 'RING_TRAILING_BYTES',
  /** Strict mode: header flags are not 0. */
  NONZERO_FLAGS: 'RING_NONZERO_FLAGS',
  /** Strict mode: the cursor is not below the capacity. */
  CURSOR_OUT_OF_RANGE: 'RING_CURSOR_OUT_OF_RANGE',
  /** Strict mode: one of the 20 padding bytes of a record is not 0. */
  NONZERO_PADDING: 'RING_NONZERO_PADDING',
  /** Strict mode: an empty slot (magic 0) holds non-zero bytes. */
  DIRTY_EMPTY_SLOT: 'RING_DIRTY_EMPTY_SLOT',
  /** A value given to an encoder or store does not fit its field (or is not the right shape). */
  INVALID_VALUE: 'RING_INVALID_VALUE',
  /** `strict` open: the file's capacity differs from the one asked for. */
  CAPACITY_MISMATCH: 'RING_CAPACITY_MISMATCH',
  /** An earlier write or sync of this store failed; its on-disk state is unknown until reopened. */
  STORE_FAILED: 'RING_STORE_FAILED',
  /** A `consistent` read saw the file change between every two of its reads (RING-R-015). */
  READ_UNSTABLE: 'RING_READ_UNSTABLE',
} as const;
export type RingCode = (typeof RingCode)[keyof typeof RingCode];

export function ringError(
  code: RingCode,
  message: string,
  offset?: number,
  details?: Record<string, unknown>,
): LogspecError {
  return new LogspecError('ring', code, message, { offset, details });
}
