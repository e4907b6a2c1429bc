// Browser-safe entry: frame layouts and scanners, and the hot log's codecs (no I/O of its own;
// the file scanners read through a caller-supplied `FileHandle`). The order is the README's
// (Source layout).

// Frame layouts: length and CRC around each payload

export {
  encodeFrame,
  encodeFrameInto,
  type FrameLayout,
  type FrameVisitor,
  frameSize,
  hotLayout,
  type ScanStop,
  scanFrames,
  segmentLayout,
} from './framing/layout.js';

// An incremental decoder of frames from chunks

export {
  type DecodedFrame,
  type DecoderState,
  decodeFrames,
  FrameDecoder,
  type FrameDecoderOptions,
} from './framing/decoder.js';

// A chunked scan of a file's frames through a caller's `FileHandle`

export { DEFAULT_SCAN_CHUNK, type FileScanOptions, scanFileFrames } from './framing/file-scan.js';

// ... and on past damage, to the next frame that checks (what verify and repair report)

export * from './framing/damage-scan.js';

// `FrameBatch`: frames encoded in place into a CRC arena

export { FRAME_BATCH_ARENA_FROM, FrameBatch, type FrameBatchMark } from './framing/batch.js';

// The hot log's errors: `HotCode`

export { HotCode, hotframeError, hotlogError } from './hot/codes.js';

// The hot log's 12-byte header

export { checkHotHeader, type HeaderCheck, HOT_HEADER, HOT_HEADER_LEN, HOT_MAGIC, HOT_VERSION } from './hot/header.js';

// The hot log's frames and replay rules

export {
  decodeHotFrame,
  encodeHotFrame,
  type HotFrame,
  type HotFramesJson,
  type HotScanOptions,
  type HotStop,
  hotFramesJson,
  hotStopOf,
  replayHotFrames,
  scanHotLogFile,
} from './hot/frames.js';

// `HotEventRecord`, the event every frame holds

export { type HotEventJson, type HotEventRecord, RECORD_FIELDS } from './hot/record.js';

// ... as its rkyv 0.8 archive: decoded, checked, encoded

export { type DecodeRecordOptions, decodeRecord, decodeRecordAt } from './hot/archive.js';

// ... its layout

export { INLINE_CAPACITY, MAX_STRING_BYTES, ROOT_OFFSETS, ROOT_SIZE } from './hot/archive-layout.js';

// ... its writer

export { encodeRecord, encodeRecordInto, maxArchiveSize } from './hot/archive-write.js';

// ... read in place (rkyv's `access`)

export { accessRecord, HotEventView } from './hot/view.js';

// Events as kaizen makes them

export {
  decodeEventAt,
  EVENT_KINDS,
  EVENT_SOURCES,
  type EventKind,
  type EventSource,
  type HotEvent,
  type HotEventInit,
  isEventKind,
  isEventSource,
  makeEvent,
  type NameMode,
  parseKind,
  parsePayload,
  parseSource,
  toEvent,
} from './hot/event.js';

// A hot log's bytes replayed into events

export {
  type EventReplay,
  type EventReplayResult,
  errorJson,
  eventJson,
  type HotErrorJson,
  type HotLogEventJson,
  type HotLogJson,
  hotLogJson,
  type ReplayedEvent,
  replayEventsImage,
  replayedEvent,
  scanEvents,
} from './hot/event-replay.js';

// Canonical JSON of records (conformance)

export { recordFromJson, recordToJson } from './hot/canonical.js';

// Named byte ranges of the header, frames and archives (the inspector's hex view)

export * from './hot/describe.js';
