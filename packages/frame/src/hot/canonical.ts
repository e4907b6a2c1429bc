import { HotCode, hotlogError } from './codes.js';
import { type HotEventJson, type HotEventRecord, RECORD_FIELDS } from './record.js';

/** The record's canonical JSON (field order of the archive; see `HotEventJson`). */
export function recordToJson(r: HotEventRecord): HotEventJson {
  return {
    session_id: r.sessionId,
    seq: r.seq.toString(),
    ts_ms: r.tsMs.toString(),
    ts_exact: r.tsExact,
    kind: r.kind,
    source: r.source,
    tool: r.tool,
    tool_call_id: r.toolCallId,
    tokens_in: r.tokensIn,
    tokens_out: r.tokensOut,
    reasoning_tokens: r.reasoningTokens,
    cost_usd_e6: r.costUsdE6 === null ? null : r.costUsdE6.toString(),
    stop_reason: r.stopReason,
    latency_ms: r.latencyMs,
    ttft_ms: r.ttftMs,
    retry_count: r.retryCount,
    context_used_tokens: r.contextUsedTokens,
    context_max_tokens: r.contextMaxTokens,
    cache_creation_tokens: r.cacheCreationTokens,
    cache_read_tokens: r.cacheReadTokens,
    system_prompt_tokens: r.systemPromptTokens,
    payload_json: r.payloadJson,
  };
}

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const DECIMAL = /^-?(0|[1-9][0-9]*)$/;

function invalid(field: string, want: string, got: unknown): never {
  throw hotlogError(
    HotCode.INVALID_VALUE,
    `${field}: expected ${want}, got ${JSON.stringify(got) ?? String(got)}`,
    undefined,
    {
      field,
    },
  );
}

function integer(field: string, x: unknown, min: bigint, max: bigint, want: string): bigint {
  let v: bigint | undefined;
  if (typeof x === 'string' && DECIMAL.test(x)) v = BigInt(x);
  else if (typeof x === 'number' && Number.isSafeInteger(x)) v = BigInt(x);
  if (v === undefined || v < min || v > max) invalid(field, want, x);
  return v;
}

function small(field: string, x: unknown, max: number): number | null {
  if (x === null) return null;
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > max) {
    invalid(field, max === 0xffff ? 'a u16 number or null' : 'a u32 number or null', x);
  }
  return x;
}

function str(field: string, x: unknown): string {
  if (typeof x !== 'string') invalid(field, 'a string', x);
  return x;
}

function optStr(field: string, x: unknown): string | null {
  return x === null ? null : str(field, x);
}

/**
 * Reads a record from its canonical JSON. Every field must be present (extra keys such as
 * `log.json`'s `frame_offset` or `note` are ignored); u64/i64 as decimal strings (safe-integer
 * numbers are accepted too). Wrong shapes answer `HOT_INVALID_VALUE`.
 */
export function recordFromJson(value: unknown): HotEventRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid('event', 'an object', value);
  const o = value as Record<string, unknown>;
  for (const [name] of RECORD_FIELDS) if (!(name in o)) invalid(name, 'a value (field missing)', undefined);
  const tsExact = o.ts_exact;
  if (typeof tsExact !== 'boolean') invalid('ts_exact', 'a boolean', tsExact);
  return {
    sessionId: str('session_id', o.session_id),
    seq: integer('seq', o.seq, 0n, U64_MAX, 'a u64 decimal string'),
    tsMs: integer('ts_ms', o.ts_ms, 0n, U64_MAX, 'a u64 decimal string'),
    tsExact,
    kind: str('kind', o.kind),
    source: str('source', o.source),
    tool: optStr('tool', o.tool),
    toolCallId: optStr('tool_call_id', o.tool_call_id),
    tokensIn: small('tokens_in', o.tokens_in, 0xffffffff),
    tokensOut: small('tokens_out', o.tokens_out, 0xffffffff),
    reasoningTokens: small('reasoning_tokens', o.reasoning_tokens, 0xffffffff),
    costUsdE6:
      o.cost_usd_e6 === null ? null : integer('cost_usd_e6', o.cost_usd_e6, I64_MIN, I64_MAX, 'an i64 decimal string'),
    stopReason: optStr('stop_reason', o.stop_reason),
    latencyMs: small('latency_ms', o.latency_ms, 0xffffffff),
    ttftMs: small('ttft_ms', o.ttft_ms, 0xffffffff),
    retryCount: small('retry_count', o.retry_count, 0xffff),
    contextUsedTokens: small('context_used_tokens', o.context_used_tokens, 0xffffffff),
    contextMaxTokens: small('context_max_tokens', o.context_max_tokens, 0xffffffff),
    cacheCreationTokens: small('cache_creation_tokens', o.cache_creation_tokens, 0xffffffff),
    cacheReadTokens: small('cache_read_tokens', o.cache_read_tokens, 0xffffffff),
    systemPromptTokens: small('system_prompt_tokens', o.system_prompt_tokens, 0xffffffff),
    payloadJson: str('payload_json', o.payload_json),
  };
}
