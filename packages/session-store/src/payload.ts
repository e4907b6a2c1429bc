import { utf8Encode } from '@logspec/core';
import { SessCode, SessionError } from './errors.js';
import { checkRawJson } from './json/reader.js';
import { isValidUtf8 } from './json/utf8.js';
import { isOneJsonValue } from './json/value-check.js';
import { type JsonValue, RawJson, writeJsonCompact } from './json/writer.js';

/** Container levels a payload may nest: the frame object is the 127th of serde's 128. */
const PAYLOAD_DEPTH = 126;

/**
 * What `append_entry` embeds as `payload`: either raw JSON text kept byte for byte
 * (`RawJson`, or bytes), or a value serialized by the serde_json-compatible writer.
 *
 * logspec checks (the original does not, and then cannot read its own frame back):
 * the text is one JSON value as serde_json reads it, at most 126 containers deep (the frame
 * object is the 127th level of serde's 128), valid UTF-8, and without a line feed
 * (which would split the JSONL line). Whitespace around the value is trimmed, as
 * `RawValue::from_string` does.
 */
export type PayloadInput = JsonValue | RawJson | Uint8Array;

export function preparePayload(payload: PayloadInput): Uint8Array {
  let bytes: Uint8Array;
  if (payload instanceof Uint8Array) bytes = payload;
  else if (payload instanceof RawJson) bytes = utf8Encode(payload.text);
  else {
    const w = writeJsonCompact(payload, PAYLOAD_DEPTH);
    bytes = utf8Encode(w.text);
    // The writer's own text needs no second look, unless it embeds raw text or nests too deep.
    if (w.wellFormed) return bytes;
  }
  // Fast path: a compact value, UTF-8, no line feed — what callers almost always pass.
  if (
    bytes.length > 0 &&
    isOneJsonValue(bytes, 0, bytes.length, PAYLOAD_DEPTH + 1) &&
    isValidUtf8(bytes) &&
    bytes.indexOf(0x0a) < 0
  ) {
    return bytes;
  }
  let range: { start: number; end: number };
  try {
    range = checkRawJson(bytes, 0, bytes.length, 1);
  } catch (e) {
    throw new SessionError(
      SessCode.PAYLOAD_INVALID,
      'session',
      `payload is not a valid JSON value: ${(e as Error).message}`,
      {
        offset: (e as SessionError).offset,
        cause: e,
      },
    );
  }
  const out = range.start === 0 && range.end === bytes.length ? bytes : bytes.subarray(range.start, range.end);
  const lf = out.indexOf(0x0a);
  if (lf >= 0) {
    throw new SessionError(
      SessCode.PAYLOAD_INVALID,
      'session',
      'payload contains a line feed: a segment line must not span lines',
      { offset: range.start + lf },
    );
  }
  return out;
}
