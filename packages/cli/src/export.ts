import { basename } from '@logspec/core';
import type { ExportProblem, ExportResult, OutputFormat, ParquetCompression, Selection } from '@logspec/export/store';
import type { Target } from './commands.js';
import { CliCode, Exit, UsageError } from './errors.js';
import type { Ctx } from './formats/types.js';
import { bytes, count } from './text.js';

/**
 * `logspec export <path> --to parquet|arrow|ndjson [-o FILE] [--from X] [--to Y] [--errors FILE]`:
 * the log as the analytics table of its format (`@logspec/export`). `@logspec/export` (Arrow,
 * WebAssembly Parquet) is imported only when this command runs, so the other commands start as
 * fast as before; its specifier is a variable so that a bundler leaves it out of a bundle of
 * the CLI (esbuild wraps the modules a literal dynamic import shares with static ones in lazy
 * initialisers, which broke `dump` of session stores in the bundled bin; and parquet-wasm loads
 * its WebAssembly from its own package directory, which a one-file bundle does not have).
 */
const EXPORT_STORE = '@logspec/export/store';

type Values = Record<string, string | boolean | string[] | undefined>;

const OUTPUTS: readonly OutputFormat[] = ['parquet', 'arrow', 'ndjson'];
const EXTENSIONS: Record<string, OutputFormat> = {
  parquet: 'parquet',
  pq: 'parquet',
  arrow: 'arrow',
  feather: 'arrow',
  ipc: 'arrow',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  json: 'ndjson',
};
const COMPRESSIONS = ['snappy', 'zstd', 'lz4', 'gzip', 'brotli', 'none'];
/** Problems printed one by one on stderr; the rest are counted (all of them go to --errors). */
const SHOWN_PROBLEMS = 20;

function usage(message: string): UsageError {
  return new UsageError(CliCode.USAGE, message, "run 'logspec export --help'");
}

function outputOf(path: string | undefined): OutputFormat | undefined {
  if (path === undefined) return undefined;
  const dot = path.lastIndexOf('.');
  return dot > 0 ? EXTENSIONS[path.slice(dot + 1).toLowerCase()] : undefined;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** `--from`/`--to` as a record key (a number) or a time (RFC 3339, or a date: its midnight UTC). */
function bound(
  value: string,
  name: 'from' | 'to',
  parseTime: (s: string) => bigint | null,
): { key: bigint } | { timeNs: bigint } {
  if (/^[0-9]+$/.test(value)) return { key: BigInt(value) };
  const text = DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value;
  const ns = parseTime(text);
  if (ns === null) {
    throw usage(
      `--${name} must be a record number or an RFC 3339 time (2025-06-01T10:00:00Z, or a date), got '${value}'`,
    );
  }
  return { timeNs: name === 'to' && DATE_ONLY.test(value) ? ns + 86_400_000_000_000n - 1n : ns };
}

function problemLine(p: ExportProblem): string {
  const at = p.offset === null ? '' : ` at byte ${p.offset}`;
  const file = p.file ? ` in ${p.file}` : '';
  return `logspec: warning: ${p.code}${at}${file}: ${p.message}`;
}

export async function runExport(t: Target, ctx: Ctx, values: Values): Promise<number> {
  const store: typeof import('@logspec/export/store') = await import(EXPORT_STORE);
  const tos = ([] as string[]).concat((values.to as string[] | string | undefined) ?? []);
  const formats = tos.filter((v) => (OUTPUTS as readonly string[]).includes(v));
  const ends = tos.filter((v) => !(OUTPUTS as readonly string[]).includes(v));
  if (formats.length > 1 || ends.length > 1) throw usage('--to is given more than once for the same thing');
  const out = values.output as string | undefined;
  const to = (formats[0] as OutputFormat | undefined) ?? outputOf(out);
  if (to === undefined) {
    throw usage(
      out === undefined
        ? 'export needs --to parquet|arrow|ndjson'
        : `cannot tell the output format from '${out}': add --to parquet|arrow|ndjson`,
    );
  }
  if (out === undefined && to !== 'ndjson') throw usage(`--to ${to} writes a binary file: give it with -o FILE`);
  if (out === '-' && to !== 'ndjson') throw usage(`--to ${to} cannot go to stdout: give a file with -o FILE`);
  const compression = (values.compression as string | undefined) ?? store.DEFAULT_COMPRESSION;
  if (!COMPRESSIONS.includes(compression)) throw usage(`--compression must be one of ${COMPRESSIONS.join(', ')}`);
  if (values.compression !== undefined && to !== 'parquet') throw usage('--compression applies to --to parquet only');

  const select: Selection = {};
  const from = values.from as string | undefined;
  for (const [name, v] of [
    ['from', from],
    ['to', ends[0]],
  ] as const) {
    if (v === undefined) continue;
    const b = bound(v, name, store.parseRfc3339Ns);
    if ('key' in b) select[name === 'from' ? 'fromKey' : 'toKey'] = b.key;
    else select[name === 'from' ? 'fromTimeNs' : 'toTimeNs'] = b.timeNs;
  }
  if (select.fromKey !== undefined && select.toKey !== undefined && select.toKey < select.fromKey) {
    throw usage(`--to ${select.toKey} is below --from ${select.fromKey}`);
  }
  if (t.adapter.name === 'hotframe' && (select.fromTimeNs !== undefined || select.toTimeNs !== undefined)) {
    throw usage('hotframe records have no time: select them by number');
  }

  const errorsPath = values.errors as string | undefined;
  const toStdout = out === undefined || out === '-';
  const output = toStdout ? new store.TextOutput((s) => ctx.io.stdout(s)) : new store.FileOutput(ctx.fs, out);
  let errors: { output: InstanceType<typeof store.FileOutput>; to: OutputFormat } | undefined;
  if (errorsPath !== undefined) {
    errors = { output: new store.FileOutput(ctx.fs, errorsPath), to: outputOf(errorsPath) ?? 'ndjson' };
  }
  let shown = 0;
  let started = false;
  let result: ExportResult;
  try {
    result = await store.exportLog(t.path, {
      fs: ctx.fs,
      format: t.adapter.name,
      to,
      output,
      errors,
      select,
      parquet: { compression: compression as ParquetCompression },
      onProblem: (p) => {
        if (shown++ < SHOWN_PROBLEMS) {
          ctx.progress.end();
          ctx.io.stderr(`${problemLine(p)}\n`);
        }
      },
      onProgress: (done, total) => {
        if (!started) ctx.progress.begin(`exporting ${basename(t.path) || t.path}`, total);
        started = true;
        ctx.progress.update(done);
      },
    });
  } finally {
    ctx.progress.end();
  }
  if (shown > SHOWN_PROBLEMS) {
    ctx.io.stderr(
      `logspec: warning: … and ${shown - SHOWN_PROBLEMS} more${errorsPath ? ` (all in ${errorsPath})` : " (write them all with '--errors FILE')"}\n`,
    );
  }
  const where = toStdout ? 'stdout' : out;
  const summary = {
    format: result.format,
    table: result.table,
    table_version: result.tableVersion,
    output: where,
    to,
    compression: to === 'parquet' ? compression : null,
    rows: result.rows,
    batches: result.batches,
    bytes: result.bytesWritten,
    problems: result.problems,
    errors: errorsPath ?? null,
  };
  if (ctx.json && !toStdout) ctx.io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    ctx.io.stderr(
      `exported ${count(result.rows, 'row')} of table ${result.table} v${result.tableVersion} to ${where} (${to}${to === 'parquet' ? ` ${compression}` : ''}, ${bytes(result.bytesWritten)})${result.problems ? `; ${count(result.problems, 'damaged record or range', 'damaged records or ranges')} left out` : ''}\n`,
    );
  }
  return result.problems === 0 ? Exit.OK : Exit.DAMAGED;
}
