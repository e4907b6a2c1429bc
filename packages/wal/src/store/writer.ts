import { type CrcArena, createCrcArena, type FileHandle, type Fs, type Lock, writeFully } from '@logspec/core';
import { WalCode, walError } from '../errors.js';
import type { WalRecordInput } from '../record.js';
import { viewOf } from '../record-reader.js';
import { encodeRecordAt } from '../record-writer.js';
import { createFile, nextSeq, noop, openWalFile } from './open.js';
import {
  DEFAULT_BUFFER_SIZE,
  DEFAULT_GROUP_DELAY_MS,
  DEFAULT_GROUP_RECORDS,
  DEFAULT_MAX_FILE_SIZE,
  type Durability,
  type OpenWalOptions,
  positive,
  type WalOpenReport,
} from './options.js';
import type { WalPosition } from './reader.js';

const RESOLVED: Promise<void> = Promise.resolve();

interface Group {
  promise: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * The single writer of a WAL directory: appends records to `wal_{seq:016x}.log`, rotates
 * by the original's rules and makes records durable under its `Durability` policy. All I/O
 * goes through the injected `Fs`.
 */
export class WalWriter {
  readonly openReport: WalOpenReport;
  private readonly fs: Fs;
  private readonly dir: string;
  private readonly lock: Lock;
  private readonly maxFileSize: number;
  private readonly bufferSize: number;
  private readonly arena: CrcArena;
  private readonly mode: Durability['mode'];
  private readonly groupRecords: number;
  private readonly groupDelayMs: number;
  private h: FileHandle;
  private seq: bigint;
  /** Size of the current file including buffered bytes. */
  private fileSize: number;
  /** Bytes of the current file already handed to the OS. */
  private written: number;
  private buf: Uint8Array;
  private view: DataView;
  private len = 0;
  /** Records written since the last sync. */
  private unsynced = 0;
  /** Bytes handed to the OS since the last sync. */
  private dirty = false;
  private group: Group | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failure: unknown = null;
  private closed = false;
  private count = 0;

  private constructor(opts: OpenWalOptions, lock: Lock, h: FileHandle, seq: bigint, report: WalOpenReport) {
    this.fs = opts.fs;
    this.dir = opts.dir;
    this.lock = lock;
    this.maxFileSize = positive(opts.maxFileSize, DEFAULT_MAX_FILE_SIZE, 'maxFileSize');
    this.bufferSize = positive(opts.bufferSize, DEFAULT_BUFFER_SIZE, 'bufferSize');
    const d = opts.durability ?? { mode: 'every-record' };
    this.mode = d.mode;
    this.groupRecords = d.mode === 'group-commit' ? positive(d.maxRecords, DEFAULT_GROUP_RECORDS, 'maxRecords') : 1;
    this.groupDelayMs =
      d.mode === 'group-commit' ? positive(d.maxDelayMs, DEFAULT_GROUP_DELAY_MS, 'maxDelayMs') : DEFAULT_GROUP_DELAY_MS;
    this.h = h;
    this.seq = seq;
    this.fileSize = h.size();
    this.written = this.fileSize;
    // The configured buffer is a CRC arena's bytes: each record's CRC is computed in place.
    this.arena = createCrcArena(this.bufferSize);
    this.buf = this.arena.bytes;
    this.view = viewOf(this.buf);
    this.openReport = report;
  }

  /**
   * Opens (or creates) the WAL in `opts.dir`: takes the lock, repairs a torn end of the
   * newest file (truncated and synced, so records appended after it stay reachable for
   * every reader), then appends to that file unless it is over `reuseLimit`.
   */
  static open(opts: OpenWalOptions): WalWriter {
    const { lock, h, seq, report } = openWalFile(opts);
    try {
      try {
        return new WalWriter(opts, lock, h, seq, report);
      } catch (e) {
        h.close();
        throw e;
      }
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  /** Where the next record goes. */
  get position(): WalPosition {
    return { fileSequence: this.seq, offset: this.fileSize };
  }

  /** Records written by this writer. */
  get recordCount(): number {
    return this.count;
  }

  /** Records written and not yet durable. */
  get pendingCount(): number {
    return this.unsynced;
  }

  /**
   * Encodes and writes `record` (into the write buffer) and applies the durability policy;
   * returns where it starts. Under `every-record` it is durable on return.
   */
  write(record: WalRecordInput): WalPosition {
    const offset = this.put(record);
    const pos = { fileSequence: this.seq, offset };
    this.settle();
    return pos;
  }

  /** Writes `record`; resolves once it is durable under the policy (rejects if that fails). */
  append(record: WalRecordInput): Promise<void> {
    try {
      this.put(record);
      this.settle();
    } catch (e) {
      return Promise.reject(e);
    }
    return this.durable();
  }

  /**
   * Writes `records` in order, as many `append`s would (the policy applies after each one,
   * so a group commit can fall inside the batch), and resolves once all of them are durable.
   * If one is invalid (`WAL_INVALID_FIELD`) or a write fails, the promise rejects: the
   * records before it are written and become durable as usual (`recordCount` says how many),
   * none after it is.
   */
  appendMany(records: readonly WalRecordInput[]): Promise<void> {
    try {
      if (!Array.isArray(records)) {
        throw walError(WalCode.INVALID_FIELD, 'appendMany takes an array of records', undefined, { field: 'records' });
      }
      for (let i = 0; i < records.length; i++) {
        this.put(records[i] as WalRecordInput);
        this.settle();
      }
    } catch (e) {
      return Promise.reject(e);
    }
    return this.durable();
  }

  /**
   * Encodes `record` at the end of the write buffer (rotating first if it does not fit the
   * current file) and returns its offset in its file. The buffer is written out only when
   * it is full or by `commit()`: a group of records is one write and one fdatasync.
   */
  private put(record: WalRecordInput): number {
    this.usable();
    let at = this.len;
    let end = encodeRecordAt(record, this.buf, at, this.view, this.arena);
    if (end < 0) {
      this.makeRoom(-end);
      at = 0;
      end = encodeRecordAt(record, this.buf, 0, this.view, this.arena);
      // Only a record whose getters answer differently the second time can get here.
      if (end < 0) throw walError(WalCode.INVALID_FIELD, 'the record changed while it was encoded');
    }
    const total = end - at;
    let offset = this.fileSize;
    if (offset > 0 && offset + total > this.maxFileSize) {
      this.rotate(at, total);
      offset = 0;
    } else this.len = end;
    this.fileSize = offset + total;
    this.count++;
    this.unsynced++;
    return offset;
  }

  /** Applies the durability policy to what has been written. */
  private settle(): void {
    if (this.mode === 'group-commit') {
      if (this.unsynced >= this.groupRecords) this.commit();
      else if (this.timer === null) this.timer = setTimeout(this.onTimer, this.groupDelayMs);
    } else if (this.mode === 'every-record') this.commit();
  }

  /** Resolves when everything written so far is durable (without forcing a sync). */
  durable(): Promise<void> {
    if (this.unsynced === 0) return RESOLVED;
    if (this.group === null) {
      let resolve = noop;
      let reject: (e: unknown) => void = noop;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // The failure also poisons the writer, so an ignored promise cannot hide it.
      promise.catch(noop);
      this.group = { promise, resolve, reject };
    }
    return this.group.promise;
  }

  /** Makes everything written so far durable now (write out the buffer, fdatasync). */
  commit(): void {
    this.usable();
    if (this.unsynced === 0 && !this.dirty && this.len === 0) return;
    try {
      this.writeOut();
      this.h.fdatasync();
    } catch (e) {
      this.fail(e);
      throw e;
    }
    this.dirty = false;
    this.unsynced = 0;
    if (this.buf.length > this.bufferSize) {
      // Back to the configured arena after a record larger than it (the buffer is empty now).
      this.buf = this.arena.bytes;
      this.view = viewOf(this.buf);
    }
    this.clearTimer();
    const g = this.group;
    this.group = null;
    g?.resolve();
  }

  /** `commit()`, as a promise. */
  sync(): Promise<void> {
    try {
      this.commit();
      return RESOLVED;
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Commits, closes the file and releases the lock. */
  close(): Promise<void> {
    try {
      this.closeSync();
      return RESOLVED;
    } catch (e) {
      return Promise.reject(e);
    }
  }

  closeSync(): void {
    if (this.closed) return;
    this.clearTimer();
    let err: unknown = null;
    if (this.failure === null) {
      try {
        this.commit();
      } catch (e) {
        err = e;
      }
    }
    this.closed = true;
    try {
      this.h.close();
    } finally {
      this.lock.release();
    }
    if (err !== null) throw err;
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    if (this.closed || this.failure !== null) return;
    try {
      this.commit();
    } catch {
      // commit() has rejected the waiting appends and poisoned the writer.
    }
  };

  private clearTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private usable(): void {
    if (this.closed) throw walError(WalCode.CLOSED, 'the WAL writer is closed');
    if (this.failure !== null) {
      throw walError(
        WalCode.WRITER_FAILED,
        'an earlier write or sync failed; reopen the WAL to recover',
        undefined,
        {},
        this.failure,
      );
    }
  }

  private fail(e: unknown): void {
    this.failure = e;
    this.clearTimer();
    const g = this.group;
    this.group = null;
    g?.reject(e);
  }

  /** Hands the buffered bytes to the OS (not durable yet). */
  private writeOut(): void {
    if (this.len === 0) return;
    writeFully(this.h, this.buf, this.written, 0, this.len);
    this.written += this.len;
    this.len = 0;
    this.dirty = true;
  }

  /** Writes out the buffer to free room for a record of `need` bytes. */
  private makeRoom(need: number): void {
    try {
      this.writeOut();
    } catch (e) {
      this.fail(e);
      throw e;
    }
    if (need > this.buf.length || this.buf.length > this.bufferSize) {
      // A huge record gets a buffer of its own size until the next commit or overflow; a
      // record that fits goes back to the arena.
      this.buf = need > this.bufferSize ? new Uint8Array(need) : this.arena.bytes;
      this.view = viewOf(this.buf);
    }
  }

  /**
   * The record at `buf[at, at + total)` does not fit the current file: make the file's
   * bytes durable, start the next file (its directory entry synced before anything in it
   * can be acknowledged) and move the record to the front of the buffer.
   */
  private rotate(at: number, total: number): void {
    try {
      if (at > 0) {
        writeFully(this.h, this.buf, this.written, 0, at);
        this.dirty = true;
      }
      if (this.dirty) this.h.fdatasync();
      this.dirty = false;
      const next = nextSeq(this.seq);
      this.h.close();
      this.h = createFile(this.fs, this.dir, next);
      this.seq = next;
    } catch (e) {
      this.fail(e);
      throw e;
    }
    this.buf.copyWithin(0, at, at + total);
    this.len = total;
    this.fileSize = 0;
    this.written = 0;
  }
}

/** Opens the WAL in `opts.dir` for appending (see `WalWriter.open`). */
export function openWal(opts: OpenWalOptions): WalWriter {
  return WalWriter.open(opts);
}
