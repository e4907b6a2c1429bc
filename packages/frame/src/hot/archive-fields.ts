import { isOutOfLine, outOfLineLength } from './archive-layout.js';
import { bodyString, inlineString } from './archive-strings.js';
import type { HotEventRecord } from './record.js';

/**
 * Reading fields of an archive that `checkArchive` accepted (`root` = its end − 192, `start` =
 * its start, `ascii` = the mask it answered). Shared by the eager decoder and the lazy view.
 * Nothing here validates or throws: should the bytes change after validation, a body pointer
 * that left `[start, root)` reads as the empty string and other fields read what is there.
 */

/**
 * The string whose 8-byte field is at `at`. `bodies`, when given, is the text of every
 * out-of-line body (`b[start, …)`, decoded in one call): the string is then a slice of it.
 */
export function stringField(
  b: Uint8Array,
  v: DataView,
  at: number,
  ascii: boolean,
  start: number,
  root: number,
  bodies: string | undefined,
): string {
  if (!isOutOfLine(b[at] as number)) return inlineString(b, v, at);
  const n = outOfLineLength(v.getUint32(at, true));
  const body = at + v.getInt32(at + 4, true);
  if (body < start || body + n > root) return '';
  if (bodies !== undefined) return bodies.substring(body - start, body - start + n);
  return bodyString(b, body, n, ascii);
}

/** An option\<string\> field (tag at `at`, string at `at + 4`); `bit`: its bit in the ASCII mask. */
export function optStringField(
  b: Uint8Array,
  v: DataView,
  at: number,
  ascii: number,
  bit: number,
  start: number,
  root: number,
  bodies: string | undefined,
): string | null {
  return b[at] === 1 ? stringField(b, v, at + 4, (ascii & bit) !== 0, start, root, bodies) : null;
}

/** An option\<u32\> field (tag at `at`, value at `at + 4`). */
export function optU32Field(b: Uint8Array, v: DataView, at: number): number | null {
  return b[at] === 1 ? v.getUint32(at + 4, true) : null;
}

/** The whole record, every string decoded (`bodies`: see {@link stringField}). */
export function readRecord(
  b: Uint8Array,
  v: DataView,
  start: number,
  root: number,
  ascii: number,
  bodies?: string,
): HotEventRecord {
  return {
    sessionId: stringField(b, v, root, (ascii & 1) !== 0, start, root, bodies),
    seq: v.getBigUint64(root + 8, true),
    tsMs: v.getBigUint64(root + 16, true),
    tsExact: b[root + 24] === 1,
    kind: stringField(b, v, root + 28, (ascii & 2) !== 0, start, root, bodies),
    source: stringField(b, v, root + 36, (ascii & 4) !== 0, start, root, bodies),
    tool: optStringField(b, v, root + 44, ascii, 8, start, root, bodies),
    toolCallId: optStringField(b, v, root + 56, ascii, 16, start, root, bodies),
    tokensIn: optU32Field(b, v, root + 68),
    tokensOut: optU32Field(b, v, root + 76),
    reasoningTokens: optU32Field(b, v, root + 84),
    costUsdE6: b[root + 96] === 1 ? v.getBigInt64(root + 104, true) : null,
    stopReason: optStringField(b, v, root + 112, ascii, 32, start, root, bodies),
    latencyMs: optU32Field(b, v, root + 124),
    ttftMs: optU32Field(b, v, root + 132),
    retryCount: b[root + 140] === 1 ? v.getUint16(root + 142, true) : null,
    contextUsedTokens: optU32Field(b, v, root + 144),
    contextMaxTokens: optU32Field(b, v, root + 152),
    cacheCreationTokens: optU32Field(b, v, root + 160),
    cacheReadTokens: optU32Field(b, v, root + 168),
    systemPromptTokens: optU32Field(b, v, root + 176),
    payloadJson: stringField(b, v, root + 184, (ascii & 64) !== 0, start, root, bodies),
  };
}
