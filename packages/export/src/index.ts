/**
 * `@logspec/export`: the analytics tables of every logspec format (documented, versioned
 * column sets: `spec/export.md`), Arrow record batches built column by column, and their NDJSON
 * rendering. Browser-safe (apache-arrow and typed arrays only). Reading logs from files and
 * writing Arrow IPC, Parquet and NDJSON files is `@logspec/export/store`.
 */
export { BatchBuilder, type BatchLimits, DEFAULT_BATCH_BYTES, DEFAULT_BATCH_ROWS } from './batch.js';
export { BytesColumn, Column, NumberColumn } from './columns.js';
export { columnTableMarkdown } from './docs.js';
export { EXPORT_TABLE_SCHEMAS, tableJsonSchema } from './json-schema.js';
export { batchToNdjson, hex, isoFromMs, isoFromNs } from './ndjson.js';
export {
  arrowSchema,
  arrowType,
  type ColumnKind,
  type ColumnSpec,
  KIND_NAMES,
  META_TABLE,
  META_VERSION,
  type TableDef,
  type TableName,
} from './table.js';
export {
  ERRORS_TABLE,
  HOTFRAME_TABLE,
  HOTLOG_TABLE,
  RING_TABLE,
  SEGMENT_TABLE,
  SESSION_TABLE,
  TABLES,
  WAL_TABLE,
} from './tables/index.js';
