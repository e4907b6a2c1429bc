import { type Fs, isErrno, joinPath, type Lock, LogspecError } from '@logspec/core';
import { SegCode, segError } from '../codec/errors.js';
import type { Message } from '../codec/message.js';
import { prepareMessage } from '../codec/message-writer.js';
import { LOCK_FILE } from '../codec/names.js';
import type { MessageVisitor } from '../codec/segment-scan.js';
import { type Timestamp, timestampFromMillis } from '../codec/timestamp.js';
import {
  DEFAULT_MAX_SEGMENT_BYTES,
  type Durability,
  type NewMessage,
  type PartitionOptions,
  type PartitionReadOptions,
  type PartitionReadResult,
  type SegmentInfo,
} from './options.js';
import { openSegments, removeOrphanIndexes } from './partition-open.js';
import { readAcross, readOriginalAcross, scanAcross } from './partition-reads.js';
import { Segment } from './segment.js';
import type { RecoveryReport } from './segment-recovery.js';

/**
 * A partition directory (`LogManager`): segments `{base:020}.log/.index[/.timeindex]`, one
 * active. Offsets are assigned here (strictly increasing, never reused after recovery); the
 * roll and batch-split rules are the original's, plus a roll before a relative offset would
 * pass 2^32 − 1.
 */
export class Partition {
  readonly fs: Fs;
  readonly dir: string;
  readonly readOnly: boolean;
  readonly maxSegmentBytes: number;
  readonly durability: Durability;
  /** Recovery report of the active segment at open. */
  readonly recovery: RecoveryReport | undefined;
  /** Recovery reports of every segment recovered at open (the active one; all with `recoverSealed`). */
  readonly recoveries: { baseOffset: bigint; recovery: RecoveryReport }[] = [];
  /** Directory entries ending in `.log` that are not `{base:020}.log` (left alone). */
  readonly ignoredFiles: string[] = [];
  private readonly segs: Segment[];
  private next: bigint;
  private lock: Lock | undefined;
  private readonly opts: PartitionOptions;
  private readonly now: () => Timestamp;
  private closed = false;

  private constructor(fs: Fs, dir: string, opts: PartitionOptions) {
    this.fs = fs;
    this.dir = dir;
    this.opts = opts;
    this.readOnly = opts.readOnly ?? false;
    this.maxSegmentBytes = opts.maxSegmentBytes ?? DEFAULT_MAX_SEGMENT_BYTES;
    this.durability = opts.durability ?? 'explicit';
    this.now = opts.now ?? (() => timestampFromMillis(Date.now()));
    if (!Number.isSafeInteger(this.maxSegmentBytes) || this.maxSegmentBytes < 1) {
      throw segError(SegCode.INVALID_VALUE, 'maxSegmentBytes must be a positive integer');
    }
    const st = fs.stat(dir);
    if (!st) {
      if (this.readOnly || opts.create === false)
        throw segError(SegCode.NOT_FOUND, `partition directory ${dir} does not exist`);
      fs.mkdir(dir, { recursive: true });
    } else if (!st.isDirectory) {
      throw segError(SegCode.NOT_FOUND, `${dir} is not a directory`);
    }
    if (!this.readOnly && (opts.lock ?? true)) this.lock = fs.lock(joinPath(dir, LOCK_FILE));
    try {
      this.segs = openSegments(fs, dir, opts, this.ignoredFiles);
      const active = this.active;
      this.recovery = active.recovery;
      for (const sg of this.segs) {
        if (sg.recovery) this.recoveries.push({ baseOffset: sg.baseOffset, recovery: sg.recovery });
      }
      const last = active.lastOffset();
      this.next = last === null ? active.baseOffset : last + 1n;
      if (!this.readOnly) removeOrphanIndexes(fs, dir, this.segs);
    } catch (e) {
      this.closeAll();
      throw e;
    }
  }

  /** Opens (creating if needed, as `LogManager::new` does) the partition in `dir`. */
  static open(fs: Fs, dir: string, opts: PartitionOptions = {}): Partition {
    return new Partition(fs, dir, opts);
  }

  private get active(): Segment {
    return this.segs[this.segs.length - 1] as Segment;
  }

  private live(): void {
    if (this.closed) throw segError(SegCode.CLOSED, `partition ${this.dir} is closed`);
  }

  private writable(): void {
    this.live();
    if (this.readOnly) throw segError(SegCode.INVALID_VALUE, `partition ${this.dir} was opened read-only`);
  }

  // ---- writing -----------------------------------------------------------------------

  /** The offset the next append gets. */
  nextOffset(): bigint {
    return this.next;
  }

  /** The first segment's base offset (the original's `earliest_offset`). */
  earliestOffset(): bigint {
    return (this.segs[0] as Segment).baseOffset;
  }

  /** `LogManager::recover_next_offset`: the last segment's last offset + 1, or its base. */
  recoverNextOffset(): bigint {
    return this.next;
  }

  /** Flushes the active segment and starts a new one at `offset`. */
  private roll(offset: bigint): void {
    this.active.seal();
    this.segs.push(
      Segment.open(this.fs, this.dir, offset, {
        timeIndex: this.opts.timeIndex ?? true,
        writeBufferBytes: this.opts.writeBufferBytes,
      }),
    );
  }

  /** One object shape for every message (spreads would give each a new hidden class). */
  private withDefaults(m: NewMessage, offset: bigint): Message {
    return {
      offset,
      key: m.key ?? null,
      value: m.value,
      timestamp: m.timestamp ?? this.now(),
      headers: m.headers ?? [],
      producerId: m.producerId ?? null,
      producerEpoch: m.producerEpoch ?? null,
      transactionMarker: m.transactionMarker ?? null,
      isTransactional: m.isTransactional ?? false,
    };
  }

  /** Appends one message at the next offset; returns that offset. */
  append(message: NewMessage): bigint {
    return this.appendBatch([message]);
  }

  /**
   * Appends messages at consecutive offsets; returns the first one's offset. When the batch
   * goes whole into the active segment (the common case) its frames are encoded straight into
   * the segment's write buffer; otherwise it is split and rolled as `appendBatchAt` does.
   */
  appendBatch(messages: readonly NewMessage[]): bigint {
    this.writable();
    const first = this.next;
    const n = messages.length;
    if (n > 0 && this.fitsWhole(messages, first)) {
      this.active.appendMessages(messages, first, this.now);
      this.next = first + BigInt(n);
      if (this.durability === 'every-append') this.active.flush();
      return first;
    }
    let o = first;
    const items = messages.map((m) => {
      const offset = o++;
      return { offset, message: this.withDefaults(m, offset) };
    });
    this.appendBatchAt(items);
    return first;
  }

  /**
   * Whether `appendBatchAt` would put the whole batch at `first`… into the active segment: no
   * roll before it (size, relative offsets) and no split, which by its rule (each message
   * estimated as `value.len() + 100`) happens only when a batch of two or more exceeds the room left.
   */
  private fitsWhole(messages: readonly NewMessage[], first: bigint): boolean {
    const active = this.active;
    if (active.size >= this.maxSegmentBytes || !active.fits(first + BigInt(messages.length - 1))) return false;
    if (messages.length === 1) return true;
    const room = this.maxSegmentBytes - active.size;
    let estimate = 0;
    for (let i = 0; i < messages.length; i++) {
      const v = (messages[i] as NewMessage).value;
      // Invalid values take the general path, which reports them.
      if (!(v instanceof Uint8Array)) return false;
      estimate += v.length + 100;
    }
    return estimate <= room;
  }

  /**
   * `LogManager::append(offset, message)`: roll first when the active segment has reached the
   * maximum size (or, logspec, when the offset would not fit its u32 relative offsets); returns
   * the frame's position. Offsets must be at least `nextOffset()`.
   */
  appendAt(offset: bigint, message: Message): number {
    this.writable();
    this.checkNext(offset);
    const prepared = prepareMessage(message.offset === offset ? message : { ...message, offset });
    if (this.active.size >= this.maxSegmentBytes || !this.active.fits(offset)) this.roll(offset);
    const [pos] = this.active.appendBatch([{ offset, message: prepared.message }]);
    this.next = offset + 1n;
    if (this.durability === 'every-append') this.active.flush();
    return pos as number;
  }

  private checkNext(offset: bigint): void {
    if (offset < this.next) {
      throw segError(
        SegCode.OFFSET_NOT_INCREASING,
        `offset ${offset} is below the next offset ${this.next}`,
        undefined,
        {
          offset: offset.toString(),
          next: this.next.toString(),
        },
      );
    }
  }

  /**
   * `LogManager::append_batch`: splits the batch where the active segment fills up, estimating
   * each message as `value.len() + 100` bytes as the original does (so a segment may end a
   * little past the maximum), and rolls when the active segment has reached it.
   */
  appendBatchAt(items: readonly { offset: bigint; message: Message }[]): number[] {
    this.writable();
    if (items.length === 0) return [];
    let prev = this.next - 1n;
    const prepared = items.map(({ offset, message }) => {
      if (offset <= prev) {
        throw segError(SegCode.OFFSET_NOT_INCREASING, `offset ${offset} is not above ${prev}`, undefined, {
          offset: offset.toString(),
          next: (prev + 1n).toString(),
        });
      }
      prev = offset;
      return prepareMessage(message.offset === offset ? message : { ...message, offset });
    });
    const positions: number[] = [];
    let i = 0;
    while (i < prepared.length) {
      const first = (prepared[i] as (typeof prepared)[number]).message.offset;
      if (this.active.size >= this.maxSegmentBytes || !this.active.fits(first)) this.roll(first);
      const available = Math.max(0, this.maxSegmentBytes - this.active.size);
      let accumulated = 0;
      let j = i;
      while (j < prepared.length) {
        const p = prepared[j] as (typeof prepared)[number];
        if (j > i && !this.active.fits(p.message.offset)) break;
        const est = p.message.value.length + 100;
        if (accumulated + est > available && j > i) break;
        accumulated += est;
        j++;
        if (accumulated > available) break;
      }
      const run = prepared.slice(i, j).map((p) => ({ offset: p.message.offset, message: p.message }));
      for (const pos of this.active.appendBatch(run)) positions.push(pos);
      i = j;
    }
    this.next = prev + 1n;
    if (this.durability === 'every-append') this.active.flush();
    return positions;
  }

  /** Makes every append so far durable (`LogManager::flush`). */
  flush(): void {
    this.writable();
    for (const s of this.segs) if (s.dirty) s.flush();
  }

  // ---- reading -----------------------------------------------------------------------

  /**
   * Reads from `offset` across segments until the budget is used: a reader polling with
   * `nextOffset` sees every message once. (The original's `LogManager::read` stops at the end of
   * the segment holding the offset; `readOriginal` keeps that behaviour.) An offset below the
   * earliest one reads from the earliest.
   */
  read(offset: bigint, opts: PartitionReadOptions = {}): PartitionReadResult {
    this.live();
    return readAcross(this.segs, offset, opts);
  }

  /**
   * Streams every message from `offset` on, across segments, to `visit` (returning `false`
   * stops); nothing is collected, so a whole partition can be scanned in bounded memory.
   * Returns how many messages were visited and where the scan stopped.
   */
  scan(
    offset: bigint,
    visit: MessageVisitor,
    opts: { onCorrupt?: 'error' | 'stop' } = {},
  ): { count: number; stop: PartitionReadResult['stop'] } {
    this.live();
    return scanAcross(this.segs, offset, visit, opts);
  }

  /**
   * `LogManager::read(offset, max_bytes)` exactly: segments from the one whose base ≤ offset,
   * each read with `Segment::read` (nothing for offsets below its base), at most 1000 messages,
   * budget counted as `8 + key + value` bytes.
   */
  readOriginal(offset: bigint, maxBytes = Number.POSITIVE_INFINITY): Message[] {
    this.live();
    return readOriginalAcross(this.segs, offset, maxBytes);
  }

  /**
   * First offset whose `timestamp_millis ≥ targetMs`, oldest segment first (the original's
   * answer). Segments whose maximum is below the target are skipped; inside a segment the time
   * index bounds the scan to one index interval.
   */
  findOffsetForTimestamp(targetMs: number | bigint): bigint | null {
    this.live();
    const target = Number(targetMs);
    for (const seg of this.segs) {
      const max = seg.maxTimestamp();
      if (max === undefined || max < target) continue;
      const r = seg.findOffsetForTimestamp(target);
      if (r !== null) return r;
    }
    return null;
  }

  /** The original's approach (`timestamp_bounds` + linear scan per segment): the benchmark baseline. */
  findOffsetForTimestampLinear(targetMs: number | bigint): bigint | null {
    this.live();
    const target = BigInt(targetMs);
    for (const seg of this.segs) {
      const b = seg.timestampBounds();
      if (!b || b.max < target) continue;
      const r = seg.findOffsetForTimestampLinear(target);
      if (r !== null) return r;
    }
    return null;
  }

  segments(): SegmentInfo[] {
    return this.segs.map((s) => ({ baseOffset: s.baseOffset, size: s.size, path: s.logPath }));
  }

  /** The segment objects (oldest first), for inspection. */
  segmentObjects(): readonly Segment[] {
    return this.segs;
  }

  // ---- retention ---------------------------------------------------------------------

  /**
   * Deletes whole segments, oldest first, never the active one: while the partition is larger
   * than `maxBytes`, and while the oldest segment's newest message is older than `maxAgeMs`
   * before `nowMs`. Returns the base offsets deleted. The log file goes first and the directory
   * is synced, so a crash leaves either the segment or nothing the original would list.
   */
  retain(policy: { maxBytes?: number; maxAgeMs?: number; nowMs?: number }): bigint[] {
    this.writable();
    const deleted: bigint[] = [];
    const total = () => this.segs.reduce((n, s) => n + s.size, 0);
    const nowMs = policy.nowMs ?? Date.now();
    while (this.segs.length > 1) {
      const oldest = this.segs[0] as Segment;
      const overSize = policy.maxBytes !== undefined && total() > policy.maxBytes;
      const max = policy.maxAgeMs !== undefined ? oldest.maxTimestamp() : undefined;
      const expired = policy.maxAgeMs !== undefined && (max === undefined || max < nowMs - policy.maxAgeMs);
      if (!overSize && !expired) break;
      oldest.deleteFiles();
      this.segs.shift();
      deleted.push(oldest.baseOffset);
    }
    if (deleted.length > 0) this.fs.fsyncDir(this.dir);
    return deleted;
  }

  // ---- lifecycle ---------------------------------------------------------------------

  private closeAll(): void {
    for (const s of this.segs ?? []) {
      try {
        s.abandon();
      } catch {
        // closing what we can
      }
    }
    this.lock?.release();
    this.lock = undefined;
  }

  /** Closes as the original's `LogManager` is dropped (see `Segment.dropLikeOriginal`). */
  dropLikeOriginal(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.segs) s.dropLikeOriginal();
    this.lock?.release();
    this.lock = undefined;
  }

  /** Flushes and closes every segment, then releases the lock. */
  close(): void {
    if (this.closed) return;
    try {
      if (!this.readOnly) this.flush();
      for (const s of this.segs) s.close();
    } finally {
      this.closed = true;
      this.lock?.release();
      this.lock = undefined;
    }
  }
}

/** True when `e` is the "partition/segment missing" error. */
export function isNotFound(e: unknown): boolean {
  return (e instanceof LogspecError && e.code === SegCode.NOT_FOUND) || isErrno(e, 'ENOENT');
}
