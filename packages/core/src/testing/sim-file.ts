import type { Rng } from './rng.js';

/**
 * One unsynced change to a file, with what it needs to be undone (`prevSize`, and the bytes
 * it replaced) and replayed (`data`). Records are immutable, so clones share them.
 */
export type PendingOp =
  | {
      readonly kind: 'write';
      readonly pos: number;
      readonly data: Uint8Array;
      readonly prevSize: number;
      readonly overwritten: Uint8Array;
    }
  | { readonly kind: 'truncate'; readonly len: number; readonly prevSize: number; readonly removed: Uint8Array };

/** The crash modes; see `SimFs.crash`. */
export const CRASH_MODES = [
  'drop-unsynced',
  'keep-prefix',
  'tear-last-write',
  'append-garbage',
  'forget-files',
] as const;
export type CrashMode = (typeof CRASH_MODES)[number];

/** Granularity of the `keep-prefix` mode (a sector). */
export const KEEP_PREFIX_STEP = 512;
/** Upper bound of the garbage `append-garbage` adds. */
export const MAX_GARBAGE = 1024;

/**
 * A file's content as the process sees it (`buf[0, size)`), plus the log of changes made
 * since the last fsync. The durable content is the current content with that log undone,
 * so fsync is O(1) and only a crash pays for reconstructing the durable state.
 * `buf` may be shared with clones (copy-on-write: `shared` is set on both sides).
 */
export class SimFile {
  readonly kind = 'file';
  buf: Uint8Array<ArrayBufferLike>;
  size: number;
  shared: boolean;
  pending: PendingOp[];
  mode: number;
  mtimeMs: number;

  constructor(mode: number, mtimeMs: number, buf: Uint8Array<ArrayBufferLike> = new Uint8Array(0), size = 0) {
    this.buf = buf;
    this.size = size;
    this.shared = false;
    this.pending = [];
    this.mode = mode;
    this.mtimeMs = mtimeMs;
  }

  clone(): SimFile {
    const c = new SimFile(this.mode, this.mtimeMs, this.buf, this.size);
    c.pending = this.pending.slice();
    c.shared = true;
    this.shared = true;
    return c;
  }

  /** The current content (a copy). */
  content(): Uint8Array {
    return this.buf.slice(0, this.size);
  }

  unsyncedBytes(): number {
    let n = 0;
    for (const op of this.pending) if (op.kind === 'write') n += op.data.length;
    return n;
  }

  read(dst: Uint8Array, offset: number, length: number, position: number): number {
    const n = Math.max(0, Math.min(length, this.size - position));
    if (n > 0) dst.set(this.buf.subarray(position, position + n), offset);
    return n;
  }

  write(src: Uint8Array, offset: number, length: number, position: number): void {
    const data = src.slice(offset, offset + length);
    const prevSize = this.size;
    const overwritten = position < prevSize ? this.buf.slice(position, Math.min(position + length, prevSize)) : EMPTY;
    this.apply({ kind: 'write', pos: position, data, prevSize, overwritten });
    this.pending.push({ kind: 'write', pos: position, data, prevSize, overwritten });
  }

  truncate(len: number): void {
    const prevSize = this.size;
    const removed = len < prevSize ? this.buf.slice(len, prevSize) : EMPTY;
    this.apply({ kind: 'truncate', len, prevSize, removed });
    this.pending.push({ kind: 'truncate', len, prevSize, removed });
  }

  sync(): void {
    this.pending = [];
  }

  /**
   * Replaces the content with what survives a crash in `mode`, and makes that the durable
   * state. (`forget-files` handles directory entries in SimFs; its file data is dropped
   * like `drop-unsynced`.)
   */
  crash(mode: CrashMode, rng: Rng): void {
    const ops = this.pending;
    if (ops.length === 0) return;
    this.own();
    for (let i = ops.length - 1; i >= 0; i--) this.undo(ops[i] as PendingOp);
    this.pending = [];
    switch (mode) {
      case 'drop-unsynced':
      case 'forget-files':
        break;
      case 'keep-prefix': {
        const total = ops.reduce((n, op) => n + (op.kind === 'write' ? op.data.length : 0), 0);
        const steps = Math.ceil(total / KEEP_PREFIX_STEP);
        const keep = Math.min(total, rng.int(steps + 1) * KEEP_PREFIX_STEP);
        if (keep === total) {
          for (const op of ops) this.apply(op);
          break;
        }
        let budget = keep;
        for (const op of ops) {
          if (budget === 0) break;
          if (op.kind === 'truncate') {
            this.apply(op);
            continue;
          }
          const n = Math.min(budget, op.data.length);
          this.apply(n === op.data.length ? op : { ...op, data: op.data.subarray(0, n) });
          budget -= n;
        }
        break;
      }
      case 'tear-last-write': {
        let last = -1;
        for (let i = ops.length - 1; i >= 0 && last < 0; i--) if (ops[i]?.kind === 'write') last = i;
        for (let i = 0; i < ops.length; i++) {
          const op = ops[i] as PendingOp;
          if (i === last && op.kind === 'write') {
            const n = rng.int(op.data.length);
            if (n > 0) this.apply({ ...op, data: op.data.subarray(0, n) });
          } else {
            this.apply(op);
          }
        }
        break;
      }
      case 'append-garbage': {
        const g = rng.bytes(1 + rng.int(MAX_GARBAGE));
        this.apply({ kind: 'write', pos: this.size, data: g, prevSize: this.size, overwritten: EMPTY });
        break;
      }
    }
  }

  /** Makes `buf` private to this file before an in-place change. */
  private own(extra = 0): void {
    if (!this.shared && this.buf.length >= this.size + extra) return;
    const cap = this.shared && extra === 0 ? Math.max(this.buf.length, 16) : grow(this.buf.length, this.size + extra);
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.size));
    this.buf = next;
    this.shared = false;
  }

  private apply(op: PendingOp): void {
    if (op.kind === 'write') {
      const end = op.pos + op.data.length;
      this.own(Math.max(0, end - this.size));
      // Bytes between the old end and a write past it read as zeros (a hole).
      if (op.pos > this.size) this.buf.fill(0, this.size, op.pos);
      this.buf.set(op.data, op.pos);
      if (end > this.size) this.size = end;
    } else {
      this.own(Math.max(0, op.len - this.size));
      if (op.len > this.size) this.buf.fill(0, this.size, op.len);
      this.size = op.len;
    }
  }

  private undo(op: PendingOp): void {
    if (op.kind === 'write') {
      this.buf.set(op.overwritten, op.pos);
      this.size = op.prevSize;
    } else {
      this.own(Math.max(0, op.prevSize - this.size));
      this.buf.set(op.removed, op.len);
      this.size = op.prevSize;
    }
  }
}

const EMPTY = new Uint8Array(0);

function grow(cap: number, need: number): number {
  let c = Math.max(64, cap);
  while (c < need) c *= 2;
  return c;
}
