import {
  dirname,
  type FileHandle,
  type FileStat,
  type Fs,
  ioError,
  joinPath,
  type Lock,
  type OpenOptions,
  readFully,
} from './fs.js';

/**
 * A copy-on-write view of a directory tree: reads go to the underlying `Fs`, every change
 * (create, write, truncate, rename, unlink, mkdir) stays in memory, and nothing mutating ever
 * reaches the underlying `Fs` (files there are only ever opened for reading). A read-only
 * store runs the original's recovery against this view, so it sees exactly the state a
 * writable open would leave, while the files stay as they are; `planRepair` runs a package's
 * recovery against it and reports what the recovery would change (`changes`, `contentParts`).
 * Browser-safe: the underlying `Fs` may be files a user dropped into a page.
 *
 * Changed files keep their untouched prefix on disk: a truncation costs nothing, and only
 * written bytes (a healed newline, a rebuilt index, a quarantine copy) are held in memory.
 */

interface Patch {
  pos: number;
  bytes: Uint8Array;
}

/** One file of the view; handles point at it, so a rename or unlink does not disturb them. */
class Inode {
  /** Bytes `[0, baseLen)` come from `base` on the underlying Fs (unless patched). */
  baseLen: number;
  size: number;
  patches: Patch[] = [];
  mode: number;
  readonly mtimeMs: number;
  private baseHandle: FileHandle | undefined;
  private opened = 0;

  constructor(
    private readonly under: Fs,
    private readonly base: string | undefined,
    st: FileStat | undefined,
    mode: number,
  ) {
    this.baseLen = base !== undefined && st ? st.size : 0;
    this.size = this.baseLen;
    this.mode = st?.mode ?? mode;
    this.mtimeMs = st?.mtimeMs ?? Date.now();
  }

  acquire(): void {
    this.opened++;
  }

  release(): void {
    if (--this.opened > 0) return;
    try {
      this.baseHandle?.close();
    } catch {
      // Closing a read-only handle after a failure: the first error is the one to report.
    }
    this.baseHandle = undefined;
  }

  /** The untouched prefix's source on the underlying `Fs`, if the file started as one. */
  get source(): string | undefined {
    return this.base;
  }

  read(buf: Uint8Array, offset: number, length: number, position: number): number {
    const n = Math.max(0, Math.min(length, this.size - position));
    if (n === 0) return 0;
    const end = position + n;
    const fromBase = Math.max(0, Math.min(end, this.baseLen) - position);
    if (fromBase > 0 && this.base !== undefined) {
      this.baseHandle ??= this.under.open(this.base);
      const got = readFully(this.baseHandle, buf, offset, fromBase, position);
      // The file shrank under us (someone else truncated it): read the rest as zeros.
      buf.fill(0, offset + got, offset + fromBase);
    }
    buf.fill(0, offset + fromBase, offset + n);
    for (const p of this.patches) {
      const s = Math.max(p.pos, position);
      const e = Math.min(p.pos + p.bytes.length, end);
      if (s < e) buf.set(p.bytes.subarray(s - p.pos, e - p.pos), offset + (s - position));
    }
    return n;
  }

  write(buf: Uint8Array, offset: number, length: number, position: number): number {
    if (length <= 0) return 0;
    this.patches.push({ pos: position, bytes: buf.slice(offset, offset + length) });
    this.size = Math.max(this.size, position + length);
    return length;
  }

  truncate(length: number): void {
    if (length < this.size) {
      this.baseLen = Math.min(this.baseLen, length);
      this.patches = this.patches
        .filter((p) => p.pos < length)
        .map((p) =>
          p.pos + p.bytes.length <= length ? p : { pos: p.pos, bytes: p.bytes.subarray(0, length - p.pos) },
        );
    } else if (length > this.size) {
      // Extending reads as zeros: the bytes between the old end and `length` hold no patch.
      this.baseLen = Math.min(this.baseLen, this.size);
    }
    this.size = length;
  }

  stat(): FileStat {
    return { size: this.size, isFile: true, isDirectory: false, mtimeMs: this.mtimeMs, mode: this.mode };
  }
}

/** A path the view changed (see {@link OverlayFs.entries}). */
export type OverlayEntry =
  | { path: string; kind: 'gone' }
  | { path: string; kind: 'dir' }
  | {
      path: string;
      kind: 'file';
      /** The file on the underlying `Fs` its untouched bytes come from (it may have been renamed since). */
      source: string | undefined;
      /** Bytes `[0, kept)` are the source's (where not written). */
      kept: number;
      size: number;
      /** Union of the written ranges, half-open and sorted. */
      written: [number, number][];
    };

/** One piece of a file's bytes in the view: a range of a file on the underlying `Fs`, or bytes. */
export type ContentPart = { source: string; start: number; end: number } | { bytes: Uint8Array };

/** The union of an inode's patches, clipped to its size. */
function writtenRanges(ino: Inode): [number, number][] {
  const rs = ino.patches
    .map((p): [number, number] => [p.pos, Math.min(p.pos + p.bytes.length, ino.size)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const r of rs) {
    const last = out.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

const DIR = 'dir' as const;
const GONE = 'gone' as const;
type Node = Inode | typeof DIR | typeof GONE;

function norm(p: string): string {
  const j = joinPath(p);
  return j.length > 1 ? j.replace(/\/+$/, '') : j;
}

class OverlayHandle implements FileHandle {
  private closed = false;
  constructor(
    readonly path: string,
    private readonly node: Inode,
    private readonly writable: boolean,
  ) {
    node.acquire();
  }
  private check(write: boolean): void {
    if (this.closed) throw ioError(write ? 'write' : 'read', this.path, 'EBADF');
    if (write && !this.writable) throw ioError('write', this.path, 'EBADF');
  }
  read(buf: Uint8Array, offset: number, length: number, position: number): number {
    this.check(false);
    return this.node.read(buf, offset, length, position);
  }
  write(buf: Uint8Array, offset: number, length: number, position: number): number {
    this.check(true);
    return this.node.write(buf, offset, length, position);
  }
  append(buf: Uint8Array, offset = 0, length = buf.length - offset): number {
    this.check(true);
    return this.node.write(buf, offset, length, this.node.size);
  }
  size(): number {
    this.check(false);
    return this.node.size;
  }
  truncate(length: number): void {
    this.check(true);
    this.node.truncate(length);
  }
  fsync(): void {
    this.check(false);
  }
  fdatasync(): void {
    this.check(false);
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.node.release();
  }
}

export class OverlayFs implements Fs {
  private readonly nodes = new Map<string, Node>();

  constructor(private readonly under: Fs) {}

  /** The paths the view changed (created, written, truncated, renamed or removed), sorted. */
  changedPaths(): string[] {
    const out: string[] = [];
    for (const [p, n] of this.nodes) if (n !== DIR || this.under.stat(p) === undefined) out.push(p);
    return out.sort();
  }

  /**
   * What the view holds at each path it changed, sorted by path: removed paths, new
   * directories, and files with where their bytes come from. A file only read (or written
   * with nothing) is left out.
   */
  entries(): OverlayEntry[] {
    const out: OverlayEntry[] = [];
    for (const [path, n] of this.nodes) {
      if (n === GONE) out.push({ path, kind: 'gone' });
      else if (n === DIR) {
        if (this.under.stat(path) === undefined) out.push({ path, kind: 'dir' });
      } else {
        const written = writtenRanges(n);
        const untouched = n.source === path && written.length === 0 && n.baseLen === n.size;
        if (untouched && this.under.stat(path)?.size === n.size) continue;
        out.push({ path, kind: 'file', source: n.source, kept: n.baseLen, size: n.size, written });
      }
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /**
   * The bytes of the file at `path` as it is in the view, in order: ranges of its source on
   * the underlying `Fs` (never copied), and bytes held in memory (what was written, and zeros
   * where a file was extended). A caller can assemble a repaired copy from them without
   * reading the untouched parts.
   */
  contentParts(path: string): ContentPart[] {
    const p = norm(path);
    const n = this.node(p);
    if (n === GONE || n === DIR) throw ioError('read', p, n === DIR ? 'EISDIR' : 'ENOENT');
    const ino = n instanceof Inode ? n : this.inode(p, 'read');
    const parts: ContentPart[] = [];
    let pos = 0;
    const memory = (from: number, to: number) => {
      const bytes = new Uint8Array(to - from);
      ino.read(bytes, 0, bytes.length, from);
      parts.push({ bytes });
    };
    const fromSource = (from: number, to: number) => {
      const keep = Math.min(to, ino.baseLen);
      if (keep > from && ino.source !== undefined) parts.push({ source: ino.source, start: from, end: keep });
      if (to > Math.max(from, keep)) memory(Math.max(from, keep), to);
    };
    for (const [from, to] of writtenRanges(ino)) {
      if (from > pos) fromSource(pos, from);
      memory(from, to);
      pos = to;
    }
    if (ino.size > pos) fromSource(pos, ino.size);
    return parts;
  }

  private node(path: string): Node | undefined {
    for (let p = path; ; p = dirname(p)) {
      const n = this.nodes.get(p);
      if (n === GONE) return GONE;
      if (p !== path && n instanceof Inode) return GONE;
      if (p === path && n !== undefined) return n;
      if (dirname(p) === p) return undefined;
    }
  }

  stat(path: string): FileStat | undefined {
    const p = norm(path);
    const n = this.node(p);
    if (n === GONE) return undefined;
    if (n instanceof Inode) return n.stat();
    if (n === DIR) {
      return this.under.stat(p) ?? { size: 0, isFile: false, isDirectory: true, mtimeMs: 0, mode: 0o700 };
    }
    return this.under.stat(p);
  }

  /** A path the view changed is never a link (the view makes none); others are as underneath. */
  lstat(path: string): FileStat | undefined {
    const p = norm(path);
    const n = this.node(p);
    if (n === undefined) return this.under.lstat(p);
    const st = this.stat(p);
    return st ? { ...st, isSymbolicLink: false } : undefined;
  }

  exists(path: string): boolean {
    return this.stat(path) !== undefined;
  }

  /** The file at `p` as an inode of the view (registering an untouched file on first use). */
  private inode(p: string, op: string): Inode {
    const n = this.node(p);
    if (n instanceof Inode) return n;
    if (n === GONE || n === DIR) throw ioError(op, p, n === DIR ? 'EISDIR' : 'ENOENT');
    const st = this.under.stat(p);
    if (!st) throw ioError(op, p, 'ENOENT');
    if (st.isDirectory) throw ioError(op, p, 'EISDIR');
    const ino = new Inode(this.under, p, st, st.mode);
    this.nodes.set(p, ino);
    return ino;
  }

  open(path: string, opts: OpenOptions = {}): FileHandle {
    const p = norm(path);
    const writable = !!(opts.write || opts.create || opts.truncate);
    let ino: Inode;
    if (this.stat(p) === undefined) {
      if (!opts.create) throw ioError('open', p, 'ENOENT');
      if (!this.stat(dirname(p))?.isDirectory) throw ioError('open', p, 'ENOENT');
      ino = new Inode(this.under, undefined, undefined, opts.mode ?? 0o644);
      this.nodes.set(p, ino);
    } else {
      if (opts.create && opts.exclusive) throw ioError('open', p, 'EEXIST');
      ino = this.inode(p, 'open');
      if (opts.truncate) ino.truncate(0);
    }
    return new OverlayHandle(p, ino, writable);
  }

  readFile(path: string): Uint8Array {
    const h = this.open(path);
    try {
      const buf = new Uint8Array(h.size());
      return buf.subarray(0, readFully(h, buf, 0, buf.length, 0));
    } finally {
      h.close();
    }
  }

  readdir(path: string): string[] {
    const p = norm(path);
    const st = this.stat(p);
    if (!st) throw ioError('readdir', p, 'ENOENT');
    if (!st.isDirectory) throw ioError('readdir', p, 'ENOTDIR');
    const names = new Set<string>();
    if (this.node(p) !== DIR || this.under.stat(p)?.isDirectory) {
      for (const name of this.under.readdir(p)) names.add(name);
    }
    for (const [q, n] of this.nodes) {
      if (q === p || dirname(q) !== p) continue;
      const name = q.slice(p === '/' ? 1 : p.length + 1);
      if (n === GONE) names.delete(name);
      else names.add(name);
    }
    return [...names];
  }

  mkdir(path: string, opts: { recursive?: boolean } = {}): void {
    const p = norm(path);
    const st = this.stat(p);
    if (st) {
      if (opts.recursive && st.isDirectory) return;
      throw ioError('mkdir', p, 'EEXIST');
    }
    const parent = dirname(p);
    if (!this.stat(parent)) {
      if (!opts.recursive || parent === p) throw ioError('mkdir', p, 'ENOENT');
      this.mkdir(parent, opts);
    }
    this.nodes.set(p, DIR);
  }

  rename(from: string, to: string): void {
    const f = norm(from);
    const t = norm(to);
    const st = this.stat(f);
    if (!st) throw ioError('rename', f, 'ENOENT');
    if (st.isDirectory)
      throw ioError('rename', f, 'ENOTSUP', `rename ${f}: directories cannot be renamed in a read-only view`);
    if (!this.stat(dirname(t))?.isDirectory) throw ioError('rename', t, 'ENOENT');
    if (this.stat(t)?.isDirectory) throw ioError('rename', t, 'EISDIR');
    const ino = this.inode(f, 'rename');
    this.nodes.set(f, GONE);
    this.nodes.set(t, ino);
  }

  unlink(path: string): void {
    const p = norm(path);
    const st = this.stat(p);
    if (!st) throw ioError('unlink', p, 'ENOENT');
    if (st.isDirectory) throw ioError('unlink', p, 'EISDIR');
    this.nodes.set(p, GONE);
  }

  rmdir(path: string): void {
    const p = norm(path);
    const st = this.stat(p);
    if (!st) throw ioError('rmdir', p, 'ENOENT');
    if (!st.isDirectory) throw ioError('rmdir', p, 'ENOTDIR');
    if (this.readdir(p).length > 0) throw ioError('rmdir', p, 'ENOTEMPTY');
    this.nodes.set(p, GONE);
  }

  fsyncDir(path: string): void {
    if (!this.stat(path)?.isDirectory) throw ioError('fsyncDir', norm(path), 'ENOENT');
  }

  chmod(path: string, mode: number): void {
    this.inode(norm(path), 'chmod').mode = mode;
  }

  /** A lock of the view only: a read-only store takes none, and nothing reaches the disk. */
  lock(path: string): Lock {
    return { path, release() {} };
  }
}
