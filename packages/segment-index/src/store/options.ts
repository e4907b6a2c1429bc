import type { LogspecError } from '@logspec/core';
import type { MessageFields } from '../codec/batch-encoder.js';
import type { Message, MessageInit } from '../codec/message.js';
import type { ReadStopReason } from '../codec/segment-scan.js';
import type { Timestamp } from '../codec/timestamp.js';

/** What a segment and a partition are opened with, and what their reads return. */

/** A message for `Segment.appendMessages`: fields with the original's defaults, timestamp optional. */
export type MessageToAppend = MessageFields & { timestamp?: Timestamp };

export interface SegmentOptions {
  /** Keep a `.timeindex` (logspec; default true). The original neither writes nor reads it. */
  timeIndex?: boolean;
  /** Open without writing anything: no recovery, no file creation, no index repair. */
  readOnly?: boolean;
  /** Create the files when missing, as `Segment::new` does (default true unless read-only). */
  create?: boolean;
  /**
   * What recovery does with a torn or corrupt tail of the log (default `truncate`, Kafka's rule:
   * everything before it was checked frame by frame). `refuse` throws `SEG_CORRUPT_TAIL`.
   * `torn-only` cuts the tail only when no complete, CRC-valid, non-empty frame follows the
   * damage (a crash's torn tail); when one does it cuts nothing and throws
   * `SEG_CORRUPT_BEFORE_TAIL` naming it (SEG-S-010).
   */
  tail?: 'truncate' | 'refuse' | 'torn-only';
  /** Appended frames are kept in memory up to this many bytes before being written (default 64 KiB). */
  writeBufferBytes?: number;
  /** Make every append durable before it returns (default false: durable at `flush()`). */
  syncEveryAppend?: boolean;
  /**
   * Run logspec's recovery on open (default true when writable). A partition opens its sealed
   * segments without it: they were synced before the roll and are never appended to again.
   */
  recover?: boolean;
}

/** The original's default maximum segment size (1 GiB). */
export const DEFAULT_MAX_SEGMENT_BYTES = 1 << 30;
/** `LogManager::read` returns at most this many messages per call. */
export const ORIGINAL_READ_MESSAGE_CAP = 1000;

export type Durability =
  /** The original's contract: appends are durable once `flush()` returns. */
  | 'explicit'
  /** Every `append`/`appendBatch` call is durable when it returns (one fsync per call). */
  | 'every-append';

export interface PartitionOptions {
  /** Roll to a new segment before an append once the active one has reached this size (default 1 GiB). */
  maxSegmentBytes?: number;
  durability?: Durability;
  /** Keep `.timeindex` files (default true). */
  timeIndex?: boolean;
  /** Take the single-writer lock `<dir>/LOCK` (default true when writable). */
  lock?: boolean;
  /** Open for reading only: nothing is created, repaired or locked. */
  readOnly?: boolean;
  /** Create the directory when missing (default true when writable). */
  create?: boolean;
  /** What recovery does with a torn or corrupt tail of the active segment (default `truncate`; see `SegmentOptions.tail`). */
  tail?: SegmentOptions['tail'];
  /**
   * Also run recovery on the sealed segments (default false: they were synced before the roll,
   * and opening stays cheap). For repair tools: a damaged sealed segment gets its index
   * checked entry by entry and rebuilt, and a torn tail cut.
   */
  recoverSealed?: boolean;
  /** Bytes of appended frames buffered before a write (default 64 KiB). */
  writeBufferBytes?: number;
  /** Clock for messages appended without a timestamp (default: `Date.now()`). */
  now?: () => Timestamp;
}

/** A message to append with an offset assigned by the partition. */
export type NewMessage = Omit<MessageInit, 'offset' | 'timestamp'> & { timestamp?: Timestamp };

export interface PartitionReadOptions {
  /** Stop once this many frame bytes were returned (default 1 MiB; at least one message is returned). */
  maxBytes?: number;
  maxMessages?: number;
  /** `error` (default): a corrupt frame throws; `stop`: return what came before it, with its position. */
  onCorrupt?: 'error' | 'stop';
}

export interface PartitionReadResult {
  messages: Message[];
  /** Offset to ask for next (the last message's offset + 1, or where the read started). */
  nextOffset: bigint;
  stop: { reason: ReadStopReason; baseOffset: bigint; position: number; error?: LogspecError };
}

export interface SegmentInfo {
  baseOffset: bigint;
  size: number;
  path: string;
}
