/**
 * kaizen's `HotEventRecord` as it is archived: every field verbatim (kind and source are the
 * strings found in the archive, the payload is JSON text). u64/i64 are bigints, options null.
 * {@link ./event.ts} gives the typed event view on top of it.
 */
export interface HotEventRecord {
  sessionId: string;
  seq: bigint;
  tsMs: bigint;
  tsExact: boolean;
  kind: string;
  source: string;
  tool: string | null;
  toolCallId: string | null;
  tokensIn: number | null;
  tokensOut: number | null;
  reasoningTokens: number | null;
  costUsdE6: bigint | null;
  stopReason: string | null;
  latencyMs: number | null;
  ttftMs: number | null;
  retryCount: number | null;
  contextUsedTokens: number | null;
  contextMaxTokens: number | null;
  cacheCreationTokens: number | null;
  cacheReadTokens: number | null;
  systemPromptTokens: number | null;
  payloadJson: string;
}

/**
 * The record's canonical JSON (the field names and forms of the reference `log.json`):
 * u64/i64 as decimal strings, u16/u32 as numbers, absent options as null.
 */
export interface HotEventJson {
  session_id: string;
  seq: string;
  ts_ms: string;
  ts_exact: boolean;
  kind: string;
  source: string;
  tool: string | null;
  tool_call_id: string | null;
  tokens_in: number | null;
  tokens_out: number | null;
  reasoning_tokens: number | null;
  cost_usd_e6: string | null;
  stop_reason: string | null;
  latency_ms: number | null;
  ttft_ms: number | null;
  retry_count: number | null;
  context_used_tokens: number | null;
  context_max_tokens: number | null;
  cache_creation_tokens: number | null;
  cache_read_tokens: number | null;
  system_prompt_tokens: number | null;
  payload_json: string;
}

/** The fields in archive (struct) order: canonical JSON name, record property, wire type. */
export const RECORD_FIELDS = [
  ['session_id', 'sessionId', 'string'],
  ['seq', 'seq', 'u64'],
  ['ts_ms', 'tsMs', 'u64'],
  ['ts_exact', 'tsExact', 'bool'],
  ['kind', 'kind', 'string'],
  ['source', 'source', 'string'],
  ['tool', 'tool', 'option<string>'],
  ['tool_call_id', 'toolCallId', 'option<string>'],
  ['tokens_in', 'tokensIn', 'option<u32>'],
  ['tokens_out', 'tokensOut', 'option<u32>'],
  ['reasoning_tokens', 'reasoningTokens', 'option<u32>'],
  ['cost_usd_e6', 'costUsdE6', 'option<i64>'],
  ['stop_reason', 'stopReason', 'option<string>'],
  ['latency_ms', 'latencyMs', 'option<u32>'],
  ['ttft_ms', 'ttftMs', 'option<u32>'],
  ['retry_count', 'retryCount', 'option<u16>'],
  ['context_used_tokens', 'contextUsedTokens', 'option<u32>'],
  ['context_max_tokens', 'contextMaxTokens', 'option<u32>'],
  ['cache_creation_tokens', 'cacheCreationTokens', 'option<u32>'],
  ['cache_read_tokens', 'cacheReadTokens', 'option<u32>'],
  ['system_prompt_tokens', 'systemPromptTokens', 'option<u32>'],
  ['payload_json', 'payloadJson', 'string'],
] as const satisfies readonly (readonly [keyof HotEventJson, keyof HotEventRecord, string])[];
