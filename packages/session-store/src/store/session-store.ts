import { dirname, type FileHandle, type Fs, joinPath, type Lock, writeFully } from '@logspec/core';
import { isRecoverableIndexError, piCategory, SessCode, SessionError, sessionError } from '../errors.js';
import { chainHashStep, crc32cUpper, EMPTY_CRC32C, GENESIS_CHAIN_HASH } from '../hash.js';
import { MAX_LINE_BYTES } from '../lines.js';
import { type PayloadInput, preparePayload } from '../payload.js';
import {
  CHECKPOINT_SCHEMA,
  type Checkpoint,
  decodeFrameHead,
  encodeCheckpoint,
  encodeFrameLine,
  encodeIndexRowText,
  encodeManifest,
  encodeMigrationEvent,
  frameFromHead,
  type IndexRow,
  type IndexSummary,
  MANIFEST_SCHEMA,
  type Manifest,
  MIGRATION_EVENT_SCHEMA,
  type MigrationEvent,
  type MigrationVerification,
  manifestHash,
  OFFSET_INDEX_SCHEMA,
  SEGMENT_FRAME_SCHEMA,
  type SegmentFrame,
  type StoreHead,
} from '../schema.js';
import { checkedAddU64, pad16, saturatingSubU64, type U64 } from '../u64.js';
import { SessWarning } from '../warnings.js';
import type { Durability, RecoveryMode, RecoveryWarning, StoreContext, WarningPlace } from './context.js';
import {
  frameEnd,
  listCheckpointSeqs,
  readCheckpointFile,
  readIndexFile,
  readJsonl,
  readManifestFile,
  readMigrationEventsFile,
  SegmentFileReader,
} from './disk.js';
import {
  appendToFile,
  closeQuietly,
  FILE_MODE,
  mkdirp,
  pathExists,
  readExact,
  truncateFileTo,
  writeFileAtomic,
  writeSyncedFile,
} from './fs-ops.js';
import {
  type BootState,
  bootstrapOriginal,
  emptyBootState,
  type IntegrityProblem,
  integrityProblems,
  segmentsExistWithData,
  validateIntegrityOriginal,
} from './integrity.js';
import { Layout } from './layout.js';
import { OverlayFs } from './overlay-fs.js';
import { type QuarantineRecord, quarantineTail, withQuarantineSink } from './quarantine.js';
import { listSegmentFiles, rebuildIndexOriginal } from './rebuild.js';
import { readIndexFast, scanStore } from './scan.js';

export interface SessionStoreOptions {
  /** Rotate to a new segment when a line would take the current one past this (the app uses 64 MiB). */
  maxSegmentBytes?: number;
  /** `entry` (default): each append is on disk before it returns. `none`: the original (no fsync). */
  durability?: Durability;
  /** `quarantine` (default): recovery copies bytes it cuts into `quarantine/` first. `original`: as pi. */
  recovery?: RecoveryMode;
  /** logspec writer check (default true): refuse duplicate ids and unknown parents, which the original accepts and then cannot reopen. */
  checkLinks?: boolean;
  /** Take the single-writer lock `<root>/LOCK` (default true). */
  lock?: boolean;
  /** The clock (RFC 3339, milliseconds, `Z`); default `new Date().toISOString()`. */
  now?: () => string;
  /** How the root is named in messages and in the ledger's `targetPath` (default: `root`). */
  rootLabel?: string;
  /** The JSONL line limit (default the original's 100 MiB). */
  lineLimit?: number;
  /** Called for each recovery warning (also kept in `warnings`). */
  onWarning?: (w: RecoveryWarning) => void;
  /**
   * logspec: open without changing anything (default false). No lock is taken and the files
   * are only ever opened for reading; recovery runs against an in-memory copy-on-write view,
   * so the store shows exactly the state a writable open would leave, `warnings` and
   * `quarantined` list what that open would do, and every mutating method throws
   * `SESS_READ_ONLY`. `lock` and `durability` are ignored.
   */
  readOnly?: boolean;
}

/** Where a recoverable error that triggers a rebuild points (its file, as displayed, and offset). */
function errorPlace(e: SessionError, layout: Layout): WarningPlace {
  const d = e.details;
  const file =
    typeof d.segment === 'string' ? d.segment : typeof d.path === 'string' ? layout.display(d.path) : undefined;
  return { file, offset: e.offset };
}

const DEFAULT_MAX_SEGMENT_BYTES = 64 * 1024 * 1024;
const READ_HANDLES = 8;

interface SegmentHandle {
  h: FileHandle;
  size: number;
}

/**
 * pi's `SessionStoreV2`, byte-compatible, with logspec's in-memory index, durability policy,
 * quarantine-not-delete recovery and single-writer lock. `open` is the original's `create`
 * (it creates or opens, and repairs what it can).
 */
export class SessionStore {
  readonly layout: Layout;
  /** Recovery warnings logged by `open` (and by `rebuildIndex`), the original's texts. */
  readonly warnings: RecoveryWarning[] = [];
  /** logspec: bytes recovery set aside instead of deleting. */
  readonly quarantined: QuarantineRecord[] = [];

  /**
   * The file system the store goes through. For a read-only store this is the in-memory
   * view over the Fs given to `open`: it shows the files as the writable open would leave
   * them (e.g. `listFilesRecursive(store.fs, store.layout.root)`), and writes nothing.
   */
  readonly fs: Fs;
  /** logspec: opened with `readOnly` (see `SessionStoreOptions.readOnly`). */
  readonly readOnly: boolean;

  private readonly ctx: StoreContext;
  private readonly now: () => string;
  private readonly checkLinks: boolean;
  private lockHandle: Lock | undefined;
  private closed = false;
  private poisoned: string | undefined;

  // The original's fields.
  private nextSegmentSeq: U64 = 1;
  private nextFrameSeq: U64 = 1;
  private nextEntrySeq: U64 = 1;
  private currentSegmentBytes = 0;
  private chain = GENESIS_CHAIN_HASH;
  private total: U64 = 0;
  private lastEntryId: string | undefined;
  private lastCrc = EMPTY_CRC32C;

  // logspec's in-memory index.
  private rows: IndexRow[] = [];
  private byId = new Map<string, number>();
  private duplicateId: string | undefined;

  // Open files.
  private segWriter: FileHandle | undefined;
  private segWriterSeq: U64 | undefined;
  private indexWriter: FileHandle | undefined;
  private indexSize = 0;
  private unsynced = false;
  private readers = new Map<U64, SegmentHandle>();

  private constructor(fs: Fs, root: string, opts: SessionStoreOptions) {
    this.readOnly = opts.readOnly ?? false;
    if (this.readOnly) fs = new OverlayFs(fs);
    this.fs = fs;
    this.layout = new Layout(root, opts.rootLabel ?? root);
    this.now = opts.now ?? (() => new Date().toISOString());
    this.checkLinks = opts.checkLinks ?? true;
    const onWarning = opts.onWarning;
    const warnings = this.warnings;
    this.ctx = {
      fs,
      layout: this.layout,
      maxSegmentBytes: opts.maxSegmentBytes ?? DEFAULT_MAX_SEGMENT_BYTES,
      lineLimit: opts.lineLimit ?? MAX_LINE_BYTES,
      durability: opts.durability ?? 'entry',
      recovery: opts.recovery ?? 'quarantine',
      warn(code, message, details = {}, where = {}) {
        const w: RecoveryWarning = { code, message, details };
        if (where.file !== undefined) w.file = where.file;
        if (where.offset !== undefined) w.offset = where.offset;
        warnings.push(w);
        onWarning?.(w);
      },
    };
  }

  /**
   * Opens (creating if needed) the store at `root`: the original's `SessionStoreV2::create`
   * — directories, bootstrap, recovery of recoverable damage, full integrity validation.
   */
  static open(fs: Fs, root: string, opts: SessionStoreOptions = {}): SessionStore {
    const max = opts.maxSegmentBytes ?? DEFAULT_MAX_SEGMENT_BYTES;
    if (!(Number.isSafeInteger(max) && max > 0)) {
      throw new SessionError(SessCode.INVALID_MAX_SEGMENT_BYTES, 'validation', 'max_segment_bytes must be > 0');
    }
    const store = new SessionStore(fs, root, opts);
    try {
      store.create(opts.lock ?? true);
    } catch (e) {
      store.releaseAll();
      throw e;
    }
    return store;
  }

  /**
   * logspec: `open(fs, root, { ...opts, readOnly: true })` — the state a writable open would
   * reach, with nothing written, created, renamed, truncated or deleted, and no lock taken.
   */
  static openReadOnly(fs: Fs, root: string, opts: Omit<SessionStoreOptions, 'readOnly'> = {}): SessionStore {
    return SessionStore.open(fs, root, { ...opts, readOnly: true });
  }

  private create(lock: boolean): void {
    const { fs, layout } = this.ctx;
    let created = false;
    for (const d of [layout.segments, layout.indexDir, layout.checkpoints, layout.migrations, layout.tmp]) {
      created = mkdirp(fs, d) || created;
    }
    if (created && this.ctx.durability === 'entry') {
      fs.fsyncDir(layout.root);
      const parent = dirname(layout.root);
      if (parent !== layout.root) fs.fsyncDir(parent);
    }
    if (lock && !this.readOnly) this.lockHandle = fs.lock(layout.lock);
    withQuarantineSink(
      (r) => this.quarantined.push(r),
      () => this.load(),
    );
  }

  /** Fast path when the store is sound; otherwise the original's create() sequence. */
  private load(): void {
    let rows = readIndexFast(this.ctx);
    if (!rows) {
      try {
        rows = readIndexFile(this.ctx.fs, this.layout, this.ctx.lineLimit);
      } catch {
        rows = undefined;
      }
    }
    if (rows) {
      if (rows.length === 0) {
        if (!segmentsExistWithData(this.ctx, listSegmentFiles(this.ctx))) {
          this.adopt(emptyBootState());
          return;
        }
      } else {
        const scan = scanStore(this.ctx, rows);
        if (scan) {
          const last = rows[rows.length - 1] as IndexRow;
          this.adopt({
            rows,
            nextSegmentSeq: last.segmentSeq,
            nextFrameSeq: (last.frameSeq as number) + 1,
            nextEntrySeq: (last.entrySeq as number) + 1,
            currentSegmentBytes: (last.byteOffset as number) + (last.byteLength as number),
            chainHash: scan.chainHash,
            totalBytes: scan.totalBytes,
            lastEntryId: last.entryId,
            lastCrc32c: last.crc32c,
            byId: scan.byId,
          });
          return;
        }
      }
    }
    this.createOriginal();
  }

  /** The original's `create()` after the directories, step by step. */
  private createOriginal(): void {
    const ctx = this.ctx;
    let boot: BootState;
    try {
      boot = bootstrapOriginal(ctx);
    } catch (e) {
      if (!isRecoverableIndexError(e)) throw e;
      ctx.warn(
        SessWarning.BOOTSTRAP_REBUILD,
        'SessionStoreV2 bootstrap failed with recoverable index error; attempting index rebuild',
        { error: (e as SessionError).piMessage, errorCode: (e as SessionError).code },
        errorPlace(e as SessionError, this.layout),
      );
      boot = this.rebuildAndBoot();
    }
    // entry_count() is the last row's entrySeq, which a hand-made index can make 0.
    if (saturatingSubU64(boot.nextEntrySeq, 1) === 0 && segmentsExistWithData(ctx, listSegmentFiles(ctx))) {
      ctx.warn(
        SessWarning.EMPTY_INDEX_REBUILD,
        'SessionStoreV2 detected segment data with empty index; rebuilding index',
        {},
        { file: this.layout.display(this.layout.index) },
      );
      boot = this.rebuildAndBoot();
    }
    try {
      validateIntegrityOriginal(ctx);
    } catch (e) {
      if (!isRecoverableIndexError(e)) throw e;
      ctx.warn(
        SessWarning.INTEGRITY_REBUILD,
        'SessionStoreV2 integrity validation failed with recoverable error; rebuilding index',
        { error: (e as SessionError).piMessage, errorCode: (e as SessionError).code },
        errorPlace(e as SessionError, this.layout),
      );
      boot = this.rebuildAndBoot();
      validateIntegrityOriginal(ctx);
    }
    this.adopt(boot);
  }

  /** `rebuild_index()` (which bootstraps) followed by create()'s own `bootstrap_from_disk()`. */
  private rebuildAndBoot(): BootState {
    rebuildIndexOriginal(this.ctx);
    bootstrapOriginal(this.ctx);
    return bootstrapOriginal(this.ctx);
  }

  private adopt(b: BootState): void {
    this.closeFiles();
    this.nextSegmentSeq = b.nextSegmentSeq;
    this.nextFrameSeq = b.nextFrameSeq;
    this.nextEntrySeq = b.nextEntrySeq;
    this.currentSegmentBytes = b.currentSegmentBytes;
    this.chain = b.chainHash;
    this.total = b.totalBytes;
    this.lastEntryId = b.lastEntryId;
    this.lastCrc = b.lastCrc32c;
    this.rows = b.rows;
    this.duplicateId = undefined;
    if (b.byId) {
      this.byId = b.byId;
    } else {
      this.byId = new Map();
      for (let i = 0; i < b.rows.length; i++) {
        const row = b.rows[i] as IndexRow;
        if (this.byId.has(row.entryId)) this.duplicateId ??= row.entryId;
        else this.byId.set(row.entryId, i);
      }
    }
    this.indexSize = this.ctx.fs.stat(this.layout.index)?.size ?? 0;
  }

  // ---- lifecycle ---------------------------------------------------------------------

  private live(): void {
    if (this.closed) throw sessionError(SessCode.CLOSED, 'session store is closed');
  }

  private writable(): void {
    this.live();
    if (this.readOnly) throw sessionError(SessCode.READ_ONLY, 'session store is open read-only');
    if (this.poisoned) throw sessionError(SessCode.CLOSED, `session store must be reopened: ${this.poisoned}`);
  }

  /** Makes every append so far durable (what `durability: 'entry'` does after each one). */
  sync(): void {
    this.live();
    if (!this.unsynced) return;
    this.segWriter?.fdatasync();
    this.indexWriter?.fdatasync();
    this.unsynced = false;
  }

  /** Syncs, closes files and releases the lock. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    try {
      if (!this.poisoned) this.sync();
    } finally {
      this.releaseAll();
    }
  }

  private releaseAll(): void {
    this.closed = true;
    this.closeFiles();
    try {
      this.lockHandle?.release();
    } finally {
      this.lockHandle = undefined;
    }
  }

  private closeFiles(): void {
    closeQuietly(this.segWriter);
    closeQuietly(this.indexWriter);
    this.segWriter = undefined;
    this.segWriterSeq = undefined;
    this.indexWriter = undefined;
    for (const r of this.readers.values()) closeQuietly(r.h);
    this.readers.clear();
  }

  // ---- append ------------------------------------------------------------------------

  /**
   * `append_entry`: writes one frame line (rotating segments as the original) and its index
   * row; returns the row. `payload` is raw JSON (`RawJson` or bytes, kept byte for byte) or
   * a value serialized as serde_json would.
   */
  appendEntry(
    entryId: string,
    parentEntryId: string | undefined | null,
    entryType: string,
    payload: PayloadInput,
  ): IndexRow {
    this.writable();
    const parent = parentEntryId ?? undefined;
    if (this.checkLinks) {
      if (this.byId.has(entryId)) {
        throw sessionError(SessCode.DUPLICATE_ID, `entry_id already in the store: ${entryId}`, {
          details: { entryId },
        });
      }
      if (parent !== undefined && !this.byId.has(parent)) {
        throw sessionError(
          SessCode.MISSING_PARENT,
          `parent entry is not in the store: entry_id=${entryId} parent_id=${parent}`,
          {
            details: { entryId, parentId: parent },
          },
        );
      }
    }
    const body = preparePayload(payload);
    const entrySeq = this.nextEntrySeq;
    const nextEntry = checkedAddU64(entrySeq, 1);
    if (nextEntry === undefined) throw sessionError(SessCode.SEQ_OVERFLOW, 'entry sequence overflow');
    let segmentSeq = this.nextSegmentSeq;
    let frameSeq = this.nextFrameSeq;
    let enc = encodeFrameLine(
      {
        schema: SEGMENT_FRAME_SCHEMA,
        segmentSeq,
        frameSeq,
        entrySeq,
        entryId,
        parentEntryId: parent,
        entryType,
        timestamp: this.now(),
      },
      body,
    );
    let currentBytes = this.currentSegmentBytes;
    if (currentBytes > 0 && currentBytes + enc.line.length > this.ctx.maxSegmentBytes) {
      const next = checkedAddU64(segmentSeq, 1);
      if (next === undefined) throw sessionError(SessCode.SEQ_OVERFLOW, 'segment sequence overflow');
      segmentSeq = next;
      frameSeq = 1;
      currentBytes = 0;
      enc = encodeFrameLine(
        {
          schema: SEGMENT_FRAME_SCHEMA,
          segmentSeq,
          frameSeq,
          entrySeq,
          entryId,
          parentEntryId: parent,
          entryType,
          timestamp: this.now(),
        },
        body,
      );
    }
    const nextFrame = checkedAddU64(frameSeq, 1);
    if (nextFrame === undefined) throw sessionError(SessCode.SEQ_OVERFLOW, 'frame sequence overflow');
    const line = enc.line;
    const durable = this.ctx.durability === 'entry';
    const seg = this.segmentWriter(segmentSeq, frameSeq === 1);
    // The original seeks to the end; the tracked length is that end (bootstrap trimmed it).
    const byteOffset = currentBytes;
    try {
      writeFully(seg, line, byteOffset);
      if (durable) seg.fdatasync();
    } catch (e) {
      this.undoSegment(seg, byteOffset);
      throw e;
    }
    const crc = crc32cUpper(line);
    const row: IndexRow = {
      schema: OFFSET_INDEX_SCHEMA,
      entrySeq,
      entryId,
      segmentSeq,
      frameSeq,
      byteOffset,
      byteLength: line.length,
      crc32c: crc,
      state: 'active',
    };
    const rowBytes = new TextEncoder().encode(encodeIndexRowText(row));
    const idx = this.indexAppender();
    const at = this.indexSize;
    try {
      writeFully(idx, rowBytes, at);
      if (durable) idx.fdatasync();
    } catch (e) {
      try {
        idx.truncate(at);
      } catch {
        // The write error is the one to report.
      }
      this.undoSegment(seg, byteOffset);
      throw e;
    }
    this.indexSize = at + rowBytes.length;
    this.unsynced = !durable;
    this.nextSegmentSeq = segmentSeq;
    this.nextFrameSeq = nextFrame;
    this.nextEntrySeq = nextEntry;
    this.currentSegmentBytes = currentBytes + line.length;
    this.chain = chainHashStep(this.chain, enc.payloadSha256);
    this.total = (checkedAddU64(this.total, line.length) ?? this.total) as U64;
    this.lastEntryId = entryId;
    this.lastCrc = crc;
    const cached = this.readers.get(segmentSeq);
    if (cached) cached.size = this.currentSegmentBytes;
    if (this.byId.has(entryId)) this.duplicateId ??= entryId;
    else this.byId.set(entryId, this.rows.length);
    this.rows.push(row);
    return { ...row };
  }

  private undoSegment(seg: FileHandle, length: number): void {
    try {
      seg.truncate(length);
    } catch {
      // The write error is the one to report.
    }
  }

  /** The active segment's handle; a new segment is created (truncating, as the original). */
  private segmentWriter(seq: U64, isNew: boolean): FileHandle {
    if (!isNew && this.segWriter && this.segWriterSeq === seq) return this.segWriter;
    closeQuietly(this.segWriter);
    this.segWriter = undefined;
    const { fs } = this.ctx;
    const path = this.layout.segment(seq);
    const existed = pathExists(fs, path);
    if (isNew && existed && this.ctx.recovery === 'quarantine') {
      withQuarantineSink(
        (r) => this.quarantined.push(r),
        () => quarantineTail(this.ctx, path, 0),
      );
    }
    const h = fs.open(path, { create: true, write: true, truncate: isNew, mode: FILE_MODE });
    if (!existed && this.ctx.durability === 'entry') fs.fsyncDir(this.layout.segments);
    const reader = this.readers.get(seq);
    if (reader) {
      closeQuietly(reader.h);
      this.readers.delete(seq);
    }
    this.segWriter = h;
    this.segWriterSeq = seq;
    return h;
  }

  private indexAppender(): FileHandle {
    if (this.indexWriter) return this.indexWriter;
    const { fs } = this.ctx;
    const existed = pathExists(fs, this.layout.index);
    const h = fs.open(this.layout.index, { create: true, write: true, mode: FILE_MODE });
    if (!existed && this.ctx.durability === 'entry') fs.fsyncDir(this.layout.indexDir);
    this.indexSize = h.size();
    this.indexWriter = h;
    return h;
  }

  // ---- reads -------------------------------------------------------------------------

  private segmentHandle(seq: U64): SegmentHandle | undefined {
    if (this.segWriter && this.segWriterSeq === seq) return { h: this.segWriter, size: this.currentSegmentBytes };
    const hit = this.readers.get(seq);
    if (hit) {
      this.readers.delete(seq);
      this.readers.set(seq, hit);
      return hit;
    }
    const path = this.layout.segment(seq);
    if (!pathExists(this.ctx.fs, path)) return undefined;
    const h = this.ctx.fs.open(path);
    const entry = { h, size: h.size() };
    this.readers.set(seq, entry);
    if (this.readers.size > READ_HANDLES) {
      const [oldSeq, old] = this.readers.entries().next().value as [U64, SegmentHandle];
      closeQuietly(old.h);
      this.readers.delete(oldSeq);
    }
    return entry;
  }

  /**
   * The frame a row points at (`read_frame`), or `undefined` when its segment file is gone.
   * logspec also checks the row's CRC-32C, so a damaged line is an error, not a wrong frame.
   */
  readFrame(row: IndexRow): SegmentFrame | undefined {
    this.live();
    const seg = this.segmentHandle(row.segmentSeq);
    if (!seg) return undefined;
    const end = checkedAddU64(row.byteOffset, row.byteLength);
    if (end === undefined) throw sessionError(SessCode.RANGE_OVERFLOW, 'index byte range overflow');
    if (end > seg.size) {
      throw sessionError(
        SessCode.INDEX_OUT_OF_BOUNDS,
        `index out of bounds for segment ${this.layout.display(this.layout.segment(row.segmentSeq))}: end=${end} len=${seg.size}`,
      );
    }
    if (row.byteLength > Math.max(this.ctx.maxSegmentBytes, MAX_LINE_BYTES)) {
      throw sessionError(SessCode.FRAME_TOO_LONG, `frame byte length ${row.byteLength} exceeds limit`);
    }
    const bytes = readExact(seg.h, Number(row.byteLength), Number(row.byteOffset));
    const crc = crc32cUpper(bytes);
    if (crc !== row.crc32c) {
      throw sessionError(
        SessCode.CHECKSUM_MISMATCH,
        `checksum mismatch for entry_seq=${row.entrySeq} expected=${row.crc32c} actual=${crc}`,
        { offset: Number(row.byteOffset) },
      );
    }
    return frameFromHead(decodeFrameHead(bytes, 0, frameEnd(bytes), true), bytes);
  }

  /** `read_segment`: every line of one segment file parsed as a frame (not via the index). */
  readSegment(segmentSeq: U64): SegmentFrame[] {
    this.live();
    const path = this.layout.segment(segmentSeq);
    if (!pathExists(this.ctx.fs, path)) return [];
    return readJsonl(
      this.ctx.fs,
      path,
      (b, s, e) => frameFromHead(decodeFrameHead(b, s, e, false), b),
      this.ctx.lineLimit,
    );
  }

  /** `read_index`: the index rows (logspec: from memory, kept equal to the file). */
  readIndex(): IndexRow[] {
    this.live();
    return this.rows.map((r) => ({ ...r }));
  }

  /** The index as the file says now (the original's `read_index`, which rereads it). */
  readIndexFromDisk(): IndexRow[] {
    this.live();
    return readIndexFile(this.ctx.fs, this.layout, this.ctx.lineLimit);
  }

  /** Position of the row with `entrySeq`: O(1) for the usual 1..n sequence, else binary search. */
  private rowPosition(entrySeq: U64): number {
    const rows = this.rows;
    const n = rows.length;
    if (n === 0) return -1;
    const first = (rows[0] as IndexRow).entrySeq;
    if (typeof entrySeq === 'number' && typeof first === 'number') {
      const guess = entrySeq - first;
      if (guess >= 0 && guess < n && (rows[guess] as IndexRow).entrySeq === entrySeq) return guess;
    }
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((rows[mid] as IndexRow).entrySeq < entrySeq) lo = mid + 1;
      else hi = mid;
    }
    return lo < n && (rows[lo] as IndexRow).entrySeq === entrySeq ? lo : -1;
  }

  /** `lookup_entry`: the frame with `entrySeq`, or `undefined`. */
  lookupEntry(entrySeq: U64): SegmentFrame | undefined {
    this.live();
    const i = this.rowPosition(entrySeq);
    return i < 0 ? undefined : this.readFrame(this.rows[i] as IndexRow);
  }

  /** logspec: the frame with `entryId`, or `undefined` (O(1)). */
  lookupById(entryId: string): SegmentFrame | undefined {
    this.live();
    const i = this.byId.get(entryId);
    return i === undefined ? undefined : this.readFrame(this.rows[i] as IndexRow);
  }

  /** `read_entries_from`: frames with `entrySeq >= from`, in index order. */
  readEntriesFrom(from: U64): SegmentFrame[] {
    this.live();
    const out: SegmentFrame[] = [];
    for (const row of this.rows) {
      if (row.entrySeq < from) continue;
      const f = this.readFrame(row);
      if (f) out.push(f);
    }
    return out;
  }

  /** `read_all_entries`. */
  readAllEntries(): SegmentFrame[] {
    return this.readEntriesFrom(1);
  }

  /** `read_tail_entries`: the last `count` frames. */
  readTailEntries(count: U64): SegmentFrame[] {
    this.live();
    const n = this.rows.length;
    const skip = count >= n ? 0 : n - Number(count);
    const out: SegmentFrame[] = [];
    for (let i = skip; i < n; i++) {
      const f = this.readFrame(this.rows[i] as IndexRow);
      if (f) out.push(f);
    }
    return out;
  }

  /**
   * `read_active_path`: the chain of frames from the root to `leafEntryId` (empty when the
   * leaf is unknown), with the original's duplicate, cycle, missing-parent and mismatch
   * errors. O(depth) with the in-memory index.
   */
  readActivePath(leafEntryId: string): SegmentFrame[] {
    this.live();
    if (this.duplicateId !== undefined) {
      throw sessionError(
        SessCode.DUPLICATE_ID,
        `duplicate entry_id detected while reading active path: ${this.duplicateId}`,
      );
    }
    const frames: SegmentFrame[] = [];
    const visited = new Set<string>();
    let current: string | undefined = leafEntryId;
    while (current !== undefined) {
      if (visited.has(current)) {
        throw sessionError(
          SessCode.PARENT_CYCLE,
          `cyclic parent chain detected while reading active path at entry_id=${current}`,
        );
      }
      visited.add(current);
      const i = this.byId.get(current);
      if (i === undefined) {
        if (frames.length === 0) break;
        throw sessionError(
          SessCode.MISSING_PARENT,
          `missing parent entry detected while reading active path at entry_id=${current}`,
        );
      }
      const row = this.rows[i] as IndexRow;
      const frame = this.readFrame(row);
      if (!frame) {
        throw sessionError(
          SessCode.MISSING_FRAME,
          `index references missing frame while reading active path at entry_id=${current}`,
        );
      }
      if (frame.entryId !== row.entryId) {
        throw sessionError(
          SessCode.INDEX_FRAME_MISMATCH,
          `active path index/frame mismatch for entry_id=${row.entryId} frame=${frame.entryId}`,
        );
      }
      current = frame.parentEntryId;
      frames.push(frame);
    }
    return frames.reverse();
  }

  /** `entry_count`: next entry seq − 1. */
  entryCount(): U64 {
    return saturatingSubU64(this.nextEntrySeq, 1);
  }

  /** `head`: the last entry and the segment appends go to; `undefined` when empty. */
  head(): StoreHead | undefined {
    if (this.lastEntryId === undefined) return undefined;
    return {
      segmentSeq: this.nextSegmentSeq,
      entrySeq: saturatingSubU64(this.nextEntrySeq, 1),
      entryId: this.lastEntryId,
    };
  }

  chainHash(): string {
    return this.chain;
  }

  totalBytes(): U64 {
    return this.total;
  }

  lastCrc32c(): string {
    return this.lastCrc;
  }

  /** `index_summary`. */
  indexSummary(): IndexSummary | undefined {
    this.live();
    const first = this.rows[0];
    const last = this.rows[this.rows.length - 1];
    if (!first || !last) return undefined;
    return {
      entryCount: this.rows.length,
      firstEntrySeq: first.entrySeq,
      lastEntrySeq: last.entrySeq,
      lastEntryId: last.entryId,
    };
  }

  // ---- checkpoints, manifest, ledger -------------------------------------------------

  /**
   * `create_checkpoint`: pretty JSON written to `tmp/`, fsynced, renamed into
   * `checkpoints/`, directory fsynced. logspec first syncs pending appends, so a checkpoint
   * never names entries that a crash could lose.
   */
  createCheckpoint(checkpointSeq: U64, reason: string): Checkpoint {
    this.writable();
    this.sync();
    const head = this.head() ?? { segmentSeq: 0, entrySeq: 0, entryId: '' };
    const cp: Checkpoint = {
      schema: CHECKPOINT_SCHEMA,
      checkpointSeq,
      at: this.now(),
      headEntrySeq: head.entrySeq,
      headEntryId: head.entryId,
      snapshotRef: `checkpoints/${pad16(checkpointSeq)}.json`,
      compactedBeforeEntrySeq: 0,
      chainHash: this.chain,
      reason,
    };
    const tmp = joinPath(this.layout.tmp, `${pad16(checkpointSeq)}.json.tmp`);
    writeFileAtomic(this.ctx.fs, tmp, this.layout.checkpoint(checkpointSeq), encodeCheckpoint(cp));
    return cp;
  }

  /** `read_checkpoint`. */
  readCheckpoint(checkpointSeq: U64): Checkpoint | undefined {
    this.live();
    return readCheckpointFile(this.ctx.fs, this.layout, checkpointSeq);
  }

  /** logspec: the sequence numbers of every checkpoint file, ascending. */
  listCheckpoints(): U64[] {
    this.live();
    return listCheckpointSeqs(this.ctx.fs, this.layout);
  }

  /** `append_migration_event`: fills an empty `schema`/`at`, appends one ledger line. */
  appendMigrationEvent(event: MigrationEvent): void {
    this.writable();
    const e = { ...event };
    if (e.schema === '') e.schema = MIGRATION_EVENT_SCHEMA;
    if (e.at === '') e.at = this.now();
    appendToFile(this.ctx.fs, this.layout.ledger, encodeMigrationEvent(e), this.ctx.durability === 'entry');
  }

  /** `read_migration_events`. */
  readMigrationEvents(): MigrationEvent[] {
    this.live();
    return readMigrationEventsFile(this.ctx.fs, this.layout, this.ctx.lineLimit);
  }

  /** `read_manifest`. */
  readManifest(): Manifest | undefined {
    this.live();
    return readManifestFile(this.ctx.fs, this.layout);
  }

  /** `write_manifest`: counters and invariants computed as the original, hash, atomic write. */
  writeManifest(sessionId: string, sourceFormat: string): Manifest {
    this.writable();
    this.sync();
    const { fs, layout } = this.ctx;
    const now = this.now();
    const createdAt = readManifestFile(fs, layout)?.createdAt ?? now;
    const rows = readIndexFile(fs, layout, this.ctx.lineLimit);
    const parentCounts = new Map<string, number>();
    const ids = new Set<string>();
    let messages = 0;
    let compactions = 0;
    let chain = GENESIS_CHAIN_HASH;
    let parentLinksClosed = true;
    const reader = new SegmentFileReader(fs, layout, this.ctx.maxSegmentBytes);
    try {
      for (const row of rows) {
        const bytes = reader.readRow(row);
        if (!bytes) continue;
        const f = decodeFrameHead(bytes, 0, frameEnd(bytes), true);
        ids.add(f.entryId);
        if (f.entryType === 'message') messages++;
        if (f.entryType === 'compaction') compactions++;
        if (f.parentEntryId !== undefined) {
          parentCounts.set(f.parentEntryId, (parentCounts.get(f.parentEntryId) ?? 0) + 1);
          if (!ids.has(f.parentEntryId)) parentLinksClosed = false;
        }
        chain = chainHashStep(chain, f.payloadSha256);
      }
    } finally {
      reader.close();
    }
    let branches = 0;
    for (const n of parentCounts.values()) if (n > 1) branches++;
    let monotonicEntrySeq = true;
    let monotonicSegmentSeq = true;
    let lastEntry: U64 = 0;
    let lastSegment: U64 = 0;
    for (const row of rows) {
      if (row.entrySeq <= lastEntry) monotonicEntrySeq = false;
      if (row.segmentSeq < lastSegment) monotonicSegmentSeq = false;
      lastEntry = row.entrySeq;
      lastSegment = row.segmentSeq;
    }
    const segmentSeqs = new Set<U64>(rows.map((r) => r.segmentSeq));
    const manifest: Manifest = {
      schema: MANIFEST_SCHEMA,
      storeVersion: 2,
      sessionId,
      sourceFormat,
      createdAt,
      updatedAt: now,
      head: this.head() ?? { segmentSeq: 0, entrySeq: 0, entryId: '' },
      counters: {
        entriesTotal: rows.length,
        messagesTotal: messages,
        branchesTotal: branches,
        compactionsTotal: compactions,
        bytesTotal: this.total,
      },
      files: {
        segmentDir: 'segments/',
        segmentCount: segmentSeqs.size,
        indexPath: 'index/offsets.jsonl',
        checkpointDir: 'checkpoints/',
        migrationLedgerPath: 'migrations/ledger.jsonl',
      },
      integrity: { chainHash: this.chain, manifestHash: '', lastCrc32c: this.lastCrc },
      invariants: {
        parentLinksClosed,
        monotonicEntrySeq,
        monotonicSegmentSeq,
        indexWithinSegmentBounds: this.integrityOk(),
        branchHeadsIndexed: true,
        checkpointsMonotonic: true,
        hashChainValid: chain === this.chain,
      },
    };
    manifest.integrity.manifestHash = manifestHash(manifest);
    writeFileAtomic(fs, joinPath(layout.tmp, 'manifest.json.tmp'), layout.manifest, encodeManifest(manifest));
    return manifest;
  }

  // ---- integrity, rebuild ------------------------------------------------------------

  /** `validate_integrity`: throws the original's error when the store on disk is not sound. */
  validateIntegrity(): void {
    // The fast scan passing means the original finds nothing; otherwise let it find what it finds.
    if (!this.fastScanPasses()) validateIntegrityOriginal(this.ctx);
  }

  /**
   * logspec: every problem `validateIntegrity` would report, not only the first: each with
   * its code, the original's message, the file and byte offset of the line. Empty when the
   * store is sound.
   */
  integrityReport(): IntegrityProblem[] {
    return this.fastScanPasses() ? [] : integrityProblems(this.ctx);
  }

  /** True when one pass over the index and segments finds the store sound (the common case). */
  private fastScanPasses(): boolean {
    this.live();
    this.sync();
    let rows = readIndexFast(this.ctx);
    if (!rows) {
      try {
        rows = readIndexFile(this.ctx.fs, this.layout, this.ctx.lineLimit);
      } catch {
        rows = undefined;
      }
    }
    return rows !== undefined && scanStore(this.ctx, rows) !== undefined;
  }

  private integrityOk(): boolean {
    try {
      this.validateIntegrity();
      return true;
    } catch {
      return false;
    }
  }

  /** `rebuild_index`: rescans the segments and rewrites the index; returns the row count. */
  rebuildIndex(): number {
    this.writable();
    this.sync();
    this.closeFiles();
    return withQuarantineSink(
      (r) => this.quarantined.push(r),
      () => {
        const n = rebuildIndexOriginal(this.ctx);
        this.adopt(bootstrapOriginal(this.ctx));
        return n;
      },
    );
  }

  // ---- rollback ----------------------------------------------------------------------

  /**
   * `rollback_to_checkpoint`: cuts the store back to a checkpoint's head (truncating and
   * removing segments, rewriting the index), verifies it, and records a `rollback` ledger
   * event — on failure too, classified as the original does.
   */
  rollbackToCheckpoint(checkpointSeq: U64, migrationId: string, correlationId: string): MigrationEvent {
    this.writable();
    this.sync();
    const { fs, layout } = this.ctx;
    try {
      return this.rollbackInner(checkpointSeq, migrationId, correlationId);
    } catch (error) {
      const message = error instanceof SessionError && error.category === 'session' ? error.piMessage : undefined;
      if (message === undefined || !message.includes('rollback verification failed')) {
        const failure: MigrationEvent = {
          schema: MIGRATION_EVENT_SCHEMA,
          migrationId,
          phase: 'rollback',
          at: this.now(),
          sourcePath: layout.display(layout.checkpoint(checkpointSeq)),
          targetPath: layout.label,
          sourceFormat: 'native_v2',
          targetFormat: 'native_v2',
          verification: { entryCountMatch: false, hashChainMatch: false, indexConsistent: false },
          outcome: 'fatal_error',
          errorClass: classifyRollbackError(error),
          correlationId,
        };
        try {
          appendToFile(fs, layout.ledger, encodeMigrationEvent(failure), this.ctx.durability === 'entry');
        } catch {
          // The original ignores a failure to record the failure.
        }
      }
      throw error;
    }
  }

  private rollbackInner(checkpointSeq: U64, migrationId: string, correlationId: string): MigrationEvent {
    const { fs, layout } = this.ctx;
    const cp = readCheckpointFile(fs, layout, checkpointSeq);
    if (!cp) throw sessionError(SessCode.CHECKPOINT_NOT_FOUND, `checkpoint ${checkpointSeq} not found`);
    const rows = readIndexFile(fs, layout, this.ctx.lineLimit).filter((r) => r.entrySeq <= cp.headEntrySeq);
    const keep = new Map<U64, U64>();
    for (const row of rows) {
      const end = checkedAddU64(row.byteOffset, row.byteLength);
      if (end === undefined) throw sessionError(SessCode.RANGE_OVERFLOW, 'index byte range overflow during rollback');
      const cur = keep.get(row.segmentSeq);
      keep.set(row.segmentSeq, cur === undefined || end > cur ? end : cur);
    }
    // From here on the store on disk changes: this object must be reopened if anything fails.
    this.poisoned = 'a rollback failed part way';
    this.closeFiles();
    if (pathExists(fs, layout.segments)) {
      // logspec: highest segment first, so every state a crash can leave is a prefix of the log.
      const segments = listSegmentFiles(this.ctx).reverse();
      for (const seg of segments) {
        const keepLen = keep.get(seg.seq);
        if (keepLen !== undefined && keepLen > 0) {
          const cur = fs.stat(seg.path)?.size ?? 0;
          if (keepLen < cur) truncateFileTo(fs, seg.path, Number(keepLen));
        } else {
          fs.unlink(seg.path);
          if (this.ctx.durability === 'entry') fs.fsyncDir(layout.segments);
        }
      }
    }
    const tmp = joinPath(layout.tmp, 'offsets.rollback.tmp');
    try {
      mkdirp(fs, layout.tmp);
    } catch {
      // As the original: a failure here shows up when the file is written.
    }
    writeSyncedFile(fs, tmp, new TextEncoder().encode(rows.map(encodeIndexRowText).join('')));
    fs.rename(tmp, layout.index);
    try {
      fs.fsyncDir(layout.indexDir);
    } catch {
      // The original ignores a failed directory sync here.
    }
    const boot = bootstrapOriginal(this.ctx);
    this.adopt(boot);
    const verification: MigrationVerification = {
      entryCountMatch: this.entryCount() === cp.headEntrySeq,
      hashChainMatch: this.chain === cp.chainHash,
      indexConsistent: this.integrityOk(),
    };
    let outcome: string;
    let errorClass: string | undefined;
    if (verification.entryCountMatch && verification.hashChainMatch && verification.indexConsistent) outcome = 'ok';
    else if (verification.indexConsistent) {
      outcome = 'recoverable_error';
      errorClass = 'integrity_mismatch';
    } else {
      outcome = 'fatal_error';
      errorClass = 'index_corruption';
    }
    const event: MigrationEvent = {
      schema: MIGRATION_EVENT_SCHEMA,
      migrationId,
      phase: 'rollback',
      at: this.now(),
      sourcePath: cp.snapshotRef,
      targetPath: layout.label,
      sourceFormat: 'native_v2',
      targetFormat: 'native_v2',
      verification,
      outcome,
      correlationId,
    };
    if (errorClass !== undefined) event.errorClass = errorClass;
    appendToFile(fs, layout.ledger, encodeMigrationEvent(event), this.ctx.durability === 'entry');
    this.poisoned = undefined;
    if (outcome !== 'ok') {
      throw sessionError(
        SessCode.ROLLBACK_VERIFICATION_FAILED,
        `rollback verification failed for checkpoint ${checkpointSeq}`,
        { details: { event } },
      );
    }
    return event;
  }
}

/** `classify_rollback_error`, on the message text as the original. */
export function classifyRollbackError(error: unknown): string {
  if (error instanceof SessionError && error.category === 'session') {
    const m = error.piMessage;
    if (m.includes('checkpoint') && m.includes('not found')) return 'checkpoint_not_found';
    if (m.includes('index byte range overflow')) return 'index_range_overflow';
    if (m.includes('rollback verification failed')) return 'rollback_verification_failed';
    return 'session_error';
  }
  return piCategory(error);
}

/** The original's name for the same class. */
export { SessionStore as SessionStoreV2 };
