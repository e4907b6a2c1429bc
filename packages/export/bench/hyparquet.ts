/**
 * The other Parquet writer measured against parquet-wasm (export.bench.ts): hyparquet-writer,
 * fed the same Arrow record batches. Its API takes one JS value per row (bigints for 64-bit
 * columns, a Uint8Array per string, null for a null), so the conversion is part of its cost.
 */
import type { RecordBatch } from 'apache-arrow';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { ColumnKind, TableDef } from '../src/index.js';

type Element = Record<string, unknown>;

const ELEMENT: Record<ColumnKind, Element> = {
  utf8: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  binary: { type: 'BYTE_ARRAY' },
  bool: { type: 'BOOLEAN' },
  u8: { type: 'INT32', converted_type: 'UINT_8' },
  u16: { type: 'INT32', converted_type: 'UINT_16' },
  u32: { type: 'INT32', converted_type: 'UINT_32' },
  u64: { type: 'INT64', converted_type: 'UINT_64' },
  i64: { type: 'INT64' },
  timestamp_ns: { type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'NANOS' } },
  timestamp_ms: { type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' } },
};

function schemaOf(def: TableDef): Element[] {
  return [
    { name: 'root', num_children: def.columns.length },
    ...def.columns.map((c) => ({
      name: c.name,
      ...ELEMENT[c.kind],
      repetition_type: c.nullable ? 'OPTIONAL' : 'REQUIRED',
    })),
  ];
}

/** One column of a batch as hyparquet-writer's `data`. */
function columnData(
  batch: RecordBatch,
  i: number,
  kind: ColumnKind,
  nullable: boolean,
): unknown[] | ArrayLike<unknown> {
  const d = batch.data.children[i];
  if (!d) throw new Error('missing column');
  const n = d.length;
  const valid = (r: number) => !nullable || d.nullCount === 0 || d.getValid(r);
  switch (kind) {
    case 'utf8':
    case 'binary': {
      const o = d.valueOffsets as Int32Array;
      const v = d.values as Uint8Array;
      const out = new Array(n);
      for (let r = 0; r < n; r++) out[r] = valid(r) ? v.subarray(o[r], o[r + 1]) : null;
      return out;
    }
    case 'bool': {
      const v = d.values as Uint8Array;
      const out = new Array(n);
      for (let r = 0; r < n; r++) out[r] = valid(r) ? ((v[r >> 3] as number) & (1 << (r & 7))) !== 0 : null;
      return out;
    }
    case 'u8':
    case 'u16':
    case 'u32': {
      const v = d.values as Uint8Array | Uint16Array | Uint32Array;
      const out = new Array(n);
      for (let r = 0; r < n; r++) out[r] = valid(r) ? (v[r] as number) : null;
      return out;
    }
    default: {
      const v = d.values as BigInt64Array | BigUint64Array;
      const signed = new BigInt64Array(v.buffer, v.byteOffset, n);
      if (!nullable || d.nullCount === 0) return signed;
      const out = new Array(n);
      for (let r = 0; r < n; r++) out[r] = valid(r) ? signed[r] : null;
      return out;
    }
  }
}

/** Writes the batches as one Parquet file with hyparquet-writer (snappy, its default); returns its size. */
export function hyparquetWrite(def: TableDef, batches: readonly RecordBatch[], rowGroupRows: number): number {
  const writer = new ByteWriter();
  const pw = new ParquetWriter({ writer, schema: schemaOf(def) as never, codec: 'SNAPPY', statistics: true });
  for (const b of batches) {
    pw.write({
      columnData: def.columns.map((c, i) => ({ name: c.name, data: columnData(b, i, c.kind, c.nullable) as never })),
      rowGroupSize: rowGroupRows,
    });
  }
  pw.finish();
  return writer.offset;
}
