/**
 * `@logspec/session-store`: the browser-safe codec of pi's session store v2 — the
 * serde_json-compatible JSON writer and reader, segment frames, index rows, checkpoints,
 * the manifest and its hash, the chain hash. The Node store is `@logspec/session-store/store`.
 * The order is the README's (Source layout).
 *
 * In a browser, `await checksumsReady()` (from `@logspec/core`) before hashing.
 */

// Errors: `SessCode`, `SessionError`, pi's error categories and messages

export {
  type IoKind,
  isRecoverableIndexError,
  jsonError,
  type PiCategory,
  piCategory,
  piDisplay,
  SessCode,
  SessionError,
  type SessionErrorInit,
  sessionError,
} from './errors.js';

// Recovery warning codes (`SessWarning`)

export { SessWarning } from './warnings.js';

// u64 values (number or bigint) with Rust's checked and saturating arithmetic

export {
  checkedAddU64,
  isU64,
  pad16,
  saturatingAddU64,
  saturatingSubU64,
  toU64,
  type U64,
  U64_MAX,
  u64FromBigInt,
} from './u64.js';

// JSON written as serde_json writes it

export {
  formatF64,
  isWellFormed,
  JsonF64,
  type JsonValue,
  quoteJsonString,
  RawJson,
  type WriteJsonOptions,
  writeJson,
} from './json/writer.js';

// UTF-8 checked as Rust checks it

export { isValidUtf8 } from './json/utf8.js';

// JSON read as serde_json reads it: the lexer

export type { RawRange } from './json/lexer.js';

// ... numbers and values

export type { ParsedNumber } from './json/values.js';

// ... structs, and the entry points

export {
  checkRawJson,
  decodeStructAt,
  type FieldKind,
  type FieldSpec,
  type FieldValue,
  JsonReader,
  parseJson,
  type StructSpec,
} from './json/reader.js';

// The store's records and their schema ids

export {
  CHECKPOINT_SCHEMA,
  type Checkpoint,
  type FrameFields,
  type FrameHead,
  type IndexRow,
  type IndexSummary,
  MANIFEST_SCHEMA,
  type Manifest,
  type ManifestCounters,
  type ManifestFiles,
  type ManifestIntegrity,
  type ManifestInvariants,
  MIGRATION_EVENT_SCHEMA,
  type MigrationEvent,
  type MigrationVerification,
  OFFSET_INDEX_SCHEMA,
  SEGMENT_FRAME_SCHEMA,
  type SegmentFrame,
  type StoreHead,
} from './records/types.js';

// Their serde layouts

export { CHECKPOINT_SPEC, FRAME_SPEC, INDEX_ROW_SPEC, MANIFEST_SPEC, MIGRATION_EVENT_SPEC } from './records/layouts.js';

// The one reader of each record

export {
  decodeCheckpoint,
  decodeFrame,
  decodeFrameHead,
  decodeIndexRow,
  decodeManifest,
  decodeMigrationEvent,
  frameFromHead,
  payloadMatches,
} from './records/reader.js';

// The writer of each record's exact bytes

export {
  encodeCheckpoint,
  encodeFrame,
  encodeFrameLine,
  encodeIndexRow,
  encodeIndexRowText,
  encodeManifest,
  encodeMigrationEvent,
  manifestHash,
} from './records/writer.js';

// JSON lines: limits and ends

export { frameTextEnd, isBlankLine, jsonLineEnd, MAX_LINE_BYTES } from './lines.js';

// Payloads: what an append embeds

export { type PayloadInput, preparePayload } from './payload.js';

// CRC-32C of lines, the payload hash and the chain hash

export {
  chainHashStep,
  chainStepIfClaimed,
  crc32cMatches,
  crc32cUpper,
  EMPTY_CRC32C,
  GENESIS_CHAIN_HASH,
  payloadHashAndSize,
} from './hash.js';

// Canonical JSON of each record (conformance)

export {
  type Canonical,
  canonicalCheckpoint,
  canonicalError,
  canonicalEvent,
  canonicalFrame,
  canonicalHead,
  canonicalIndexRow,
  canonicalManifest,
  frameFromCanonical,
  indexRowFromCanonical,
} from './canonical.js';

// Single units decoded and encoded for the conformance vectors

export {
  type DecodeMode,
  decodeFrameUnit,
  decodeIndexRowUnit,
  decodeJsonValueUnit,
  decodeUnit,
  encodeUnit,
  SESSION_ENCODE_KINDS,
  SESSION_UNIT_KINDS,
  type SessionUnitKind,
} from './units.js';

// Named byte ranges of a JSON line (the inspector's hex view)

export * from './describe.js';
