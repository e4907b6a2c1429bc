// Browser-safe codec of rivven-core's segment log: postcard `Message`, chrono timestamps,
// frames, `.index`/`.timeindex` entries and the original's per-segment reading rules over any
// `FileHandle` (files through `Fs`, or bytes in memory). No Node APIs here; I/O is in `./store`.
export { POSTCARD_MESSAGE, POSTCARD_VARIANT, SegCode, segError } from './codec/errors.js';
export { type DecodedFrame, decodeFrame, encodeFrame, encodeFrames, FRAME_HEADER_SIZE } from './codec/frame.js';
export {
  decodeIndexEntries,
  decodeTimeIndexEntries,
  encodeIndexEntries,
  INDEX_ENTRY_SIZE,
  INDEX_INTERVAL_BYTES,
  type IndexEntry,
  MAX_RELATIVE_OFFSET,
  OffsetIndex,
  TIME_INDEX_ENTRY_SIZE,
  TimeIndex,
  type TimeIndexEntry,
} from './codec/index-entries.js';
export {
  type IndexEntryJson,
  indexEntriesToJson,
  type MessageJson,
  messageFromJson,
  messageToJson,
} from './codec/json.js';
export {
  type DecodedMessage,
  type DecodeMessageOptions,
  decodeMessage,
  decodeMessageAt,
  encodeMessage,
  type Header,
  MARKER_INDEX,
  type Message,
  type MessageInit,
  makeMessage,
  type PreparedMessage,
  prepareMessage,
  type TransactionMarker,
  writePrepared,
} from './codec/message.js';
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
export {
  checkTimestamp,
  civilFromDays,
  daysFromCivil,
  formatTimestamp,
  MAX_EPOCH_SECONDS,
  MAX_YEAR,
  MIN_EPOCH_SECONDS,
  MIN_YEAR,
  parseTimestamp,
  type Timestamp,
  timestampEquals,
  timestampFromDate,
  timestampFromMillis,
  timestampMillis,
  timestampMillisNumber,
  timestampTextLength,
  writeTimestampText,
} from './codec/timestamp.js';
