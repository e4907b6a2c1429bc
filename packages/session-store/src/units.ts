import {
  type Canonical,
  canonicalFrame,
  canonicalIndexRow,
  frameFromCanonical,
  indexRowFromCanonical,
} from './canonical.js';
import { SessCode, SessionError } from './errors.js';
import { checkRawJson, parseJson } from './json/reader.js';
import { isValidUtf8 } from './json/utf8.js';
import { writeJson } from './json/writer.js';
import { frameTextEnd, jsonLineEnd } from './lines.js';
import { decodeFrameHead, decodeIndexRow, frameFromHead, payloadMatches } from './records/reader.js';
import { OFFSET_INDEX_SCHEMA } from './records/types.js';
import { encodeFrame, encodeIndexRow } from './records/writer.js';

/**
 * Single units for the conformance vectors: a segment line (`frame`) and an index line
 * (`index_row`). `original` decodes as the original reads them; `strict` also requires
 * logspec's canonical bytes (what our writer would write for that value).
 */
export type SessionUnitKind = 'frame' | 'index_row' | 'json_value';
export const SESSION_UNIT_KINDS: readonly SessionUnitKind[] = ['frame', 'index_row', 'json_value'];
/** Kinds `encodeUnit` takes (a `json_value` has no canonical-JSON form that keeps `1.0` apart from `1`). */
export const SESSION_ENCODE_KINDS: readonly SessionUnitKind[] = ['frame', 'index_row'];

export type DecodeMode = 'original' | 'strict';

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

function requireCanonical(bytes: Uint8Array, canonical: Uint8Array, what: string): void {
  if (canonical.length === bytes.length && firstDifference(canonical, bytes) === bytes.length) return;
  const at = firstDifference(canonical, bytes);
  throw new SessionError(
    SessCode.NOT_CANONICAL,
    'session',
    `${what} is not in canonical form (first difference at byte ${at})`,
    {
      offset: at,
    },
  );
}

/** Decodes one segment line as `read_frame` does (one trailing `\n` popped, `from_slice`). */
export function decodeFrameUnit(bytes: Uint8Array, mode: DecodeMode = 'original'): Canonical {
  const head = decodeFrameHead(bytes, 0, frameTextEnd(bytes), true);
  const frame = frameFromHead(head, bytes);
  if (mode === 'strict') {
    requireCanonical(bytes, encodeFrame(frame), 'frame line');
    if (!payloadMatches(head, bytes)) {
      throw new SessionError(
        SessCode.PAYLOAD_MISMATCH,
        'session',
        `payload integrity mismatch at entry_seq=${frame.entrySeq}`,
        {
          offset: head.payloadStart,
        },
      );
    }
  }
  return canonicalFrame(frame);
}

/** Decodes one index line as `read_jsonl` does (UTF-8 checked, `\n` and `\r`s trimmed, `from_str`). */
export function decodeIndexRowUnit(bytes: Uint8Array, mode: DecodeMode = 'original'): Canonical {
  if (!isValidUtf8(bytes)) {
    throw new SessionError(SessCode.BAD_UTF8, 'io', 'stream did not contain valid UTF-8', {
      ioKind: 'InvalidData',
      offset: 0,
    });
  }
  const row = decodeIndexRow(bytes, 0, jsonLineEnd(bytes, 0, bytes.length), false);
  if (mode === 'strict') {
    requireCanonical(bytes, encodeIndexRow(row), 'index line');
    if (!/^[0-9A-F]{8}$/.test(row.crc32c) || row.state !== 'active' || row.schema !== OFFSET_INDEX_SCHEMA) {
      throw new SessionError(
        SessCode.NOT_CANONICAL,
        'session',
        'index row has a non-canonical schema, crc32c or state',
        {
          offset: 0,
        },
      );
    }
  }
  return canonicalIndexRow(row);
}

/**
 * A JSON document read as `serde_json::from_slice::<Value>` (with `preserve_order`) and
 * written back as serde_json prints that value, compact and pretty. `strict` also requires
 * the input to be exactly the compact form.
 */
export function decodeJsonValueUnit(bytes: Uint8Array, mode: DecodeMode = 'original'): Canonical {
  const compact = writeJson(parseJson(bytes));
  if (mode === 'strict') requireCanonical(bytes, new TextEncoder().encode(compact), 'JSON text');
  return { compact, pretty: writeJson(parseJson(bytes), { pretty: true }) };
}

export function decodeUnit(kind: SessionUnitKind, bytes: Uint8Array, mode: DecodeMode = 'original'): Canonical {
  if (kind === 'json_value') return decodeJsonValueUnit(bytes, mode);
  return kind === 'frame' ? decodeFrameUnit(bytes, mode) : decodeIndexRowUnit(bytes, mode);
}

/**
 * Encodes a unit from its canonical JSON: the exact line (with `\n`) the original's serde
 * would write for that struct. A frame's payload must be one JSON value on one line.
 */
export function encodeUnit(kind: SessionUnitKind, value: unknown): Uint8Array {
  if (kind === 'json_value')
    throw new SessionError(SessCode.INVALID_ARGUMENT, 'session', 'json_value has no encode form');
  if (kind === 'index_row') return encodeIndexRow(indexRowFromCanonical(value));
  const frame = frameFromCanonical(value);
  const bytes = encodeFrame(frame);
  const head = new TextEncoder().encode(frame.payload);
  try {
    const r = checkRawJson(head, 0, head.length, 1);
    if (r.start !== 0 || r.end !== head.length || head.includes(0x0a)) throw new Error('whitespace around or inside');
  } catch (e) {
    throw new SessionError(
      SessCode.PAYLOAD_INVALID,
      'session',
      `payload is not one JSON value on one line: ${(e as Error).message}`,
    );
  }
  return bytes;
}
