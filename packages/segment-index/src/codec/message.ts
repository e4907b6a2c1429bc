import type { Timestamp } from './timestamp.js';

/** rivven-core's `Message`: its fields, as every reader and writer of this package sees them. */

export type TransactionMarker = 'Commit' | 'Abort';
/** Variant index of each marker on the wire (serde's declaration order). */
export const MARKER_INDEX: Record<TransactionMarker, number> = { Commit: 0, Abort: 1 };

export interface Header {
  key: string;
  value: Uint8Array;
}

/**
 * rivven-core's `Message`, field for field. Bytes are `Uint8Array`s (decoded ones are views of
 * the input unless `copy` is asked for); u64s are bigints; the timestamp keeps nanoseconds.
 */
export interface Message {
  offset: bigint;
  key: Uint8Array | null;
  value: Uint8Array;
  timestamp: Timestamp;
  headers: Header[];
  producerId: bigint | null;
  producerEpoch: number | null;
  transactionMarker: TransactionMarker | null;
  isTransactional: boolean;
}

/** What a caller must give; everything else has the original's default (None, empty, false). */
export type MessageInit = Partial<Message> & Pick<Message, 'value' | 'timestamp'>;

export function makeMessage(init: MessageInit): Message {
  return {
    offset: init.offset ?? 0n,
    key: init.key ?? null,
    value: init.value,
    timestamp: init.timestamp,
    headers: init.headers ?? [],
    producerId: init.producerId ?? null,
    producerEpoch: init.producerEpoch ?? null,
    transactionMarker: init.transactionMarker ?? null,
    isTransactional: init.isTransactional ?? false,
  };
}
