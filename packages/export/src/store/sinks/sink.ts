import type { RecordBatch } from 'apache-arrow';

/** The output formats of an export. */
export type OutputFormat = 'parquet' | 'arrow' | 'ndjson';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['parquet', 'arrow', 'ndjson'];

/** Receives one table's record batches in order and turns them into a file's bytes. */
export interface BatchSink {
  write(batch: RecordBatch): Promise<void>;
  /** After the last batch: writes what ends the file (footer). */
  finish(): Promise<void>;
}
