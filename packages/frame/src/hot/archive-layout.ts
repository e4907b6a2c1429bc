/**
 * The layout of the rkyv 0.8 archive of `HotEventRecord` (`spec/hotlog.md` §4): shared by the
 * writer, the validating reader and the lazy view.
 */
export const ROOT_SIZE = 192;
/** Strings of at most this many bytes are stored inside their 8-byte field. */
export const INLINE_CAPACITY = 8;
/** rkyv's out-of-line capacity: the length keeps its top two bits for the `10` marker. */
export const MAX_STRING_BYTES = 2 ** 30 - 1;

/** Root offsets of the fields (option fields: the tag; the value follows at its alignment). */
export const ROOT_OFFSETS = {
  sessionId: 0,
  seq: 8,
  tsMs: 16,
  tsExact: 24,
  kind: 28,
  source: 36,
  tool: 44,
  toolCallId: 56,
  tokensIn: 68,
  tokensOut: 76,
  reasoningTokens: 84,
  costUsdE6: 96,
  stopReason: 112,
  latencyMs: 124,
  ttftMs: 132,
  retryCount: 140,
  contextUsedTokens: 144,
  contextMaxTokens: 152,
  cacheCreationTokens: 160,
  cacheReadTokens: 168,
  systemPromptTokens: 176,
  payloadJson: 184,
} as const;

/**
 * The 7 string fields in field order, numbered 0–6 (the bit of each in an ASCII mask): root
 * offset of the 8-byte string field, and of its option tag (-1: not an option).
 */
export const STRING_FIELDS = [0, 28, 36, 48, 60, 116, 184] as const;
export const STRING_TAGS = [-1, -1, -1, 44, 56, 112, -1] as const;

/** An out-of-line string's byte length from the u32 at its field (`10` marker in bits 6–7). */
export function outOfLineLength(raw: number): number {
  return (raw & 0x3f) | ((raw >>> 8) << 6);
}

/** Whether the string field whose first byte is `first` is out of line. */
export function isOutOfLine(first: number): boolean {
  return (first & 0xc0) === 0x80;
}
