import {
  Binary,
  Bool,
  type DataType,
  Field,
  Int64,
  Schema,
  TimestampMillisecond,
  TimestampNanosecond,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
} from 'apache-arrow';

/**
 * The shape of an export table: named, versioned, every column with its type, nullability and
 * meaning. The same definition gives the Arrow schema, the Parquet schema (through Arrow), the
 * NDJSON rendering and the JSON Schema published in `spec/schemas/`.
 */

/** Column types, named as analysts see them in Arrow. */
export type ColumnKind =
  | 'utf8'
  | 'binary'
  | 'bool'
  | 'u8'
  | 'u16'
  | 'u32'
  | 'u64'
  | 'i64'
  /** Arrow `timestamp[ns, tz=UTC]`. */
  | 'timestamp_ns'
  /** Arrow `timestamp[ms, tz=UTC]`. */
  | 'timestamp_ms';

export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
  nullable: boolean;
  /** What the column holds, for the spec chapter, the README and the JSON Schema. */
  doc: string;
  /** Few distinct values (names, ids, types): Parquet dictionary-encodes the column. */
  dictionary?: boolean;
}

/** The table names: the formats' `--format` names, and `errors` for the side table. */
export type TableName = 'ring' | 'wal' | 'segment' | 'session' | 'hotlog' | 'hotframe' | 'errors';

export interface TableDef {
  name: TableName;
  /** Bumped whenever a column is added, removed, renamed or retyped (spec/export.md § Versioning). */
  version: number;
  doc: string;
  columns: readonly ColumnSpec[];
}

export function col(name: string, kind: ColumnKind, doc: string, nullable = false): ColumnSpec {
  return { name, kind, nullable, doc };
}

/** The column, marked as having few distinct values (dictionary-encoded in Parquet). */
export function dict(c: ColumnSpec): ColumnSpec {
  return { ...c, dictionary: true };
}

/** The provenance columns every table starts with. */
export function provenance(file: string, offset: string, segment: string, segmentNullable: boolean): ColumnSpec[] {
  return [
    dict(col('file', 'utf8', file)),
    col('file_offset', 'u64', offset),
    dict(col('segment', 'u64', segment, segmentNullable)),
  ];
}

export function arrowType(kind: ColumnKind): DataType {
  switch (kind) {
    case 'utf8':
      return new Utf8();
    case 'binary':
      return new Binary();
    case 'bool':
      return new Bool();
    case 'u8':
      return new Uint8();
    case 'u16':
      return new Uint16();
    case 'u32':
      return new Uint32();
    case 'u64':
      return new Uint64();
    case 'i64':
      return new Int64();
    case 'timestamp_ns':
      return new TimestampNanosecond('UTC');
    case 'timestamp_ms':
      return new TimestampMillisecond('UTC');
  }
}

/** Arrow schema metadata keys naming the table and its version (also in the Parquet footer). */
export const META_TABLE = 'logspec.table';
export const META_VERSION = 'logspec.table_version';

export function arrowSchema(def: TableDef): Schema {
  const fields = def.columns.map((c) => new Field(c.name, arrowType(c.kind), c.nullable));
  return new Schema(
    fields,
    new Map([
      [META_TABLE, def.name],
      [META_VERSION, String(def.version)],
    ]),
  );
}

/** How each kind is named in the spec's tables: the Arrow type, then DuckDB's. */
export const KIND_NAMES: Record<ColumnKind, { arrow: string; duckdb: string; json: string }> = {
  utf8: { arrow: 'utf8', duckdb: 'VARCHAR', json: 'string' },
  binary: { arrow: 'binary', duckdb: 'BLOB', json: 'string (lower-case hex)' },
  bool: { arrow: 'bool', duckdb: 'BOOLEAN', json: 'boolean' },
  u8: { arrow: 'uint8', duckdb: 'UTINYINT', json: 'number' },
  u16: { arrow: 'uint16', duckdb: 'USMALLINT', json: 'number' },
  u32: { arrow: 'uint32', duckdb: 'UINTEGER', json: 'number' },
  u64: { arrow: 'uint64', duckdb: 'UBIGINT', json: 'string (decimal)' },
  i64: { arrow: 'int64', duckdb: 'BIGINT', json: 'string (decimal)' },
  timestamp_ns: { arrow: 'timestamp[ns, tz=UTC]', duckdb: 'TIMESTAMP WITH TIME ZONE', json: 'string (RFC 3339, UTC)' },
  timestamp_ms: { arrow: 'timestamp[ms, tz=UTC]', duckdb: 'TIMESTAMP WITH TIME ZONE', json: 'string (RFC 3339, UTC)' },
};
