import type { Fs } from '@logspec/core';
import type { RecordBatch } from 'apache-arrow';
import { BatchBuilder, type BatchLimits } from '../batch.js';
import type { BytesColumn, NumberColumn } from '../columns.js';
import { arrowSchema, type TableDef } from '../table.js';
import { ERRORS_TABLE } from '../tables/errors.js';
import { TABLES } from '../tables/index.js';
import type { ByteOutput } from './output.js';
import { ArrowFileSink } from './sinks/arrow.js';
import { NdjsonSink } from './sinks/ndjson.js';
import { type ParquetOptions, ParquetSink } from './sinks/parquet.js';
import type { BatchSink, OutputFormat } from './sinks/sink.js';
import type { ExportFormat, ExportProblem, Selection, Source, SourceContext } from './source.js';
import { HotSource } from './sources/hot.js';
import { RingSource } from './sources/ring.js';
import { SegmentSource } from './sources/segment.js';
import { SessionSource } from './sources/session.js';
import { WalSource } from './sources/wal.js';

/** Opens the log at `path` as a source of `format`'s table. */
export function openSource(path: string, format: ExportFormat, ctx: SourceContext): Source {
  switch (format) {
    case 'wal':
      return new WalSource(path, ctx);
    case 'hotlog':
      return new HotSource(path, ctx, true);
    case 'hotframe':
      return new HotSource(path, ctx, false);
    case 'ring':
      return new RingSource(path, ctx);
    case 'segment':
      return new SegmentSource(path, ctx);
    case 'session':
      return new SessionSource(path, ctx);
  }
}

/** The sink writing `def`'s batches as `to` into `out`. */
export function sinkFor(to: OutputFormat, def: TableDef, out: ByteOutput, parquet: ParquetOptions = {}): BatchSink {
  switch (to) {
    case 'parquet':
      return new ParquetSink(def, out, parquet);
    case 'arrow':
      return new ArrowFileSink(arrowSchema(def), out);
    case 'ndjson':
      return new NdjsonSink(def, out);
  }
}

export interface ReadBatchesOptions {
  fs: Fs;
  format: ExportFormat;
  select?: Selection;
  batch?: BatchLimits;
  /** Each damaged, skipped or unreadable record or range (nothing is left out without one). */
  onProblem?: (p: ExportProblem) => void;
  /** Called after each batch with the bytes scanned and the bytes to scan. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Build every batch in the same buffers: a batch is then valid only until the next one is
   * asked for (default false: each batch keeps its own). Saves an allocation per batch.
   */
  reuseBuffers?: boolean;
}

/**
 * The log at `path` as Arrow record batches of `format`'s table, read by the format package's
 * scanner a batch at a time (at least one batch: an empty log gives one of 0 rows).
 */
export function* readBatches(path: string, opts: ReadBatchesOptions): Generator<RecordBatch, void, undefined> {
  const src = openSource(path, opts.format, {
    fs: opts.fs,
    select: opts.select ?? {},
    problem: (p) => opts.onProblem?.(p),
  });
  try {
    const b = new BatchBuilder(src.def, opts.batch);
    let any = false;
    for (;;) {
      const more = src.fill(b);
      if (b.rows > 0 || (!more && !any)) {
        any = true;
        yield b.finish(opts.reuseBuffers === true);
      }
      opts.onProgress?.(src.doneBytes, src.totalBytes);
      if (!more) break;
    }
  } finally {
    src.close();
  }
}

export interface ExportOptions extends ReadBatchesOptions {
  to: OutputFormat;
  output: ByteOutput;
  /** The errors side table (`--errors FILE`) and its format. */
  errors?: { output: ByteOutput; to: OutputFormat };
  parquet?: ParquetOptions;
}

export interface ExportResult {
  format: ExportFormat;
  table: string;
  tableVersion: number;
  rows: number;
  batches: number;
  problems: number;
  bytesWritten: number;
}

/** Appends problems to the errors table, a batch at a time into its sink. */
class ProblemTable {
  private readonly b = new BatchBuilder(ERRORS_TABLE);
  private readonly cols: Record<string, NumberColumn & BytesColumn>;
  private written = false;
  constructor(
    private readonly format: ExportFormat,
    private readonly sink: BatchSink,
  ) {
    this.cols = Object.fromEntries(ERRORS_TABLE.columns.map((c) => [c.name, this.b.column(c.name)]));
  }

  add(p: ExportProblem): void {
    const c = this.cols;
    c.format?.appendString(this.format);
    if (p.file === null) c.file?.appendNull();
    else c.file?.appendString(p.file);
    if (p.offset === null) c.file_offset?.appendNull();
    else c.file_offset?.appendInt(p.offset);
    if (p.segment === null) c.segment?.appendNull();
    else c.segment?.appendBigInt(p.segment);
    c.code?.appendString(p.code);
    c.message?.appendString(p.message);
    if (p.bytes === null) c.bytes?.appendNull();
    else c.bytes?.appendInt(p.bytes);
  }

  async flush(force: boolean): Promise<void> {
    if (this.b.rows === 0 && !(force && !this.written)) return;
    if (!force && !this.b.full) return;
    this.written = true;
    await this.sink.write(this.b.finish());
  }

  async finish(): Promise<void> {
    await this.flush(true);
    await this.sink.finish();
  }
}

/**
 * Exports the log at `path` as `opts.format`'s table into `opts.output` (Parquet, Arrow IPC
 * file or NDJSON), and its problems into the errors table when `opts.errors` is given. Both
 * outputs are committed only when the whole log was read; on an error both are aborted.
 */
export async function exportLog(path: string, opts: ExportOptions): Promise<ExportResult> {
  let problems = 0;
  let errors: ProblemTable | null = null;
  let sink: BatchSink | null = null;
  const result: ExportResult = {
    format: opts.format,
    table: '',
    tableVersion: 0,
    rows: 0,
    batches: 0,
    problems: 0,
    bytesWritten: 0,
  };
  try {
    if (opts.errors) errors = new ProblemTable(opts.format, sinkFor(opts.errors.to, ERRORS_TABLE, opts.errors.output));
    // Each sink has written a batch out when its write resolves: the buffers can be reused.
    const batches = readBatches(path, {
      ...opts,
      reuseBuffers: true,
      onProblem: (p) => {
        problems++;
        errors?.add(p);
        opts.onProblem?.(p);
      },
    });
    for (const batch of batches) {
      if (!sink) {
        const def = tableOf(batch);
        result.table = def.name;
        result.tableVersion = def.version;
        sink = sinkFor(opts.to, def, opts.output, opts.parquet);
      }
      result.rows += batch.numRows;
      result.batches++;
      await sink.write(batch);
      await errors?.flush(false);
    }
    await sink?.finish();
    await errors?.finish();
    opts.output.commit();
    opts.errors?.output.commit();
  } catch (e) {
    opts.output.abort();
    opts.errors?.output.abort();
    throw e;
  }
  result.problems = problems;
  result.bytesWritten = opts.output.bytesWritten;
  return result;
}

function tableOf(batch: RecordBatch): TableDef {
  const name = batch.schema.metadata.get('logspec.table');
  const def = name === undefined ? undefined : TABLE_BY_NAME.get(name);
  if (!def) throw new Error(`batch without a known logspec.table (${String(name)})`);
  return def;
}

const TABLE_BY_NAME = new Map(Object.values(TABLES).map((t) => [t.name as string, t]));
