/**
 * Named byte ranges: what the codec packages' `describe…` functions answer for one unit of a
 * file (a header, a record, a slot, an index entry), with the names the spec's layout tables
 * give the fields. Inspectors lay them over a hex view; offsets are file positions, so the
 * spans of every unit of a file can be laid over the same bytes.
 */

/** What part a field plays in its unit (a hex view colours by it). */
export type FieldRole =
  /** A fixed marker: a file or slot magic, a schema string. */
  | 'magic'
  /** Fixed fields that say what the unit is (version, type, ids, sequence numbers). */
  | 'header'
  /** A length or size field. */
  | 'length'
  /** A checksum or hash of other bytes. */
  | 'crc'
  /** The unit's content, or one field of it. */
  | 'payload'
  /** Bytes that exist for alignment only (zero in what a writer produces). */
  | 'padding'
  /** An option's tag or an enum's discriminant. */
  | 'tag'
  /** A relative pointer: `target` is where it points. */
  | 'pointer'
  /** The bytes of an out-of-line string or value that a pointer elsewhere refers to. */
  | 'body'
  /** A line or record terminator (`\n`). */
  | 'terminator'
  /** Bytes inside a unit that no field claims (ignored by readers). */
  | 'trailing';

export interface FieldSpan {
  /** The field's name in the spec's table (`total_len`, `crc32`, `payload_json`…). */
  name: string;
  role: FieldRole;
  /** File position of the first byte. */
  offset: number;
  length: number;
  /** The field's type as the spec writes it (`u32 LE`, `varint u64`, `option<string>`). */
  type?: string;
  /** The decoded value, as text, where there is one worth showing. */
  value?: string;
  /** For a `pointer`: the file position it points at. */
  target?: number;
  /** Parts of the field (a payload's fields, an option's tag and value, a string's length and pointer). */
  children?: FieldSpan[];
}

/**
 * The fields containing the byte at `offset`, outermost first (empty when none does). When
 * siblings overlap, the first listed wins.
 */
export function fieldPathAt(spans: readonly FieldSpan[], offset: number): FieldSpan[] {
  const path: FieldSpan[] = [];
  let level: readonly FieldSpan[] | undefined = spans;
  while (level) {
    const hit: FieldSpan | undefined = level.find((f) => offset >= f.offset && offset < f.offset + f.length);
    if (!hit) break;
    path.push(hit);
    level = hit.children;
  }
  return path;
}

/** Every span, parents before their children (depth first). */
export function flattenFields(spans: readonly FieldSpan[]): FieldSpan[] {
  const out: FieldSpan[] = [];
  const visit = (level: readonly FieldSpan[]) => {
    for (const f of level) {
      out.push(f);
      if (f.children) visit(f.children);
    }
  };
  visit(spans);
  return out;
}

/** Finds a span by its dotted path of names (`payload.error_len`), or undefined. */
export function findField(spans: readonly FieldSpan[], path: string): FieldSpan | undefined {
  let level: readonly FieldSpan[] | undefined = spans;
  let found: FieldSpan | undefined;
  for (const name of path.split('.')) {
    found = level?.find((f) => f.name === name);
    if (!found) return undefined;
    level = found.children;
  }
  return found;
}

/**
 * How the top-level spans cover `[start, end)`: the gaps no span claims and the places where
 * two spans overlap (both empty when the spans tile the range exactly, as a unit's layout
 * should). Children are checked against their parent the same way.
 */
export function fieldCoverage(
  spans: readonly FieldSpan[],
  start: number,
  end: number,
): { gaps: [number, number][]; overlaps: [number, number][]; outside: string[] } {
  const gaps: [number, number][] = [];
  const overlaps: [number, number][] = [];
  const outside: string[] = [];
  const check = (level: readonly FieldSpan[], from: number, to: number, tile: boolean) => {
    const sorted = [...level].sort((a, b) => a.offset - b.offset);
    let pos = from;
    for (const f of sorted) {
      if (f.offset < from || f.offset + f.length > to) outside.push(f.name);
      if (tile && f.offset > pos) gaps.push([pos, f.offset]);
      if (f.offset < pos) overlaps.push([f.offset, Math.min(pos, f.offset + f.length)]);
      pos = Math.max(pos, f.offset + f.length);
      if (f.children) check(f.children, f.offset, f.offset + f.length, false);
    }
    if (tile && pos < to) gaps.push([pos, to]);
  };
  check(spans, start, end, true);
  return { gaps, overlaps, outside };
}
