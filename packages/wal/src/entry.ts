import type { WalRecord } from './record.js';
import { readRecordFields, viewOf } from './record-reader.js';

/** A record with where it was found. */
export interface WalEntry {
  file: string;
  offset: number;
  totalLen: number;
  /** The decoded record (readers decode it on first access; see `RecordEntry`). */
  readonly record: WalRecord;
}

/**
 * What the readers return for each record: where it was found, and its bytes, decoded into a
 * `WalRecord` on first access of `record` (then kept). A reader that collects every record of
 * a WAL makes one small object per record instead of a record, its strings and three bigints:
 * that allocation, and the collector's copying of it, was most of a full read's time. The
 * bytes are a buffer the reader filled for this read and never writes again, already checked
 * (length, CRC, type, payload structure), so decoding later cannot fail.
 */
export class RecordEntry implements WalEntry {
  readonly #bytes: Uint8Array;
  readonly #start: number;
  #record: WalRecord | undefined;

  constructor(
    public file: string,
    public offset: number,
    public totalLen: number,
    bytes: Uint8Array,
    start: number,
  ) {
    this.#bytes = bytes;
    this.#start = start;
  }

  get record(): WalRecord {
    if (this.#record === undefined) this.#record = readRecordFields(this.#bytes, viewOf(this.#bytes), this.#start);
    return this.#record;
  }

  /** The record's bytes as read (`totalLen` of them; a view, not a copy). */
  get bytes(): Uint8Array {
    return this.#bytes.subarray(this.#start, this.#start + this.totalLen);
  }
}
