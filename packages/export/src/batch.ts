import { makeData, RecordBatch, type Schema, Struct } from 'apache-arrow';
import { type Column, makeColumn } from './columns.js';
import { arrowSchema, type TableDef } from './table.js';

/** Batch limits: a batch is cut at whichever comes first. */
export interface BatchLimits {
  /** Rows per batch (default 65,536). */
  rows?: number;
  /** Bytes of column data per batch (default 4 MiB): large records make smaller batches. */
  bytes?: number;
}

export const DEFAULT_BATCH_ROWS = 65_536;
export const DEFAULT_BATCH_BYTES = 4 << 20;

/**
 * The columns of one table being filled row by row. Each table's row writer appends one value
 * to every column per row; `full` says when to cut a batch, `finish` cuts it. Memory is what
 * one batch holds, whatever the size of the log.
 */
export class BatchBuilder {
  readonly schema: Schema;
  readonly columns: Column[];
  private readonly byName = new Map<string, Column>();
  readonly maxRows: number;
  readonly maxBytes: number;

  constructor(
    readonly def: TableDef,
    limits: BatchLimits = {},
  ) {
    this.schema = arrowSchema(def);
    this.maxRows = Math.max(1, limits.rows ?? DEFAULT_BATCH_ROWS);
    this.maxBytes = Math.max(1, limits.bytes ?? DEFAULT_BATCH_BYTES);
    // Room for a batch and the overshoot of a scanner chunk, so columns rarely grow.
    const rows = Math.min(this.maxRows + (this.maxRows >> 2), 1 << 17);
    this.columns = def.columns.map((c) => makeColumn(c, rows));
    for (const c of this.columns) this.byName.set(c.spec.name, c);
  }

  /** The column named `name` (a table definition error if there is none). */
  column<C extends Column>(name: string): C {
    const c = this.byName.get(name);
    if (!c) throw new Error(`table ${this.def.name} has no column ${name}`);
    return c as C;
  }

  get rows(): number {
    return this.columns[0]?.length ?? 0;
  }

  get byteSize(): number {
    let n = 0;
    for (const c of this.columns) n += c.byteSize;
    return n;
  }

  /** A batch is due: the row limit is reached, or (checked every 64 rows) the byte limit. */
  get full(): boolean {
    const rows = this.rows;
    return rows >= this.maxRows || ((rows & 63) === 0 && rows > 0 && this.byteSize >= this.maxBytes);
  }

  /**
   * The rows so far as one record batch; the builder is empty afterwards. With `reuse`, the next
   * batch is built in the same buffers, so this one must not be read after that (see Column.finish).
   */
  finish(reuse = false): RecordBatch {
    const rows = this.rows;
    for (const c of this.columns) {
      if (c.length !== rows)
        throw new Error(`table ${this.def.name}: column ${c.spec.name} has ${c.length} of ${rows} rows`);
    }
    const children = this.columns.map((c) => c.finish(reuse));
    const data = makeData({ type: new Struct(this.schema.fields), length: rows, nullCount: 0, children });
    return new RecordBatch(this.schema, data);
  }
}
