import type { RecordBatch } from 'apache-arrow';
import { batchToNdjson } from '../../ndjson.js';
import type { TableDef } from '../../table.js';
import type { ByteOutput } from '../output.js';
import type { BatchSink } from './sink.js';

/** NDJSON: one JSON object per row and line (`batchToNdjson`). */
export class NdjsonSink implements BatchSink {
  private readonly encoder = new TextEncoder();
  constructor(
    private readonly def: TableDef,
    private readonly out: ByteOutput,
  ) {}

  async write(batch: RecordBatch): Promise<void> {
    this.out.write(
      this.encoder.encode(
        batchToNdjson(
          batch,
          this.def.columns.map((c) => c.kind),
        ),
      ),
    );
  }

  async finish(): Promise<void> {}
}
