// Browser-safe codec of xerv's workflow WAL: records, in-memory scanning, canonical JSON,
// recovery fold. File I/O lives in `@logspec/wal/store`.
export { newTraceId, nowNs, WalRecords } from './builders.js';
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
export { describeWalRecord } from './describe.js';
export { WalCode, walError } from './errors.js';
export { Field, HEADER_SIZE, MAX_RECORD_SIZE, MIN_PAYLOAD_SIZE, MIN_RECORD_SIZE, PayloadField } from './layout.js';
export {
  type DecodeMode,
  type DecodeRecordOptions,
  decodeRecord,
  encodedSize,
  encodeRecord,
  encodeRecordInto,
  maxEncodedSize,
  recordLengthAt,
  type SkipReason,
  type WalRecord,
  type WalRecordInput,
} from './record.js';
export {
  isRecordType,
  MAX_RECORD_TYPE,
  RECORD_TYPE_NAMES,
  recordTypeFromName,
  recordTypeName,
  WalRecordType,
  type WalRecordTypeName,
} from './record-type.js';
export {
  type FinishedTrace,
  foldTraces,
  type NodeOutputLocation,
  type ResumePlan,
  resumePlan,
  TraceRecovery,
  type TraceRecoveryState,
} from './recovery.js';
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
  type WalEntry,
  type WalReadResult,
} from './scan.js';
export { formatTraceId, type TraceIdInput, traceIdBytes, traceIdHex } from './trace-id.js';
