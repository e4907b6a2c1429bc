import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchToNdjson, TABLES } from '../src/index.js';
import { EXPORT_FORMATS, readBatches } from '../src/store.js';
import { arrowTable, cleanup, Duck, exportTo, fs, GOLDEN, sql, tempDir } from './helpers.js';

/**
 * Many small batches: an export builds each batch in the buffers of the one before (its sinks
 * have written it out by then), so every file must hold exactly what one-batch exports hold;
 * `readBatches` without that option gives batches that stay valid.
 */

const SAMPLES = {
  ring: join(GOLDEN, 'ring', 'original-vyre-runtime-0.6.1', 'varied.vrrl'),
  wal: join(GOLDEN, 'wal', 'original-xerv', 'multi_dir'),
  segment: join(GOLDEN, 'segment', 'logspec-0.1.0', 'partition_rolls'),
  session: join(GOLDEN, 'session', 'original-pi_agent_rust-0.1.11', 'branching'),
  hotlog: join(GOLDEN, 'hotlog', 'original-kaizen-rkyv-0.8.16'),
  hotframe: join(GOLDEN, 'hotframe', 'original-kaizen', 'basic'),
} as const;

let duck: Duck;
beforeAll(async () => {
  duck = await Duck.open();
});
afterAll(cleanup);

describe.each(EXPORT_FORMATS.map((f) => [f]))('%s in batches of 2 rows', (format) => {
  const path = SAMPLES[format];
  const kinds = TABLES[format].columns.map((c) => c.kind);

  it('holds the same rows as a single batch, in every output format', async () => {
    const one = await exportTo(path, format, 'ndjson', tempDir());
    const dir = tempDir();
    const nd = await exportTo(path, format, 'ndjson', dir, { batchRows: 2 });
    const ar = await exportTo(path, format, 'arrow', dir, { batchRows: 2 });
    const pq = await exportTo(path, format, 'parquet', dir, { batchRows: 2, parquet: { rowGroupRows: 3 } });
    const text = readFileSync(one.file, 'utf8');
    expect(nd.result.batches).toBeGreaterThan(1);
    expect(readFileSync(nd.file, 'utf8')).toBe(text);
    const t = arrowTable(ar.file);
    expect(t.batches.length).toBe(nd.result.batches);
    expect(t.batches.map((b) => batchToNdjson(b, kinds)).join('')).toBe(text);
    const rows = await duck.rows(
      `SELECT count(*)::INTEGER AS n, count(DISTINCT (file, file_offset))::INTEGER AS d FROM ${sql(pq.file)}`,
    );
    expect(rows).toEqual([{ n: one.result.rows, d: one.result.rows }]);
  });

  it('readBatches gives batches that stay valid after the next one', () => {
    const batches = [...readBatches(path, { fs, format, batch: { rows: 2 } })];
    expect(batches.length).toBeGreaterThan(1);
    const all = [...readBatches(path, { fs, format })];
    expect(batches.map((b) => batchToNdjson(b, kinds)).join('')).toBe(all.map((b) => batchToNdjson(b, kinds)).join(''));
  });
});
