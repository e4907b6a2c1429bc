import { type DecodeRecordOptions, decodeRecordAt, ROOT_OFFSETS, ROOT_SIZE } from './archive.js';
import { HotCode, hotlogError } from './codes.js';
import type { HotEventRecord } from './record.js';

/** kaizen's `EventKind`, archived as its Debug name. */
export const EVENT_KINDS = ['ToolCall', 'ToolResult', 'Message', 'Error', 'Cost', 'Hook', 'Lifecycle'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
/** kaizen's `EventSource`, archived as its Debug name. */
export const EVENT_SOURCES = ['Tail', 'Hook', 'Proxy'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

/**
 * `strict`: an unknown kind or source name is an error (`HOT_UNKNOWN_KIND`/`_SOURCE`).
 * `compatible`: unknown kinds become `Message` and unknown sources `Tail`, as the original's
 * `kind_from_str`/`source_from_str` do (HOT-R-022).
 */
export type NameMode = 'strict' | 'compatible';

const KIND_SET: ReadonlySet<string> = new Set(EVENT_KINDS);
const SOURCE_SET: ReadonlySet<string> = new Set(EVENT_SOURCES);

export function isEventKind(s: string): s is EventKind {
  return KIND_SET.has(s);
}
export function isEventSource(s: string): s is EventSource {
  return SOURCE_SET.has(s);
}

/** `offset`: where the name's field sits, so the error can point at it. */
export function parseKind(name: string, mode: NameMode = 'strict', offset?: number): EventKind {
  if (isEventKind(name)) return name;
  if (mode === 'compatible') return 'Message';
  throw hotlogError(HotCode.UNKNOWN_KIND, `unknown event kind ${JSON.stringify(name)}`, offset, { kind: name });
}

export function parseSource(name: string, mode: NameMode = 'strict', offset?: number): EventSource {
  if (isEventSource(name)) return name;
  if (mode === 'compatible') return 'Tail';
  throw hotlogError(HotCode.UNKNOWN_SOURCE, `unknown event source ${JSON.stringify(name)}`, offset, {
    source: name,
  });
}

/** An event: a record whose kind and source are known names and whose payload is JSON. */
export interface HotEvent extends HotEventRecord {
  kind: EventKind;
  source: EventSource;
}

/** Parses `payloadJson` (`HOT_PAYLOAD_JSON` if it is not JSON, where the original's `into_event` fails). */
export function parsePayload(rec: Pick<HotEventRecord, 'payloadJson'>, offset?: number): unknown {
  try {
    return JSON.parse(rec.payloadJson);
  } catch (cause) {
    throw hotlogError(HotCode.PAYLOAD_JSON, `payload_json is not JSON: ${(cause as Error).message}`, offset);
  }
}

/**
 * Decodes one archive (`bytes[start, end)`) into an event: the archive is validated per
 * `opts.mode`, then names are mapped per `nameMode` and the payload checked to be JSON. Name and
 * payload errors point at their field in the root (the last 192 bytes of the archive).
 */
export function decodeEventAt(
  bytes: Uint8Array,
  start: number,
  end: number,
  opts: DecodeRecordOptions & { nameMode?: NameMode } = {},
): HotEvent {
  const rec = decodeRecordAt(bytes, start, end, opts);
  const root = (opts.baseOffset ?? opts.position ?? 0) + (end - start) - ROOT_SIZE;
  const mode = opts.nameMode ?? 'compatible';
  const kind = parseKind(rec.kind, mode, root + ROOT_OFFSETS.kind);
  const source = parseSource(rec.source, mode, root + ROOT_OFFSETS.source);
  parsePayload(rec, root + ROOT_OFFSETS.payloadJson);
  return { ...rec, kind, source };
}

/**
 * The original's `into_event`: names mapped per `mode`, the payload checked to be JSON. The
 * record's payload text is kept as is (logspec never re-serialises it).
 */
export function toEvent(rec: HotEventRecord, mode: NameMode = 'compatible'): HotEvent {
  const kind = parseKind(rec.kind, mode);
  const source = parseSource(rec.source, mode);
  parsePayload(rec);
  return { ...rec, kind, source };
}

/** Fields of an event that may be left out when building one; options default to null. */
export type HotEventInit = Pick<HotEventRecord, 'sessionId' | 'seq' | 'tsMs'> &
  Partial<Omit<HotEventRecord, 'sessionId' | 'seq' | 'tsMs' | 'kind' | 'source'>> & {
    kind: EventKind;
    source?: EventSource;
    /** The payload as a value; serialised with JSON.stringify unless `payloadJson` is given. */
    payload?: unknown;
  };

/** Builds a full record from the fields that matter, like kaizen's `From<&Event>`. */
export function makeEvent(init: HotEventInit): HotEvent {
  let payloadJson: unknown = init.payloadJson;
  if (payloadJson === undefined) {
    try {
      payloadJson = init.payload === undefined ? 'null' : JSON.stringify(init.payload);
    } catch (cause) {
      throw hotlogError(HotCode.INVALID_VALUE, `payload has no JSON form: ${(cause as Error).message}`);
    }
  }
  if (typeof payloadJson !== 'string') throw hotlogError(HotCode.INVALID_VALUE, 'payload has no JSON form');
  return {
    sessionId: init.sessionId,
    seq: init.seq,
    tsMs: init.tsMs,
    tsExact: init.tsExact ?? true,
    kind: init.kind,
    source: init.source ?? 'Tail',
    tool: init.tool ?? null,
    toolCallId: init.toolCallId ?? null,
    tokensIn: init.tokensIn ?? null,
    tokensOut: init.tokensOut ?? null,
    reasoningTokens: init.reasoningTokens ?? null,
    costUsdE6: init.costUsdE6 ?? null,
    stopReason: init.stopReason ?? null,
    latencyMs: init.latencyMs ?? null,
    ttftMs: init.ttftMs ?? null,
    retryCount: init.retryCount ?? null,
    contextUsedTokens: init.contextUsedTokens ?? null,
    contextMaxTokens: init.contextMaxTokens ?? null,
    cacheCreationTokens: init.cacheCreationTokens ?? null,
    cacheReadTokens: init.cacheReadTokens ?? null,
    systemPromptTokens: init.systemPromptTokens ?? null,
    payloadJson,
  };
}
