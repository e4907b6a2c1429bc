import { dirname, type FileHandle, type FileStat, type Fs, ioError, joinPath, type Lock } from '@logspec/core';

/**
 * A read-only `Fs` over the files a user dropped into the page: the packages' scanners,
 * detection and recovery (through an overlay) read them as they read a disk. Reads are
 * synchronous slices (`FileReaderSync` over `Blob.slice` in the worker), so a file of any size
 * is read a window at a time and never held whole.
 */

/** Where a file's bytes come from: a Blob in the worker, bytes in tests. */
export interface ByteSource {
  readonly size: number;
  /** Bytes `[start, end)` (end within size). */
  read(start: number, end: number): Uint8Array;
}

/** A Blob read synchronously in slices (workers only: `FileReaderSync`). */
export function blobSource(blob: Blob): ByteSource {
  const reader = new FileReaderSync();
  return {
    size: blob.size,
    read: (start, end) => new Uint8Array(reader.readAsArrayBuffer(blob.slice(start, end))),
  };
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (s, e) => bytes.subarray(s, e) };
}

/** Reads smaller than this go through a cached window (scanners asking for a header, a record). */
const WINDOW = 1 << 20;

class BlobFile {
  private win: Uint8Array | undefined;
  private winAt = 0;
  constructor(
    readonly source: ByteSource,
    readonly mtimeMs: number,
    private readonly onRead: (n: number) => void,
  ) {}

  read(buf: Uint8Array, offset: number, length: number, position: number): number {
    const n = Math.max(0, Math.min(length, this.source.size - position));
    if (n === 0) return 0;
    if (n >= WINDOW / 4) {
      buf.set(this.source.read(position, position + n), offset);
      this.onRead(n);
      return n;
    }
    const w = this.win;
    if (!w || position < this.winAt || position + n > this.winAt + w.length) {
      this.winAt = position;
      this.win = this.source.read(position, Math.min(this.source.size, position + WINDOW));
      this.onRead(this.win.length);
    }
    const src = this.win as Uint8Array;
    buf.set(src.subarray(position - this.winAt, position - this.winAt + n), offset);
    return n;
  }
}

const readOnly = (op: string, path: string): never => {
  throw ioError(op, path, 'EROFS', `${op} ${path}: the dropped files are read-only`);
};

export class BlobFs implements Fs {
  private readonly files = new Map<string, BlobFile>();
  private readonly dirs = new Map<string, Set<string>>([['/', new Set()]]);
  /** Bytes read so far (the scan's progress). */
  bytesRead = 0;

  /** `entries`: absolute paths (`/in/wal_01.log`) and their bytes. */
  constructor(entries: readonly { path: string; source: ByteSource }[], mtimeMs = Date.now()) {
    for (const e of entries) {
      const p = joinPath('/', e.path);
      this.files.set(
        p,
        new BlobFile(e.source, mtimeMs, (n) => {
          this.bytesRead += n;
        }),
      );
      for (let child = p, dir = dirname(p); ; child = dir, dir = dirname(dir)) {
        let set = this.dirs.get(dir);
        if (!set) {
          set = new Set();
          this.dirs.set(dir, set);
        }
        set.add(child.slice(dir === '/' ? 1 : dir.length + 1));
        if (dir === '/') break;
      }
    }
  }

  private norm(p: string): string {
    const j = joinPath('/', p);
    return j.length > 1 ? j.replace(/\/+$/, '') : j;
  }

  /** The source behind a path (for assembling a repaired copy from untouched ranges). */
  source(path: string): ByteSource | undefined {
    return this.files.get(this.norm(path))?.source;
  }

  open(path: string, opts: { write?: boolean; create?: boolean; truncate?: boolean } = {}): FileHandle {
    const p = this.norm(path);
    if (opts.write || opts.create || opts.truncate) readOnly('open', p);
    const f = this.files.get(p);
    if (!f) throw ioError('open', p, this.dirs.has(p) ? 'EISDIR' : 'ENOENT');
    let closed = false;
    const check = () => {
      if (closed) throw ioError('read', p, 'EBADF');
    };
    return {
      path: p,
      read(buf, offset, length, position) {
        check();
        return f.read(buf, offset, length, position);
      },
      write: () => readOnly('write', p),
      append: () => readOnly('append', p),
      truncate: () => readOnly('truncate', p),
      size() {
        check();
        return f.source.size;
      },
      fsync: check,
      fdatasync: check,
      close() {
        closed = true;
      },
    };
  }

  readFile(path: string): Uint8Array {
    const p = this.norm(path);
    const f = this.files.get(p);
    if (!f) throw ioError('readFile', p, 'ENOENT');
    return f.source.read(0, f.source.size).slice();
  }

  stat(path: string): FileStat | undefined {
    const p = this.norm(path);
    const f = this.files.get(p);
    if (f) return { size: f.source.size, isFile: true, isDirectory: false, mtimeMs: f.mtimeMs, mode: 0o644 };
    if (this.dirs.has(p)) return { size: 0, isFile: false, isDirectory: true, mtimeMs: 0, mode: 0o755 };
    return undefined;
  }

  /** Dropped files and the folders they imply: a browser hands over no links. */
  lstat(path: string): FileStat | undefined {
    const st = this.stat(path);
    return st ? { ...st, isSymbolicLink: false } : undefined;
  }

  exists(path: string): boolean {
    return this.stat(path) !== undefined;
  }

  readdir(path: string): string[] {
    const p = this.norm(path);
    const d = this.dirs.get(p);
    if (!d) throw ioError('readdir', p, this.files.has(p) ? 'ENOTDIR' : 'ENOENT');
    return [...d].sort();
  }

  /** Every file under `path` (recursively), sorted. */
  filesUnder(path: string): string[] {
    const p = this.norm(path);
    if (this.files.has(p)) return [p];
    const prefix = p === '/' ? '/' : `${p}/`;
    return [...this.files.keys()].filter((f) => f.startsWith(prefix)).sort();
  }

  mkdir(path: string): void {
    readOnly('mkdir', path);
  }
  rename(from: string): void {
    readOnly('rename', from);
  }
  unlink(path: string): void {
    readOnly('unlink', path);
  }
  rmdir(path: string): void {
    readOnly('rmdir', path);
  }
  fsyncDir(path: string): void {
    if (!this.dirs.has(this.norm(path))) throw ioError('fsyncDir', path, 'ENOENT');
  }
  chmod(path: string): void {
    readOnly('chmod', path);
  }
  lock(path: string): Lock {
    return { path, release() {} };
  }
}
