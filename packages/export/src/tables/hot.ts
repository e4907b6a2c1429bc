import { col, dict, provenance, type TableDef } from '../table.js';

const HOT_PROVENANCE = provenance(
  'the hot log file (hot/log.bin)',
  'byte offset of the frame (its length field)',
  'always null: a hot log is one file',
  true,
);

/** kaizen's hot event log with decoded events: one row per event. */
export const HOTLOG_TABLE: TableDef = {
  name: 'hotlog',
  version: 1,
  doc: 'One row per CRC-valid frame whose rkyv archive decodes, in file order. A frame whose archive does not decode, and a torn or CRC-bad frame that ends the replay, go to the errors table.',
  columns: [
    ...HOT_PROVENANCE,
    col('frame_index', 'u64', 'position among the frames (0-based; counts undecodable frames too)'),
    col('archive_len', 'u32', 'archive size in bytes'),
    col('archive_crc32', 'u32', "the frame's stored CRC-32 of the archive"),
    dict(col('session_id', 'utf8', 'session id')),
    col('seq', 'u64', 'event sequence number within the session'),
    col('ts_ms', 'u64', 'ts_ms as stored (milliseconds since the Unix epoch)'),
    col('time', 'timestamp_ms', 'ts_ms as a UTC timestamp; null when past int64 milliseconds', true),
    col('ts_exact', 'bool', 'ts_exact'),
    dict(col('kind', 'utf8', 'event kind as archived (ToolCall, ToolResult, Message, …)')),
    dict(col('source', 'utf8', 'event source as archived (Tail, Hook, Proxy)')),
    dict(col('tool', 'utf8', 'tool name', true)),
    col('tool_call_id', 'utf8', 'tool call id', true),
    col('tokens_in', 'u32', 'input tokens', true),
    col('tokens_out', 'u32', 'output tokens', true),
    col('reasoning_tokens', 'u32', 'reasoning tokens', true),
    col('cost_usd_e6', 'i64', 'cost in millionths of a US dollar', true),
    dict(col('stop_reason', 'utf8', 'stop reason', true)),
    col('latency_ms', 'u32', 'latency in milliseconds', true),
    col('ttft_ms', 'u32', 'time to first token in milliseconds', true),
    col('retry_count', 'u16', 'retries', true),
    col('context_used_tokens', 'u32', 'context tokens used', true),
    col('context_max_tokens', 'u32', 'context window size', true),
    col('cache_creation_tokens', 'u32', 'cache creation tokens', true),
    col('cache_read_tokens', 'u32', 'cache read tokens', true),
    col('system_prompt_tokens', 'u32', 'system prompt tokens', true),
    col('payload_json', 'utf8', 'the event payload: JSON text as archived (json_extract it in DuckDB)'),
  ],
};

/** kaizen's hot log framing with opaque payloads: one row per frame. */
export const HOTFRAME_TABLE: TableDef = {
  name: 'hotframe',
  version: 1,
  doc: 'One row per CRC-valid frame, in file order, the payload as opaque bytes. A torn or CRC-bad frame ends the replay and goes to the errors table.',
  columns: [
    ...HOT_PROVENANCE,
    col('frame_index', 'u64', 'position among the frames (0-based)'),
    col('payload_len', 'u32', 'payload size in bytes'),
    col('crc32', 'u32', "the frame's stored CRC-32 of the payload"),
    col('payload', 'binary', 'the payload bytes'),
  ],
};
