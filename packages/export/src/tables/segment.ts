import { col, dict, provenance, type TableDef } from '../table.js';

/** rivven's segment log: one row per message of a partition (or one segment file). */
export const SEGMENT_TABLE: TableDef = {
  name: 'segment',
  version: 1,
  doc: 'One row per message of a partition directory ({base:020}.log segments in base order) or of one segment file, in file order. A CRC mismatch or an undecodable message ends its segment (as the original reader stops there) and goes to the errors table.',
  columns: [
    ...provenance(
      'the segment file name ({base:020}.log)',
      "byte offset of the message's frame (its CRC field)",
      "the segment's base offset",
      false,
    ),
    col('offset', 'u64', 'the message offset (what consumers poll by)'),
    col('frame_len', 'u32', 'frame size in bytes: 8 header bytes + payload'),
    col(
      'time',
      'timestamp_ns',
      'the message timestamp in UTC; null when outside 1677–2262 (chrono allows years ±262,143)',
      true,
    ),
    col(
      'timestamp_ms',
      'i64',
      "the timestamp in milliseconds since the Unix epoch (chrono's timestamp_millis, floored); always present",
    ),
    col('key', 'binary', 'message key; null for none', true),
    col('value', 'binary', 'message value'),
    col('value_len', 'u32', 'value size in bytes'),
    dict(col('header_count', 'u32', 'number of headers')),
    col('headers', 'utf8', 'headers as JSON: [{"key": name, "value": UTF-8 text or null, "value_hex": hex}], in order'),
    col('producer_id', 'u64', 'producer id; null for none', true),
    col('producer_epoch', 'u16', 'producer epoch; null for none', true),
    dict(col('transaction_marker', 'utf8', 'Commit or Abort; null for none', true)),
    col('is_transactional', 'bool', 'is_transactional'),
  ],
};
