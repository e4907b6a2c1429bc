/**
 * `@logspec/export/store`: reads a log through its format package's scanner a batch at a time
 * and writes its table as Parquet (parquet-wasm), an Arrow IPC file (apache-arrow) or NDJSON,
 * with every damaged record in the errors table. All file I/O goes through core's `Fs`.
 */
export {
  type ExportOptions,
  type ExportResult,
  exportLog,
  openSource,
  type ReadBatchesOptions,
  readBatches,
  sinkFor,
} from './store/export.js';
export { type ByteOutput, FileOutput, TextOutput } from './store/output.js';
export { ArrowFileSink } from './store/sinks/arrow.js';
export { NdjsonSink } from './store/sinks/ndjson.js';
export {
  batchBytes,
  DEFAULT_COMPRESSION,
  DEFAULT_ROW_GROUP_BYTES,
  PARQUET_COMPRESSIONS,
  type ParquetCompression,
  type ParquetOptions,
  ParquetSink,
} from './store/sinks/parquet.js';
export { type BatchSink, OUTPUT_FORMATS, type OutputFormat } from './store/sinks/sink.js';
export {
  EXPORT_FORMATS,
  ExportCode,
  type ExportFormat,
  type ExportProblem,
  type Selection,
  type Source,
  type SourceContext,
} from './store/source.js';
export { parseRfc3339Ns } from './store/sources/session.js';
