import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { NodeFs } from '@logspec/core/node';
import { tableFromIPC } from 'apache-arrow';
import { KIND_NAMES, type TableDef } from '../src/index.js';
import {
  type ExportFormat,
  type ExportProblem,
  type ExportResult,
  exportLog,
  FileOutput,
  type OutputFormat,
  type ParquetOptions,
  type Selection,
} from '../src/store.js';

export const fs = new NodeFs();
export const GOLDEN = fileURLToPath(new URL('../../../conformance/golden/', import.meta.url));

const scratch: string[] = [];
export function tempDir(prefix = 'logspec-export-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(d);
  return d;
}
export function cleanup(): void {
  for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Every golden sample of a format: the paths a user would give (files, store roots, partitions). */
export function goldenSamples(format: ExportFormat): string[] {
  const out: string[] = [];
  const root = join(GOLDEN, format);
  for (const corpus of readdirSync(root).sort()) {
    const dir = join(root, corpus);
    if (!statSync(dir).isDirectory()) continue;
    if ((format === 'hotlog' || format === 'hotframe') && existsSync(join(dir, 'hot', 'log.bin'))) out.push(dir);
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (/\.(json|txt)$/.test(name) || name === 'hot') continue;
      if ((format === 'hotlog' || format === 'hotframe') && !existsSync(join(p, 'hot', 'log.bin'))) continue;
      out.push(p);
    }
  }
  return out;
}

export interface Exported {
  file: string;
  result: ExportResult;
  problems: ExportProblem[];
  errorsFile: string;
}

/** Exports `path` into `dir` as `to` (with the errors table as NDJSON beside it). */
export async function exportTo(
  path: string,
  format: ExportFormat,
  to: OutputFormat,
  dir: string,
  extra: { select?: Selection; parquet?: ParquetOptions; batchRows?: number } = {},
): Promise<Exported> {
  const file = join(dir, `${format}.${to === 'ndjson' ? 'ndjson' : to}`);
  const errorsFile = join(dir, `${format}.${to}.errors.ndjson`);
  const problems: ExportProblem[] = [];
  const result = await exportLog(path, {
    fs,
    format,
    to,
    output: new FileOutput(fs, file),
    errors: { output: new FileOutput(fs, errorsFile), to: 'ndjson' },
    select: extra.select,
    parquet: extra.parquet,
    batch: extra.batchRows ? { rows: extra.batchRows } : undefined,
    onProblem: (p) => problems.push(p),
  });
  return { file, result, problems, errorsFile };
}

/** One DuckDB database in memory for a test file. */
export class Duck {
  private constructor(private readonly c: DuckDBConnection) {}
  static async open(): Promise<Duck> {
    const db = await DuckDBInstance.create(':memory:');
    return new Duck(await db.connect());
  }
  /** Rows as JSON-friendly objects (64-bit integers as decimal strings). */
  async rows(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.c.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  }
  async types(sql: string): Promise<Record<string, string>> {
    const r = await this.c.runAndReadAll(`${sql} LIMIT 0`);
    const names = r.columnNames();
    const types = r.columnTypes().map((t) => t.toString());
    return Object.fromEntries(names.map((n, i) => [n, types[i] as string]));
  }
}

/** The DuckDB types the table's columns read as from Parquet (spec/export.md). */
export function duckTypes(def: TableDef): Record<string, string> {
  return Object.fromEntries(def.columns.map((c) => [c.name, KIND_NAMES[c.kind].duckdb]));
}

/** `read_json` of an NDJSON export with the columns typed as the table says (hex bytes as text). */
export function readNdjson(file: string, def: TableDef): string {
  const cols = def.columns
    .map((c) => {
      const t =
        c.kind === 'binary' ? 'VARCHAR' : c.kind === 'timestamp_ns' ? 'TIMESTAMP_NS' : KIND_NAMES[c.kind].duckdb;
      return `"${c.name}": '${t}'`;
    })
    .join(', ');
  return `read_json('${file}', format = 'newline_delimited', columns = {${cols}})`;
}

/** The rows of an Arrow IPC file (through apache-arrow's reader) as NDJSON-shaped objects. */
export function arrowTable(file: string) {
  return tableFromIPC(readFileSync(file));
}

export function sql(file: string): string {
  return `read_parquet('${file}')`;
}
