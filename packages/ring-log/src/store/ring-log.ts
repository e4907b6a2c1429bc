import { CoreCode, type FileHandle, type Fs, IoError, type Lock, LogspecError, readFully } from '@logspec/core';
import { type RingColumns, ringToColumns } from '../columns.js';
import { RingCode, ringError } from '../errors.js';
import { checkCapacity, decodeHeader, nextSlotOf } from '../header.js';
import { HEADER_BYTES, HeaderOffset, ringFileLength, SLOT_BYTES } from '../layout.js';
import {
  collectRecords,
  type ForeignSlotPolicy,
  type RingGeometry,
  type SlotView,
  scanRing,
  visitRecords,
} from '../ring.js';
import { checkSlot, type RingSlot, type RingSlotInput } from '../slot.js';
import { createRingFile } from './create.js';
import { type SlotSurvey, surveySlots } from './recover.js';
import { StagedSlots } from './staged-slots.js';

/** Single appends a store holds before it writes them (64 KiB of slots). */
export const DEFAULT_BUFFER_SLOTS = 1024;

export interface RingLogOptions {
  /** All I/O goes through it (`NodeFs` from `@logspec/core/node`, `SimFs` in tests). */
  fs: Fs;
  /**
   * Slots of a new file (1 … 1,048,576). Checked first, even when the file exists, as the
   * original does. Omit it to open only an existing file (ENOENT otherwise).
   */
  capacity?: number | bigint;
  /** Refuse an existing file whose capacity differs from `capacity` (default: the file's wins, as the original). */
  strict?: boolean;
  /** Sync after every `syncEvery` appended records (default 0: only `sync()` and `close()` make records durable). */
  syncEvery?: number;
  /**
   * Single appends held in memory and then written as one batch (default 1024, at most the
   * capacity; 0 or 1: each append is written before it returns). `flush()`, `sync()`, `close()`,
   * `appendMany` and the replays write them first (RING-S-009).
   */
  bufferSlots?: number;
  /** Replay's policy for slots with a foreign magic (default `error`, as the original). */
  foreignSlots?: ForeignSlotPolicy;
  /** Take the single-writer lock `<path>.lock` (default true). */
  lock?: boolean;
}

/** What `open` found and did. */
export interface RingOpenReport extends SlotSurvey {
  /** The file did not exist and was created. */
  created: boolean;
  /** The capacity asked for, when the existing file's (different) capacity was used instead. */
  capacityIgnored: number | undefined;
  /** The cursor as stored (replay and appends use it modulo the capacity). */
  storedCursor: bigint;
  /** Bytes after the last slot (ignored, as by the original). */
  trailingBytes: number;
}

/**
 * A VRRL0001 ring file opened for appending and replay by one writer.
 *
 * Every append writes the slot with magic 0, then the cursor, then the magic: a crash
 * leaves each slot either as it was, empty, committed, or with a torn magic that the next
 * `open` clears (spec/ring.md § Recovery). Records are durable once `sync()` (or a sync due to
 * `syncEvery`, or `close()`) has returned.
 */
export class RingLog {
  readonly path: string;
  readonly capacity: number;
  readonly opened: RingOpenReport;
  private handle: FileHandle | undefined;
  private lock: Lock | undefined;
  private next: number;
  private readonly syncEvery: number;
  private readonly policy: ForeignSlotPolicy;
  private failure: unknown;
  private appendedTotal = 0;
  private syncedTotal = 0;
  private sinceSync = 0;
  /** Appended records not yet written, and the batch being written (RING-W-008, RING-S-009). */
  private readonly stage: StagedSlots;
  /** A write of the held records is queued for when the caller's synchronous run ends. */
  private flushQueued = false;
  /** The replay image, reused. */
  private image: Uint8Array | undefined;
  private skipped: number[] = [];

  private constructor(
    path: string,
    handle: FileHandle,
    lock: Lock | undefined,
    capacity: number,
    next: number,
    opts: RingLogOptions,
    opened: RingOpenReport,
  ) {
    this.path = path;
    this.handle = handle;
    this.lock = lock;
    this.capacity = capacity;
    this.next = next;
    this.syncEvery = opts.syncEvery ?? 0;
    this.stage = new StagedSlots(capacity, Math.max(1, Math.min(opts.bufferSlots ?? DEFAULT_BUFFER_SLOTS, capacity)));
    this.policy = opts.foreignSlots ?? 'error';
    this.opened = opened;
  }

  /**
   * Opens `path`, creating it with `opts.capacity` slots if it does not exist. An existing file
   * is validated (header, length), its torn slot magics are cleared, and its own capacity is
   * used (unless `strict`). Throws typed errors: see spec/ring.md § Error codes.
   */
  static open(path: string, opts: RingLogOptions): RingLog {
    const asked = opts.capacity === undefined ? undefined : checkCapacity(opts.capacity);
    for (const field of ['syncEvery', 'bufferSlots'] as const) {
      const v = opts[field] ?? 0;
      if (!Number.isSafeInteger(v) || v < 0) {
        throw ringError(RingCode.INVALID_VALUE, `${field} must be a non-negative integer`, undefined, {
          field,
          value: String(v),
        });
      }
    }
    const { fs } = opts;
    const lock = opts.lock === false ? undefined : fs.lock(`${path}.lock`);
    let handle: FileHandle | undefined;
    try {
      let created = false;
      if (!fs.exists(path)) {
        if (asked === undefined)
          throw new IoError('open', path, 'ENOENT', `open ${path}: no ring file (pass a capacity to create one)`);
        createRingFile(fs, path, asked);
        created = true;
      }
      handle = fs.open(path, { write: true });
      const size = handle.size();
      const head = new Uint8Array(Math.min(size, HEADER_BYTES));
      readFully(handle, head, 0, head.length, 0);
      const header = decodeHeader(head);
      if (opts.strict && asked !== undefined && asked !== header.capacity) {
        throw ringError(
          RingCode.CAPACITY_MISMATCH,
          `${path} has capacity ${header.capacity}, ${asked} was asked for (strict)`,
          HeaderOffset.capacity,
          { fileCapacity: header.capacity, asked },
        );
      }
      const need = ringFileLength(header.capacity);
      if (size < need) {
        throw ringError(
          RingCode.SHORT_FILE,
          `${path} is ${size} bytes; its capacity ${header.capacity} needs ${need}`,
          size,
          { need, have: size, slot: Math.floor(Math.max(0, size - HEADER_BYTES) / SLOT_BYTES) },
        );
      }
      const survey = surveySlots(handle, header.capacity);
      const opened: RingOpenReport = {
        created,
        capacityIgnored: asked !== undefined && asked !== header.capacity ? asked : undefined,
        storedCursor: header.cursor,
        trailingBytes: size - need,
        ...survey,
      };
      return new RingLog(path, handle, lock, header.capacity, nextSlotOf(header), opts, opened);
    } catch (e) {
      handle?.close();
      lock?.release();
      throw e;
    }
  }

  /** The slot the next append writes (and replay starts from). */
  get cursor(): number {
    return this.next;
  }

  /** Records appended through this handle, and how many of them a completed sync made durable. */
  get stats(): { appended: number; synced: number } {
    return { appended: this.appendedTotal, synced: this.syncedTotal };
  }

  /** Slots the last replay left out for a foreign magic (per `foreignSlots`), in ring order. */
  get lastSkipped(): readonly number[] {
    return this.skipped;
  }

  private live(): FileHandle {
    if (this.failure !== undefined) {
      throw new LogspecError('ring', RingCode.STORE_FAILED, `${this.path}: an earlier write or sync failed; reopen`, {
        cause: this.failure,
      });
    }
    if (!this.handle) throw new LogspecError('ring', CoreCode.CLOSED, `${this.path}: ring log is closed`);
    return this.handle;
  }

  /** Fail-stop: the first I/O failure poisons the store (RING-S-004). */
  private fail(e: unknown): never {
    this.failure = e;
    throw e;
  }

  /**
   * Appends one record at the cursor and advances it. The record is encoded into the store's
   * staging buffer and written with the ones appended before it once `bufferSlots` of them wait
   * (three writes for the run: slots with magic 0, cursor, magics), or earlier by `flush()`.
   */
  append(slot: RingSlotInput): void {
    this.live();
    const at = this.next;
    const full = this.stage.add(slot, at);
    this.next = at + 1 === this.capacity ? 0 : at + 1;
    if (full) this.flush();
    else if (!this.flushQueued) {
      // Held records reach the file when the caller's synchronous run of appends ends (the next
      // microtask), so a process that dies later has written them as the original would have.
      this.flushQueued = true;
      queueMicrotask(this.flushAfterRun);
    }
    this.advance(1);
  }

  /** The queued write: a failure poisons the store (RING-S-004), and the next call throws it. */
  private readonly flushAfterRun = (): void => {
    this.flushQueued = false;
    if (!this.handle || this.failure !== undefined || this.stage.count === 0) return;
    try {
      this.flush();
    } catch {
      // flush() recorded the failure; there is no caller to hand it to here.
    }
  };

  /** Records appended and not yet handed to the file (at most `bufferSlots`). */
  get buffered(): number {
    return this.stage.count;
  }

  /**
   * Writes the records held by `append` to the file (the OS's page cache) without a sync, so that
   * a reader in another process sees them. Durability still needs `sync()`.
   */
  flush(): void {
    const h = this.live();
    if (this.stage.count === 0) return;
    try {
      this.stage.write(h, this.next);
    } catch (e) {
      this.fail(e);
    }
  }

  /**
   * Appends `slots[from, to)` in order, as that many `append` calls would leave the file, with
   * the slot writes made contiguous: at most two writes of the slots with magic 0, one cursor
   * write, then the same (at most two) writes with the magics. More records than the capacity:
   * only the last `capacity` are written, the others would be overwritten anyway. Records held
   * by `append` are written first.
   */
  appendMany(slots: readonly RingSlotInput[], from = 0, to = slots.length): void {
    const n = to - from;
    if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && n >= 0 && from >= 0 && to <= slots.length)) {
      this.live();
      throw ringError(RingCode.INVALID_VALUE, `bad range [${from}, ${to}) of ${slots.length} slots`, undefined, {
        field: 'range',
      });
    }
    this.flush();
    if (n === 0) return;
    const h = this.live();
    const cap = this.capacity;
    const k = Math.min(n, cap);
    const after = (this.next + n) % cap;
    // Records the ring would overwrite within this batch are not written, but still checked.
    for (let i = from; i < to - k; i++) checkSlot(slots[i] as RingSlotInput);
    this.stage.addMany(slots, to - k, to, (this.next + (n - k)) % cap);
    try {
      this.stage.write(h, after);
    } catch (e) {
      this.fail(e);
    }
    this.next = after;
    this.advance(n);
  }

  private advance(n: number): void {
    this.appendedTotal += n;
    this.sinceSync += n;
    if (this.syncEvery > 0 && this.sinceSync >= this.syncEvery) this.sync();
  }

  /** Makes every record appended so far durable (fdatasync: the file's size never changes). */
  sync(): void {
    this.flush();
    const h = this.live();
    try {
      h.fdatasync();
    } catch (e) {
      this.fail(e);
    }
    this.syncedTotal = this.appendedTotal;
    this.sinceSync = 0;
  }

  /** Reads the whole ring in one read into a reused buffer. */
  private read(): { image: Uint8Array; g: RingGeometry } {
    this.flush();
    const h = this.live();
    const len = ringFileLength(this.capacity);
    this.image ??= new Uint8Array(len);
    const got = readFully(h, this.image, 0, len, 0);
    // A file shortened behind our back reads short: replay reports SHORT_FILE.
    return {
      image: got === len ? this.image : this.image.subarray(0, got),
      g: { capacity: this.capacity, nextSlot: this.next },
    };
  }

  /** Reads the ring and checks every slot in ring order. */
  private scan(): { image: Uint8Array; g: RingGeometry; records: number } {
    const { image, g } = this.read();
    const scan = scanRing(image, g, { foreignSlots: this.policy });
    this.skipped = scan.foreignSlots;
    return { image, g, records: scan.records };
  }

  /** The retained records, oldest first (ring order from the cursor), empty slots skipped. */
  replay(): RingSlot[] {
    const { image, g, records } = this.scan();
    return collectRecords(image, g, records);
  }

  /**
   * Replay into columns without a per-record allocation. `into` is reused when it has room; with
   * a row per slot (`createRingColumns(log.capacity)`) the ring is checked and copied in one pass.
   */
  replayColumns(into?: RingColumns): RingColumns {
    const { image, g } = this.read();
    const { columns, foreignSlots } = ringToColumns(image, g, { foreignSlots: this.policy }, into);
    this.skipped = foreignSlots;
    return columns;
  }

  /** Calls `visit` for each record in ring order with one reused view; returns the count. */
  forEachRecord(visit: (slot: SlotView, index: number) => void): number {
    const { image, g } = this.scan();
    return visitRecords(image, g, visit);
  }

  /** Syncs (unless an earlier failure makes that pointless), closes the file and releases the lock. */
  close(): void {
    if (!this.handle) return;
    try {
      if (this.failure === undefined) this.sync();
    } finally {
      this.handle.close();
      this.handle = undefined;
      this.image = undefined;
      this.lock?.release();
      this.lock = undefined;
    }
  }
}
