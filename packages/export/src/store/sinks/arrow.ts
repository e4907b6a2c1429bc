import { type RecordBatch, RecordBatchFileWriter, type Schema } from 'apache-arrow';
import type { ByteOutput } from '../output.js';
import type { BatchSink } from './sink.js';

/**
 * The Arrow IPC file format (Feather v2, `.arrow`) by apache-arrow's `RecordBatchFileWriter`.
 * The writer queues each batch's bytes; a reader started with the sink drains the queue into
 * the output as the batches come, so only the batch being written is in memory.
 */
export class ArrowFileSink implements BatchSink {
  private readonly writer: RecordBatchFileWriter;
  private readonly drained: Promise<void>;

  constructor(schema: Schema, out: ByteOutput) {
    const writer = new RecordBatchFileWriter();
    writer.reset(undefined, schema);
    this.writer = writer;
    this.drained = (async () => {
      for await (const chunk of writer) out.write(chunk);
    })();
  }

  async write(batch: RecordBatch): Promise<void> {
    this.writer.write(batch);
    // Let the drain loop take the queued chunks before the next batch is built.
    await new Promise<void>((r) => setImmediate(r));
  }

  async finish(): Promise<void> {
    this.writer.finish();
    await this.drained;
  }
}
