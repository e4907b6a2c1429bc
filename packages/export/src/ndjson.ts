import type { RecordBatch } from 'apache-arrow';
import type { ColumnKind } from './table.js';

/**
 * A record batch as NDJSON lines, one object per row with the table's column names, in the
 * conventions of logspec's canonical JSON: u64/i64 as decimal strings, bytes as lower-case
 * hex, null for a null, timestamps as RFC 3339 UTC text (nanosecond or millisecond digits as
 * the column holds them).
 */
export function batchToNdjson(batch: RecordBatch, kinds: readonly ColumnKind[]): string {
  const n = batch.numRows;
  const names = batch.schema.fields.map((f) => JSON.stringify(f.name));
  const cols = kinds.map((k, i) => render(k, batch.getChildAt(i)));
  const parts: string[] = [];
  for (let r = 0; r < n; r++) {
    let line = '{';
    for (let c = 0; c < cols.length; c++) {
      if (c > 0) line += ',';
      line += `${names[c]}:${(cols[c] as (row: number) => string)(r)}`;
    }
    parts.push(line, '}\n');
  }
  return parts.join('');
}

type Vec = ReturnType<RecordBatch['getChildAt']>;

function render(kind: ColumnKind, v: Vec): (row: number) => string {
  if (!v) throw new Error('batch has fewer columns than its table');
  const valid = (r: number) => v.isValid(r);
  const or = (f: (r: number) => string) => (r: number) => (valid(r) ? f(r) : 'null');
  switch (kind) {
    case 'utf8':
      return or((r) => JSON.stringify(v.get(r) as string));
    case 'binary':
      return or((r) => `"${hex(v.get(r) as Uint8Array)}"`);
    case 'bool':
      return or((r) => ((v.get(r) as boolean) ? 'true' : 'false'));
    case 'u8':
    case 'u16':
    case 'u32':
      return or((r) => String(v.get(r) as number));
    case 'u64':
    case 'i64':
      return or((r) => `"${String(v.get(r) as bigint)}"`);
    case 'timestamp_ns': {
      const values = v.data[0]?.values as BigInt64Array;
      const offsets = dataOffsets(v);
      return or((r) => `"${isoFromNs(valueAt(values, offsets, r))}"`);
    }
    case 'timestamp_ms': {
      const values = v.data[0]?.values as BigInt64Array;
      const offsets = dataOffsets(v);
      return or((r) => `"${isoFromMs(valueAt(values, offsets, r))}"`);
    }
  }
}

/** A batch column is one Data here (built in one piece); the raw int64 keeps full precision. */
function dataOffsets(v: NonNullable<Vec>): number {
  if (v.data.length !== 1) throw new Error('timestamp column in more than one piece');
  return v.data[0]?.offset ?? 0;
}

function valueAt(values: BigInt64Array, offset: number, r: number): bigint {
  return values[offset + r] as bigint;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function hex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i] as number];
  return s;
}

/** `1970-01-01T00:00:00.000000001Z` for 1 ns (years 1677–2262, what int64 ns holds). */
export function isoFromNs(ns: bigint): string {
  const ms = ns / 1_000_000n - (ns % 1_000_000n < 0n ? 1n : 0n);
  const sub = ns - ms * 1_000_000n;
  const base = new Date(Number(ms)).toISOString(); // …SS.mmmZ
  return `${base.slice(0, -1)}${sub.toString().padStart(6, '0')}Z`;
}

/** `1970-01-01T00:00:00.001Z` for 1 ms; outside JS Date's range, the milliseconds as a number. */
export function isoFromMs(ms: bigint): string {
  const d = new Date(Number(ms));
  return Number.isNaN(d.getTime()) ? `${ms}ms` : d.toISOString();
}
