import fc from 'fast-check';
import type { HotEventRecord } from '../src/index.js';

/** Strings around the 8-byte inline limit, in 1–4-byte UTF-8, sometimes long (ASCII or not). */
const str = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 10 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 7, maxLength: 10 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 9, maxLength: 120 }) },
);
const u32 = fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: null });
export const recordArb: fc.Arbitrary<HotEventRecord> = fc.record({
  sessionId: str,
  seq: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  tsMs: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  tsExact: fc.boolean(),
  kind: fc.oneof(fc.constantFrom('ToolCall', 'ToolResult', 'Message', 'Error', 'Cost', 'Hook', 'Lifecycle'), str),
  source: fc.oneof(fc.constantFrom('Tail', 'Hook', 'Proxy'), str),
  tool: fc.option(str, { nil: null }),
  toolCallId: fc.option(str, { nil: null }),
  tokensIn: u32,
  tokensOut: u32,
  reasoningTokens: u32,
  costUsdE6: fc.option(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), { nil: null }),
  stopReason: fc.option(str, { nil: null }),
  latencyMs: u32,
  ttftMs: u32,
  retryCount: fc.option(fc.integer({ min: 0, max: 0xffff }), { nil: null }),
  contextUsedTokens: u32,
  contextMaxTokens: u32,
  cacheCreationTokens: u32,
  cacheReadTokens: u32,
  systemPromptTokens: u32,
  payloadJson: fc.oneof(str, fc.json()),
});
