// Browser-safe codec of rivven-core's segment log: postcard `Message`, chrono timestamps,
// frames, `.index`/`.timeindex` entries and the original's per-segment reading rules over any
// `FileHandle` (files through `Fs`, or bytes in memory). No Node APIs here; I/O is in `./store`.
// The order is the README's (Source layout).

// Errors: `SegCode` and the postcard variant names the original reports

export { POSTCARD_MESSAGE, POSTCARD_VARIANT, SegCode, segError } from './codec/errors.js';

// Timestamps as chrono holds them (seconds and nanoseconds), calendar arithmetic

export {
  checkTimestamp,
  civilFromDays,
  daysFromCivil,
  MAX_EPOCH_SECONDS,
  MAX_YEAR,
  MIN_EPOCH_SECONDS,
  MIN_YEAR,
  type Timestamp,
  timestampEquals,
  timestampFromDate,
  timestampFromMillis,
  timestampMillis,
  timestampMillisNumber,
} from './codec/timestamp.js';

// ... written as chrono writes them

export { formatTimestamp, timestampTextLength, writeTimestampText } from './codec/timestamp-writer.js';

// ... read as chrono 0.4.23 reads them

export { parseTimestamp } from './codec/timestamp-reader.js';

// The postcard `Message`

export {
  type Header,
  MARKER_INDEX,
  type Message,
  type MessageInit,
  makeMessage,
  type TransactionMarker,
} from './codec/message.js';

// ... written as postcard writes it

export { encodeMessage, type PreparedMessage, prepareMessage, writePrepared } from './codec/message-writer.js';

// ... read as postcard reads it

export {
  type DecodedMessage,
  type DecodeMessageOptions,
  decodeMessage,
  decodeMessageAt,
} from './codec/message-reader.js';

// Frames: CRC-32 and length before each message

export { type DecodedFrame, decodeFrame, encodeFrame, encodeFrames, FRAME_HEADER_SIZE } from './codec/frame.js';

// `.index` and `.timeindex` entries and their checks

export {
  decodeIndexEntries,
  decodeTimeIndexEntries,
  encodeIndexEntries,
  INDEX_ENTRY_SIZE,
  INDEX_INTERVAL_BYTES,
  type IndexEntry,
  type IndexProblem,
  indexEntryOrderProblem,
  indexedFrameProblem,
  indexTornTail,
  MAX_RELATIVE_OFFSET,
  OffsetIndex,
  pairedTimePrefix,
  TIME_INDEX_ENTRY_SIZE,
  TimeIndex,
  type TimeIndexEntry,
  timeIndexProblem,
  validateOffsetIndex,
} from './codec/index-entries.js';

// Canonical JSON of messages and index entries (conformance)

export {
  type IndexEntryJson,
  indexEntriesToJson,
  type MessageJson,
  messageFromJson,
  messageToJson,
} from './codec/canonical.js';

// File layout: the names in a partition directory

export {
  INDEX_SUFFIX,
  LOCK_FILE,
  LOG_SUFFIX,
  listSegmentBases,
  parseRustU64,
  segmentFileName,
  splitExtension,
  TIME_INDEX_SUFFIX,
} from './codec/names.js';

// The original's per-segment reading rules, over any `FileHandle`

export {
  findOffsetForTimestampLinear,
  type MessageVisitor,
  memoryHandle,
  type ReadStopReason,
  readSegment,
  recoverLastOffset,
  relativeForLookup,
  type SegmentReadOptions,
  type SegmentReadResult,
  type SegmentScanResult,
  scanSegment,
  timestampBounds,
} from './codec/segment-scan.js';

// Named byte ranges of frames, messages and index entries (the inspector's hex view)

export {
  describeIndexEntry,
  describeSegmentFrame,
  describeSegmentMessage,
  describeTimeIndexEntry,
} from './codec/describe.js';
