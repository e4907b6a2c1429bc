import {
  CoreCode,
  dirname,
  type FileHandle,
  type Fs,
  isErrno,
  joinPath,
  type Lock,
  LogspecError,
  readFully,
  writeFully,
} from '@logspec/core';
import { FrameBatch } from '../framing/batch.js';
import { hotLayout } from '../framing/layout.js';
import { HotCode, hotframeError } from './codes.js';
import { type HotStop, scanHotLogFile } from './frames.js';
import { checkHotHeader, HOT_HEADER, HOT_HEADER_LEN } from './header.js';
import { findWitness } from './recovery.js';

/**
 * When appended frames are made durable (`fdatasync`):
 * - `always`: before every `append`/`appendBatch` returns;
 * - `batched` (the original's policy): once ≥ 4096 bytes or ≥ 128 frames are unsynced, and on
 *   `sync()`/`close()`; `{ syncEveryBytes, syncEveryFrames }` sets other thresholds;
 * - `manual`: only on `sync()`/`close()`.
 * `durableEnd` always says how much is durable.
 */
export type Durability = 'always' | 'batched' | 'manual' | { syncEveryBytes?: number; syncEveryFrames?: number };

export interface HotFrameLogOptions {
  durability?: Durability;
  /** Take the single-writer lock `hot/log.bin.lock` (default true). */
  lock?: boolean;
  /**
   * What to do when the frames stop before the file's end. `tail` (default): cut a torn tail
   * (HOT-S-004), refuse with `HOT_CORRUPT_BEFORE_TAIL` when valid frames follow the bad one.
   * `truncate`: cut at the first bad frame regardless (loses what follows it).
   */
  repair?: 'tail' | 'truncate';
  /**
   * Also cut a trailing run of empty frames (all-zero bytes, as a file system's zero-fill after
   * a crash looks). Right for the event log, where no valid record is empty (default false).
   */
  cutZeroTail?: boolean;
  /** Called for every valid frame met by the recovery scan on open (payload in a reused buffer). */
  onFrame?: (bytes: Uint8Array, payloadStart: number, payloadEnd: number, frameOffset: number) => void;
  /** Read size of the recovery scan (default 1 MiB). */
  chunkSize?: number;
}

/** What opening did to the file. */
export interface OpenReport {
  /** `hot/log.bin` did not exist and was created with its header. */
  created: boolean;
  /** An empty file or a torn header (1–11 bytes of it) got its header (re)written. */
  headerRepaired: boolean;
  /** How the recovery scan ended (before any truncation). */
  stop: HotStop;
  /** Where the file was cut, or null. */
  truncatedAt: number | null;
  /** Bytes removed by that cut. */
  truncatedBytes: number;
}

const DEFAULT_SYNC_BYTES = 4096;
const DEFAULT_SYNC_FRAMES = 128;

export function hotLogPath(root: string): string {
  return joinPath(root, 'hot', 'log.bin');
}

/**
 * Writer of `<root>/hot/log.bin` at the frame level (payloads are opaque bytes): creates or
 * checks the header, recovers the tail, appends frames under a durability policy. One writer
 * per file: it holds `hot/log.bin.lock` while open.
 */
export class HotFrameLog {
  readonly fs: Fs;
  readonly root: string;
  readonly path: string;
  readonly report: OpenReport;
  private handle: FileHandle | undefined;
  private lockHandle: Lock | undefined;
  private endPos: number;
  private durablePos: number;
  private unsyncedFrames = 0;
  private readonly syncBytes: number;
  private readonly syncFrames: number;
  /** One append's frames, each checksummed in place (a CRC arena), written with one write. */
  private readonly batch = new FrameBatch(hotLayout);
  private failed: unknown;

  private constructor(
    fs: Fs,
    root: string,
    handle: FileHandle,
    lock: Lock | undefined,
    report: OpenReport,
    end: number,
    opts: HotFrameLogOptions,
  ) {
    this.fs = fs;
    this.root = root;
    this.path = handle.path;
    this.handle = handle;
    this.lockHandle = lock;
    this.report = report;
    this.endPos = end;
    this.durablePos = end;
    const d = opts.durability ?? 'batched';
    if (d === 'always') {
      this.syncBytes = 0;
      this.syncFrames = 0;
    } else if (d === 'manual') {
      this.syncBytes = Number.POSITIVE_INFINITY;
      this.syncFrames = Number.POSITIVE_INFINITY;
    } else if (d === 'batched') {
      this.syncBytes = DEFAULT_SYNC_BYTES;
      this.syncFrames = DEFAULT_SYNC_FRAMES;
    } else {
      this.syncBytes = d.syncEveryBytes ?? Number.POSITIVE_INFINITY;
      this.syncFrames = d.syncEveryFrames ?? Number.POSITIVE_INFINITY;
    }
  }

  /** Opens (creating if needed) `<root>/hot/log.bin` for appending. */
  static open(fs: Fs, root: string, opts: HotFrameLogOptions = {}): HotFrameLog {
    const hotDir = joinPath(root, 'hot');
    ensureDir(fs, hotDir);
    const lock = opts.lock === false ? undefined : fs.lock(joinPath(hotDir, 'log.bin.lock'));
    let handle: FileHandle | undefined;
    try {
      const path = joinPath(hotDir, 'log.bin');
      const created = !fs.exists(path);
      // A new log appears whole: header written and synced under a temporary name, then renamed
      // (and the rename made durable), so a crash leaves no file or a file with its header.
      if (created) createWithHeader(fs, hotDir, path);
      handle = fs.open(path, { write: true });
      let headerRepaired = false;
      const size = handle.size();
      const head = new Uint8Array(HOT_HEADER_LEN);
      readFully(handle, head, 0, Math.min(size, HOT_HEADER_LEN), 0);
      const hc = checkHotHeader(head, size);
      if (hc.state !== 'valid') {
        // Empty, or a header cut by a crash of another writer (the original writes it in place).
        if (hc.state === 'torn') handle.truncate(0);
        writeFully(handle, HOT_HEADER, 0);
        handle.fdatasync();
        headerRepaired = true;
      }
      const report = recover(handle, opts);
      report.created = created;
      report.headerRepaired = headerRepaired;
      const end = report.truncatedAt ?? handle.size();
      return new HotFrameLog(fs, root, handle, lock, report, end, opts);
    } catch (e) {
      handle?.close();
      lock?.release();
      throw e;
    }
  }

  /** File offset where the next frame goes (the file's logical end). */
  get end(): number {
    return this.endPos;
  }

  /** Every frame ending at or before this offset is durable. */
  get durableEnd(): number {
    return this.durablePos;
  }

  get closed(): boolean {
    return this.handle === undefined;
  }

  /** Appends one frame; returns its offset (the position of its length field). */
  append(payload: Uint8Array): number {
    return this.appendFrames([payload])[0] as number;
  }

  /** Appends frames with one write (and at most one sync); returns their offsets. */
  appendFrames(payloads: readonly Uint8Array[]): number[] {
    for (const p of payloads) {
      if (p.length > 0xffffffff) {
        throw hotframeError(HotCode.FRAME_TOO_LARGE, 'payload longer than a u32 length', undefined, {
          length: p.length,
        });
      }
    }
    this.live();
    const batch = this.batch;
    batch.clear();
    const offsets: number[] = [];
    for (const p of payloads) offsets.push(this.endPos + batch.add(p));
    this.commit(batch.bytes, batch.length, payloads.length);
    return offsets;
  }

  /**
   * Appends frames whose payloads `fill` writes straight into the write buffer: `fill(out, at)`
   * writes one payload at `out[at…]` (at most `maxPayload` bytes) and returns its end. For
   * encoders that can write in place (the event log's archives).
   */
  appendEncoded<T>(
    items: readonly T[],
    maxPayload: (item: T) => number,
    fill: (item: T, out: Uint8Array, at: number) => number,
  ): number[] {
    this.live();
    const batch = this.batch;
    batch.clear();
    const offsets: number[] = [];
    for (const it of items) {
      offsets.push(this.endPos + batch.length);
      const ps = batch.reserve(maxPayload(it));
      const end = fill(it, batch.buffer, ps);
      if (end - ps > 0xffffffff) throw hotframeError(HotCode.FRAME_TOO_LARGE, 'payload longer than a u32 length');
      batch.seal(end);
    }
    this.commit(batch.bytes, batch.length, items.length);
    return offsets;
  }

  private commit(buf: Uint8Array, n: number, frames: number): void {
    const h = this.live();
    const start = this.endPos;
    try {
      writeFully(h, buf, start, 0, n);
    } catch (e) {
      // A failed write may leave part of a frame: cut it so the next append starts clean.
      try {
        h.truncate(start);
      } catch (e2) {
        this.failed = e2;
      }
      throw e;
    }
    this.endPos = start + n;
    this.unsyncedFrames += frames;
    if (this.endPos - this.durablePos >= this.syncBytes || this.unsyncedFrames >= this.syncFrames) this.sync();
  }

  /** Makes every appended frame durable. */
  sync(): void {
    const h = this.live();
    if (this.durablePos === this.endPos && this.unsyncedFrames === 0) return;
    try {
      h.fdatasync();
    } catch (e) {
      // After a failed fsync the kernel may have dropped the dirty pages: what was written since
      // the last good sync is in doubt, so this writer stops (reopen to recover).
      this.failed = e;
      throw e;
    }
    this.durablePos = this.endPos;
    this.unsyncedFrames = 0;
  }

  /** Syncs, closes the file and releases the lock. */
  close(): void {
    if (!this.handle) return;
    try {
      if (this.failed === undefined) this.sync();
    } finally {
      this.handle.close();
      this.handle = undefined;
      this.lockHandle?.release();
      this.lockHandle = undefined;
    }
  }

  private live(): FileHandle {
    if (!this.handle) throw new LogspecError('hotframe', CoreCode.CLOSED, `hot log closed: ${this.path}`);
    if (this.failed !== undefined) {
      throw new LogspecError('hotframe', CoreCode.IO, `hot log unusable after a failed write: ${this.path}`, {
        cause: this.failed,
      });
    }
    return this.handle;
  }
}

function createWithHeader(fs: Fs, hotDir: string, path: string): void {
  const tmp = `${path}.tmp`;
  const h = fs.open(tmp, { create: true, truncate: true, write: true });
  try {
    writeFully(h, HOT_HEADER, 0);
    h.fdatasync();
  } finally {
    h.close();
  }
  fs.rename(tmp, path);
  fs.fsyncDir(hotDir);
}

function ensureDir(fs: Fs, dir: string): void {
  if (fs.stat(dir)?.isDirectory) return;
  // Create missing ancestors one by one so each new entry is fsynced in its parent.
  const parts = dir.split('/');
  const missing: string[] = [];
  for (let i = parts.length; i > 0; i--) {
    const p = parts.slice(0, i).join('/') || '/';
    if (fs.stat(p)?.isDirectory) break;
    missing.unshift(p);
  }
  for (const p of missing) {
    try {
      fs.mkdir(p);
    } catch (e) {
      if (!isErrno(e, 'EEXIST')) throw e;
    }
    fs.fsyncDir(dirname(p));
  }
}

/** The recovery scan of an open writer (HOT-S-003…006). */
function recover(handle: FileHandle, opts: HotFrameLogOptions): OpenReport {
  const size = handle.size();
  const report: OpenReport = {
    created: false,
    headerRepaired: false,
    stop: { reason: 'eof', at: size },
    truncatedAt: null,
    truncatedBytes: 0,
  };
  if (size <= HOT_HEADER_LEN) {
    report.stop = { reason: 'header_only', at: size };
    return report;
  }
  /** Start of the current trailing run of empty frames, if any. */
  let zeroRun = -1;
  const onFrame = opts.onFrame;
  const stop = scanHotLogFile(
    handle,
    (ps, pe, offset, bytes) => {
      // A valid empty frame is eight zero bytes (CRC-32 of nothing is 0).
      if (pe > ps) zeroRun = -1;
      else if (zeroRun < 0) zeroRun = offset;
      onFrame?.(bytes, ps, pe, offset);
    },
    { chunkSize: opts.chunkSize },
  );
  report.stop = stop;
  let cut = stop.reason === 'eof' ? -1 : stop.at;
  if (cut >= 0 && (opts.repair ?? 'tail') === 'tail') {
    const w = findWitness(handle, cut, size);
    if (w !== undefined) {
      throw hotframeError(
        HotCode.CORRUPT_BEFORE_TAIL,
        `bad frame (${stop.reason}) followed by valid frames; refusing to cut durable records`,
        cut,
        { reason: stop.reason, witness: w === 'budget' ? null : w },
      );
    }
  }
  if (opts.cutZeroTail && zeroRun >= 0) cut = zeroRun;
  if (cut >= 0) {
    handle.truncate(cut);
    handle.fdatasync();
    report.truncatedAt = cut;
    report.truncatedBytes = size - cut;
  }
  return report;
}
