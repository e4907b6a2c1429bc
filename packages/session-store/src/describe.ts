import { type FieldRole, type FieldSpan, isLogspecError } from '@logspec/core';
import { JsonReader, type StructSpec } from './json/reader.js';
import { FRAME_SPEC, INDEX_ROW_SPEC } from './records/layouts.js';

/**
 * A JSON line of a session store (a segment frame, an index row, a ledger event) as named
 * byte ranges: one span per member, `"key": value`, named by its key (`spec/session.md` §3
 * and §4 tables), and the line's `\n`. The walk is the package's own JSON reader skipping
 * values; nothing is decoded or validated beyond what finding a value's end takes. A line
 * that is not JSON is described up to where it stops being JSON; the rest is one span.
 */

/** The part each known key plays, for the frame and the index row. */
const ROLES: Readonly<Record<string, FieldRole>> = {
  schema: 'magic',
  segmentSeq: 'header',
  frameSeq: 'header',
  entrySeq: 'header',
  entryId: 'header',
  parentEntryId: 'pointer',
  entryType: 'header',
  timestamp: 'header',
  payloadSha256: 'crc',
  payloadBytes: 'length',
  payload: 'payload',
  byteOffset: 'pointer',
  byteLength: 'length',
  crc32c: 'crc',
  state: 'header',
};

const text = new TextDecoder('utf-8', { fatal: false });
const MAX_SHOWN = 512;

/**
 * The members of the JSON object on the line `bytes[start, end)` (`end` after its `\n`, if it
 * has one). `fileOffset` is the line's file position (default `start`). `spec` gives the
 * members' types (default: the frame's, or the index row's when the line has a `crc32c`).
 */
export function describeJsonLine(
  bytes: Uint8Array,
  start: number,
  end: number,
  fileOffset = start,
  spec?: StructSpec,
): FieldSpan[] {
  const at = (p: number) => fileOffset + (p - start);
  const nl = end > start && bytes[end - 1] === 0x0a ? end - 1 : end;
  const out: FieldSpan[] = [];
  const r = new JsonReader(bytes, start, nl, false);
  const kinds = new Map<string, string>();
  const members: { key: string; from: number; to: number; valueFrom: number }[] = [];
  let closed = false;
  try {
    r.ws();
    if (bytes[r.pos] !== 0x7b) throw new Error('not an object');
    r.pos++;
    for (let first = true; ; first = false) {
      r.ws();
      if (bytes[r.pos] === 0x7d) {
        r.pos++;
        closed = true;
        break;
      }
      if (!first) {
        if (bytes[r.pos] !== 0x2c) break;
        r.pos++;
        r.ws();
      }
      if (bytes[r.pos] !== 0x22) break;
      const from = r.pos;
      r.pos++;
      const key = r.parseStrBody();
      r.ws();
      if (bytes[r.pos] !== 0x3a) break;
      r.pos++;
      const v = r.rawValue();
      members.push({ key, from, to: v.end, valueFrom: v.start });
    }
  } catch (e) {
    // Not JSON from here on (or not an object): the members found so far stand.
    if (!isLogspecError(e) && !(e instanceof Error && e.message === 'not an object')) throw e;
  }
  const struct = spec ?? (members.some((m) => m.key === 'crc32c') ? INDEX_ROW_SPEC : FRAME_SPEC);
  for (const f of struct.fields) kinds.set(f.key, typeof f.kind === 'string' ? f.kind : f.kind.name);
  for (const m of members) {
    const kind = kinds.get(m.key);
    const raw = text.decode(bytes.subarray(m.valueFrom, Math.min(m.to, m.valueFrom + MAX_SHOWN)));
    const value = raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1) : raw;
    out.push({
      name: m.key,
      role: ROLES[m.key] ?? (kind === undefined ? 'trailing' : 'payload'),
      offset: at(m.from),
      length: m.to - m.from,
      type:
        kind === undefined
          ? 'unknown key (skipped by readers)'
          : `JSON ${kind === 'raw' ? 'value, kept byte for byte' : kind}`,
      value: m.to - m.valueFrom > MAX_SHOWN ? `${value}…` : value,
      children: [
        {
          name: 'key',
          role: 'header',
          offset: at(m.from),
          length: m.valueFrom - m.from,
          type: 'JSON string and colon',
        },
        {
          name: 'value',
          role: ROLES[m.key] ?? 'payload',
          offset: at(m.valueFrom),
          length: m.to - m.valueFrom,
          type: 'JSON',
        },
      ],
    });
  }
  if (closed) r.ws();
  if (!closed || r.pos < nl) {
    // Bytes the walk could not take as members of one object.
    const from = closed ? r.pos : (members.at(-1)?.to ?? start);
    if (nl > from) out.push({ name: 'not JSON', role: 'trailing', offset: at(from), length: nl - from, type: 'bytes' });
  }
  if (nl < end) out.push({ name: 'newline', role: 'terminator', offset: at(nl), length: 1, type: '\\n' });
  return out;
}
