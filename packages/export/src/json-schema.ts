import { type ColumnSpec, KIND_NAMES, META_TABLE, META_VERSION, type TableDef, type TableName } from './table.js';
import { TABLES } from './tables/index.js';

/**
 * The JSON Schema of one row of an export table, as `--to ndjson` writes it (one object per
 * line). Each property also names its Arrow type (`x-arrow-type`), which is what the Arrow
 * and Parquet files hold; `x-logspec-table` and `x-logspec-table-version` are the values of
 * the files' `logspec.table` / `logspec.table_version` metadata.
 */
export function tableJsonSchema(def: TableDef): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const c of def.columns) properties[c.name] = columnSchema(c);
  return {
    title: `logspec export table ${def.name}, version ${def.version}`,
    description: def.doc,
    'x-logspec-table': def.name,
    'x-logspec-table-version': def.version,
    'x-metadata-keys': [META_TABLE, META_VERSION],
    type: 'object',
    required: def.columns.map((c) => c.name),
    additionalProperties: false,
    properties,
  };
}

const DECIMAL_U64 = '^(0|[1-9][0-9]{0,19})$';
const DECIMAL_I64 = '^(0|-?[1-9][0-9]{0,18})$';
const RFC3339_UTC = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$';

function valueSchema(c: ColumnSpec): Record<string, unknown> {
  switch (c.kind) {
    case 'utf8':
      return { type: 'string' };
    case 'binary':
      return { type: 'string', pattern: '^([0-9a-f]{2})*$' };
    case 'bool':
      return { type: 'boolean' };
    case 'u8':
      return { type: 'integer', minimum: 0, maximum: 255 };
    case 'u16':
      return { type: 'integer', minimum: 0, maximum: 65535 };
    case 'u32':
      return { type: 'integer', minimum: 0, maximum: 4294967295 };
    case 'u64':
      return { type: 'string', pattern: DECIMAL_U64 };
    case 'i64':
      return { type: 'string', pattern: DECIMAL_I64 };
    case 'timestamp_ns':
    case 'timestamp_ms':
      return { type: 'string', pattern: RFC3339_UTC };
  }
}

function columnSchema(c: ColumnSpec): Record<string, unknown> {
  const v = valueSchema(c);
  const base = { description: c.doc, 'x-arrow-type': KIND_NAMES[c.kind].arrow };
  return c.nullable ? { ...base, anyOf: [v, { type: 'null' }] } : { ...base, ...v };
}

/** What `pnpm schemas` writes to `spec/schemas/`: `export-<table>` for every table. */
export const EXPORT_TABLE_SCHEMAS: Readonly<Record<string, Record<string, unknown>>> = Object.fromEntries(
  (Object.keys(TABLES) as TableName[]).map((name) => [`export-${name}`, tableJsonSchema(TABLES[name])]),
);
