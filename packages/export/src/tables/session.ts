import { col, dict, provenance, type TableDef } from '../table.js';

/** pi's session store v2: one row per entry, in index (chain) order. */
export const SESSION_TABLE: TableDef = {
  name: 'session',
  version: 1,
  doc: 'One row per entry of a session store, in index order (the order of the hash chain), as the store reads after the recovery an open performs (done in memory: the files are only read).',
  columns: [
    ...provenance(
      'the segment file, relative to the store root (segments/{seq:016}.seg)',
      "byte offset of the entry's frame line in its segment",
      'segment_seq',
      false,
    ),
    col('entry_seq', 'u64', 'entry_seq (1, 2, …)'),
    col('frame_seq', 'u64', 'frame_seq within the segment'),
    col('chain_position', 'u64', 'position in the hash chain: 0 for the first entry of the index, then 1, 2, …'),
    col('entry_id', 'utf8', 'entry id'),
    col('parent_entry_id', 'utf8', 'parent entry id; null for a root entry', true),
    col(
      'depth',
      'u32',
      'number of ancestors along parent links (0 for a root); null when a parent is not an earlier entry',
      true,
    ),
    dict(col('entry_type', 'utf8', 'entry type (message, compaction, …)')),
    col('timestamp', 'utf8', 'the timestamp text as stored'),
    col('time', 'timestamp_ns', 'the timestamp as UTC; null when the text is not an RFC 3339 date-time', true),
    col('payload', 'utf8', 'the payload: JSON text, byte for byte as stored'),
    col('payload_bytes', 'u64', 'payload size in bytes'),
    col('payload_sha256', 'utf8', 'SHA-256 of the payload, lower-case hex, as stored'),
  ],
};
