import { type RecordBatch, Table, tableToIPC } from 'apache-arrow';
import * as pw from 'parquet-wasm';
import { META_TABLE, META_VERSION, type TableDef } from '../../table.js';
import type { ByteOutput } from '../output.js';
import type { BatchSink } from './sink.js';

/** Parquet compression codecs (`--compression`). */
export type ParquetCompression = 'snappy' | 'zstd' | 'lz4' | 'gzip' | 'brotli' | 'none';
export const PARQUET_COMPRESSIONS: readonly ParquetCompression[] = ['snappy', 'zstd', 'lz4', 'gzip', 'brotli', 'none'];
export const DEFAULT_COMPRESSION: ParquetCompression = 'snappy';

export interface ParquetOptions {
  /** Default `snappy` (see the README's measurements). */
  compression?: ParquetCompression;
  /**
   * Uncompressed bytes a row group aims at (default 32 MiB): the row count is derived from the
   * first batch's bytes per row, between 16,384 and 1,048,576 rows.
   */
  rowGroupBytes?: number;
  /** A fixed number of rows per row group instead (overrides `rowGroupBytes`). */
  rowGroupRows?: number;
}

const CODEC: Record<ParquetCompression, pw.Compression> = {
  snappy: pw.Compression.SNAPPY,
  zstd: pw.Compression.ZSTD,
  lz4: pw.Compression.LZ4_RAW,
  gzip: pw.Compression.GZIP,
  brotli: pw.Compression.BROTLI,
  none: pw.Compression.UNCOMPRESSED,
};

export const DEFAULT_ROW_GROUP_BYTES = 32 << 20;
const MIN_GROUP_ROWS = 16_384;
const MAX_GROUP_ROWS = 1 << 20;

/** Rows per row group for batches of `batchBytes` bytes in `batchRows` rows. */
export function rowGroupRows(batchRows: number, batchBytes: number, opts: ParquetOptions): number {
  if (opts.rowGroupRows !== undefined) return Math.max(1, Math.floor(opts.rowGroupRows));
  const perRow = Math.max(1, batchBytes / Math.max(1, batchRows));
  const rows = Math.round((opts.rowGroupBytes ?? DEFAULT_ROW_GROUP_BYTES) / perRow);
  return Math.min(MAX_GROUP_ROWS, Math.max(MIN_GROUP_ROWS, rows));
}

/** Arrow's uncompressed size of a batch (what a row group's size is counted in). */
export function batchBytes(batch: RecordBatch): number {
  let n = 0;
  for (const child of batch.data.children) {
    for (const b of [child.values, child.valueOffsets, child.nullBitmap] as (ArrayBufferView | undefined)[]) {
      if (b) n += b.byteLength;
    }
  }
  return n;
}

/**
 * Parquet through parquet-wasm (the Rust `parquet` crate's ArrowWriter, compiled to
 * WebAssembly): each Arrow batch crosses into WebAssembly as an IPC stream and is written by
 * `transformParquetStream`, which flushes a row group whenever it reaches its row count, so
 * memory holds one batch and one row group being encoded. Low-cardinality columns (the table
 * definition's `dictionary` hint) are dictionary-encoded; the rest are plain, because a
 * dictionary over unique values (payloads, offsets) costs time and grows the file. The table's
 * name and version are written to the footer's key-value metadata.
 */
export class ParquetSink implements BatchSink {
  private waiting: ((b: pw.RecordBatch | null) => void) | null = null;
  private queued: (pw.RecordBatch | null)[] = [];
  private consumed: (() => void) | null = null;
  private pump: Promise<void> | null = null;

  constructor(
    private readonly def: TableDef,
    private readonly out: ByteOutput,
    private readonly opts: ParquetOptions = {},
  ) {}

  private start(first: RecordBatch | null): void {
    const b = new pw.WriterPropertiesBuilder()
      .setCompression(CODEC[this.opts.compression ?? DEFAULT_COMPRESSION])
      .setDictionaryEnabled(false)
      // Row-group min/max (what engines prune with); page-level statistics cost time and memory.
      .setStatisticsEnabled(pw.EnabledStatistics.Chunk)
      .setMaxRowGroupSize(first ? rowGroupRows(first.numRows, batchBytes(first), this.opts) : MIN_GROUP_ROWS)
      .setCreatedBy('logspec export (parquet-wasm)')
      .setKeyValueMetadata(
        new Map([
          [META_TABLE, this.def.name],
          [META_VERSION, String(this.def.version)],
        ]),
      );
    let props = b;
    for (const c of this.def.columns) if (c.dictionary) props = props.setColumnDictionaryEnabled(c.name, true);
    const input = new ReadableStream<pw.RecordBatch>(
      {
        pull: async (ctrl) => {
          const next = await this.take();
          if (next === null) ctrl.close();
          // The stream hands the batch to Rust, which takes it over (and frees it).
          else ctrl.enqueue(next);
        },
      },
      { highWaterMark: 0 },
    );
    this.pump = (async () => {
      const output = await pw.transformParquetStream(input, props.build());
      const reader = output.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        this.out.write(value as Uint8Array);
      }
    })();
  }

  private take(): Promise<pw.RecordBatch | null> {
    const next = this.queued.shift();
    this.consumed?.();
    this.consumed = null;
    if (next !== undefined) return Promise.resolve(next);
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  private put(b: pw.RecordBatch | null): Promise<void> {
    const w = this.waiting;
    if (w) {
      this.waiting = null;
      w(b);
      return Promise.resolve();
    }
    this.queued.push(b);
    // Back-pressure: wait until the writer has taken it.
    return new Promise((resolve) => {
      this.consumed = resolve;
    });
  }

  async write(batch: RecordBatch): Promise<void> {
    if (!this.pump) this.start(batch);
    const table = pw.Table.fromIPCStream(tableToIPC(new Table([batch]), 'stream'));
    let rb: pw.RecordBatch | undefined;
    try {
      rb = table.recordBatch(0);
    } finally {
      table.free();
    }
    if (rb) await this.put(rb);
  }

  async finish(): Promise<void> {
    if (!this.pump) this.start(null);
    await this.put(null);
    await this.pump;
  }
}
