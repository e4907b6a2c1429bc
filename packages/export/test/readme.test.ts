import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnTableMarkdown, TABLES, type TableName } from '../src/index.js';
import { exportLog, FileOutput } from '../src/store.js';
import { cleanup, Duck, exportTo, fs, GOLDEN, tempDir } from './helpers.js';

/**
 * The README's schema tables are the table definitions, and so are spec/export.md's; the
 * README's DuckDB queries run against exports of logs the originals wrote, and answer rows.
 */

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const SPEC = readFileSync(new URL('../../../spec/export.md', import.meta.url), 'utf8');

const SAMPLES: Record<Exclude<TableName, 'errors'>, string> = {
  ring: join(GOLDEN, 'ring', 'original-vyre-runtime-0.6.1', 'varied.vrrl'),
  wal: join(GOLDEN, 'wal', 'original-xerv', 'all_types.log'),
  segment: join(GOLDEN, 'segment', 'original-rivven-core-0.0.10', 'partition_two'),
  session: join(GOLDEN, 'session', 'original-pi_agent_rust-0.1.11', 'branching'),
  hotlog: join(GOLDEN, 'hotlog', 'original-kaizen-rkyv-0.8.16'),
  hotframe: join(GOLDEN, 'hotframe', 'original-kaizen', 'basic'),
};

/** The README section of each table: its text up to the next `## `. */
function sectionOf(name: TableName): string {
  const start = README.search(new RegExp(`^## (Table \`${name}\`|The ${name} table)`, 'm'));
  expect(start, `README section of ${name}`).toBeGreaterThanOrEqual(0);
  const rest = README.slice(start + 3);
  const end = rest.search(/^## /m);
  return end < 0 ? rest : rest.slice(0, end);
}

function queries(section: string): string[] {
  return [...section.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

let duck: Duck;
let dir: string;
beforeAll(async () => {
  duck = await Duck.open();
  dir = tempDir();
  for (const [name, path] of Object.entries(SAMPLES)) await exportTo(path, name as TableName & 'wal', 'parquet', dir);
  await exportLog(join(GOLDEN, 'wal', 'original-xerv', 'neg_crc_flip.log'), {
    fs,
    format: 'wal',
    to: 'ndjson',
    output: new FileOutput(fs, join(dir, 'damaged.ndjson')),
    errors: { output: new FileOutput(fs, join(dir, 'errors.parquet')), to: 'parquet' },
  });
});
afterAll(cleanup);

describe('README and spec/export.md', () => {
  it.each(Object.keys(TABLES).map((t) => [t]))('%s: the column table is the definition', (name) => {
    const table = columnTableMarkdown(TABLES[name as TableName]);
    expect(sectionOf(name as TableName)).toContain(table);
    expect(SPEC).toContain(table);
  });

  it.each(Object.keys(TABLES).map((t) => [t]))('%s: the example queries run and answer rows', async (name) => {
    const qs = queries(sectionOf(name as TableName));
    expect(qs.length).toBe(name === 'errors' ? 1 : 3);
    for (const q of qs) {
      const file = `'${name}.parquet'`;
      expect(q).toContain(file);
      const rows = await duck.rows(q.replaceAll(file, `'${join(dir, `${name}.parquet`)}'`));
      expect(rows.length, q).toBeGreaterThan(0);
    }
  });
});
