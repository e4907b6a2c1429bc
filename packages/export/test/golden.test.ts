import { readFileSync } from 'node:fs';
import { isLogspecError } from '@logspec/core';
import { Compile } from 'typebox/compile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrowSchema, batchToNdjson, EXPORT_TABLE_SCHEMAS, TABLES } from '../src/index.js';
import { EXPORT_FORMATS, type ExportFormat } from '../src/store.js';
import { expectationFor } from './expect.js';
import { arrowTable, cleanup, Duck, duckTypes, exportTo, goldenSamples, readNdjson, sql, tempDir } from './helpers.js';

/**
 * Every golden sample of every format (the original's files and logspec's) exported as
 * Parquet, Arrow and NDJSON; DuckDB reads the Parquet and NDJSON files, apache-arrow the Arrow
 * file, and their answers must be what the format package's own reader says.
 */

let duck: Duck;
beforeAll(async () => {
  duck = await Duck.open();
});
afterAll(cleanup);

const tableOf = (f: ExportFormat) => TABLES[f];
/** The published JSON Schema of one NDJSON row (spec/schemas/export-<table>.schema.json). */
const rowCheck = Object.fromEntries(
  Object.entries(EXPORT_TABLE_SCHEMAS).map(([name, schema]) => [name, Compile(schema as never)]),
);

describe.each(EXPORT_FORMATS.map((f) => [f]))('%s golden samples', (format) => {
  const samples = goldenSamples(format);

  it('has samples from the original and from logspec', () => {
    expect(samples.some((p) => p.includes('/original-'))).toBe(true);
    expect(samples.some((p) => p.includes('/logspec-'))).toBe(true);
  });

  it.each(samples.map((p) => [p.slice(p.indexOf('/golden/') + 8), p]))('%s', async (_name, path) => {
    const want = expectationFor(format, path);
    const dir = tempDir();
    let pq: Awaited<ReturnType<typeof exportTo>>;
    try {
      pq = await exportTo(path, format, 'parquet', dir);
    } catch (e) {
      // A log the reader cannot open at all (bad magic, bad header…): the export fails the same way.
      if (!isLogspecError(e)) throw e;
      expect(want).toEqual({ error: e.code });
      return;
    }
    const def = tableOf(format);
    expect(await duck.types(`SELECT * FROM ${sql(pq.file)}`)).toEqual(duckTypes(def));
    const meta = await duck.rows(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${pq.file}')`);
    expect(meta).toContainEqual({ k: 'logspec.table', v: format });
    expect(meta).toContainEqual({ k: 'logspec.table_version', v: String(def.version) });

    const [count] = await duck.rows(`SELECT count(*)::INTEGER AS n FROM ${sql(pq.file)}`);
    expect(count?.n).toBe(pq.result.rows);
    if ('error' in want) {
      // The reader refuses the log (the original's behaviour on damage); the export still gives
      // every record it can read and names the damage.
      expect(pq.problems.length).toBeGreaterThan(0);
    } else {
      expect(pq.result.rows).toBe(want.rows);
      if (want.problems !== null) expect(pq.problems.length).toBe(want.problems);
      if (/[/]torn_tail$/.test(path))
        expect(pq.problems.map((p) => p.code)).toContainEqual(expect.stringMatching(/TORN/));
      for (const q of want.queries) {
        expect(await duck.rows(q.sql.replaceAll('FROM src', `FROM ${sql(pq.file)}`)), q.sql).toEqual(q.want);
      }
    }
    // The errors table has one row per problem reported.
    const errText = readFileSync(pq.errorsFile, 'utf8');
    expect(errText.split('\n').filter(Boolean).length).toBe(pq.problems.length);

    // NDJSON through DuckDB answers the same aggregates; Arrow through apache-arrow holds the same rows.
    const nd = await exportTo(path, format, 'ndjson', dir);
    const ar = await exportTo(path, format, 'arrow', dir);
    expect(nd.result.rows).toBe(pq.result.rows);
    expect(ar.result.rows).toBe(pq.result.rows);
    const first = 'error' in want ? `SELECT count(*)::INTEGER AS n FROM src` : (want.queries[0]?.sql as string);
    expect(await duck.rows(first.replaceAll('FROM src', `FROM ${readNdjson(nd.file, def)}`))).toEqual(
      await duck.rows(first.replaceAll('FROM src', `FROM ${sql(pq.file)}`)),
    );
    const check = rowCheck[`export-${format}`];
    for (const line of readFileSync(nd.file, 'utf8').split('\n').filter(Boolean)) {
      expect(check?.Check(JSON.parse(line)), line).toBe(true);
    }
    for (const line of errText.split('\n').filter(Boolean)) {
      expect(rowCheck['export-errors']?.Check(JSON.parse(line)), line).toBe(true);
    }
    const t = arrowTable(ar.file);
    expect(t.numRows).toBe(pq.result.rows);
    expect(t.schema.fields.map((f) => `${f.name}:${f.type}:${f.nullable}`)).toEqual(
      arrowSchema(def).fields.map((f) => `${f.name}:${f.type}:${f.nullable}`),
    );
    expect(t.schema.metadata.get('logspec.table')).toBe(format);
    const kinds = def.columns.map((c) => c.kind);
    expect(t.batches.map((b) => batchToNdjson(b, kinds)).join('')).toBe(readFileSync(nd.file, 'utf8'));
  });
});
