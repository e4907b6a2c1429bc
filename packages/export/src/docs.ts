import { KIND_NAMES, type TableDef } from './table.js';

/**
 * A table's columns as the Markdown table of `spec/export.md` and the README (a test keeps
 * both equal to the definitions): name, Arrow type, DuckDB type (read from Parquet), null, meaning.
 */
export function columnTableMarkdown(def: TableDef): string {
  const rows = def.columns.map(
    (c) =>
      `| \`${c.name}\` | ${KIND_NAMES[c.kind].arrow} | ${KIND_NAMES[c.kind].duckdb} | ${c.nullable ? 'yes' : 'no'} | ${c.doc.replaceAll('|', '\\|')} |`,
  );
  return [
    `Table \`${def.name}\`, version ${def.version}: ${def.doc}`,
    '',
    '| column | Arrow | DuckDB | null | meaning |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
