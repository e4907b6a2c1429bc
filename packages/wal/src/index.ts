// Browser-safe codec of xerv's workflow WAL: records, in-memory scanning, canonical JSON,
// recovery fold. File I/O lives in `@logspec/wal/store`. The order is the README's (Source layout).

// Errors: `WalCode`

export { WalCode, walError } from './errors.js';

// The record layout: header and payload fields

export { Field, HEADER_SIZE, MAX_RECORD_SIZE, MIN_PAYLOAD_SIZE, MIN_RECORD_SIZE, PayloadField } from './layout.js';

// Record types (TraceStart … LoopExit)

export {
  isRecordType,
  MAX_RECORD_TYPE,
  RECORD_TYPE_NAMES,
  recordTypeFromName,
  recordTypeName,
  WalRecordType,
  type WalRecordTypeName,
} from './record-type.js';

// Trace ids (UUIDs)

export { formatTraceId, type TraceIdInput, traceIdBytes, traceIdHex } from './trace-id.js';

// The record

export type { DecodeMode, DecodeRecordOptions, SkipReason, WalRecord, WalRecordInput } from './record.js';

// ... written as xerv writes it

export { encodedSize, encodeRecord, encodeRecordInto, maxEncodedSize } from './record-writer.js';

// ... read as xerv reads it

export { decodeRecord, recordLengthAt } from './record-reader.js';

// Records of each type, built

export { newTraceId, nowNs, WalRecords } from './builders.js';

// A WAL file's bytes scanned in memory as xerv's reader scans them

export {
  describeSkip,
  type FileEnd,
  findResync,
  RESYNC_LIMIT,
  type RecordSink,
  readWalBytes,
  type ScanMode,
  type SkippedRecord,
  scanBytes,
  type WalReadResult,
} from './scan.js';

// What the readers return per record: where it is, decoded on first access

export { RecordEntry, type WalEntry } from './entry.js';

// Canonical JSON of records and reads (conformance)

export {
  type CanonicalEnd,
  type CanonicalRead,
  type CanonicalRecord,
  type CanonicalRecordEntry,
  type CanonicalSkipped,
  fromCanonicalRecord,
  skipMessage,
  toCanonicalEnd,
  toCanonicalEntry,
  toCanonicalRead,
  toCanonicalRecord,
  toCanonicalSkipped,
} from './canonical.js';

// What to resume: the recovery fold over the records

export {
  type FinishedTrace,
  foldTraces,
  type NodeOutputLocation,
  type ResumePlan,
  resumePlan,
  TraceRecovery,
  type TraceRecoveryState,
} from './recovery.js';

// Named byte ranges of a record (the inspector's hex view)

export { describeWalRecord } from './describe.js';
