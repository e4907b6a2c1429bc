import { col, dict, provenance, type TableDef } from '../table.js';

/** xerv's workflow WAL: one row per CRC-valid record, files in sequence order. */
export const WAL_TABLE: TableDef = {
  name: 'wal',
  version: 1,
  doc: 'One row per CRC-valid record of a WAL file or directory (wal_{seq:016x}.log files in sequence order), in file order. Skipped records and damaged file ends go to the errors table.',
  columns: [
    ...provenance(
      'the WAL file name (wal_{seq:016x}.log)',
      "byte offset of the record's total_len field",
      "the file's sequence number (the {seq} of its name)",
      true,
    ),
    col('record_len', 'u32', 'total_len: the record size in bytes, header included'),
    dict(
      col(
        'record_type',
        'utf8',
        'the record type name: TraceStart, NodeStart, NodeDone, NodeError, TraceComplete, TraceFailed, TraceSuspended, TraceResumed, Checkpoint, LoopIteration, LoopExit',
      ),
    ),
    dict(col('record_type_code', 'u8', 'the record type byte (0–10)')),
    dict(col('trace_id', 'utf8', 'trace id as a dashed lower-case UUID')),
    dict(col('node_id', 'u32', 'node id')),
    col('timestamp_ns', 'u64', 'timestamp_ns as stored (nanoseconds since the Unix epoch)'),
    col('time', 'timestamp_ns', 'timestamp_ns as a UTC timestamp; null past 2262-04-11', true),
    col('output_offset', 'u64', "arena offset of the node's output (0: none)"),
    col('output_size', 'u32', 'output size in bytes'),
    col('schema_hash', 'u64', 'schema hash'),
    col('iteration', 'u32', 'loop iteration'),
    dict(
      col(
        'error_message',
        'utf8',
        'error message; null when empty (the format stores Some("") as none). Invalid UTF-8 is replaced by U+FFFD, as xerv reads it',
        true,
      ),
    ),
    col('metadata', 'utf8', 'metadata text (often JSON); null when empty; invalid UTF-8 replaced by U+FFFD', true),
  ],
};
