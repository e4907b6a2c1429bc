import { CoreCode, LogspecError } from './errors.js';

/**
 * The file system seam. Stores do all I/O through `Fs`, so tests can swap in `SimFs`
 * (see `@logspec/core/testing`) and crash it at any write. Synchronous on purpose:
 * it mirrors the syscalls whose ordering durability depends on, and it is what the
 * fastest Node paths (`readSync`/`writeSync`) are.
 */
export interface OpenOptions {
  /** Open for writing as well as reading. */
  write?: boolean;
  /** Create the file if it does not exist (implies `write`). */
  create?: boolean;
  /** With `create`: fail with errno EEXIST if it exists. */
  exclusive?: boolean;
  /** Truncate to zero length on open (implies `write`). */
  truncate?: boolean;
  /** Permission bits for a created file (e.g. 0o600). */
  mode?: number;
}

export interface FileStat {
  size: number;
  isFile: boolean;
  isDirectory: boolean;
  mtimeMs: number;
  mode: number;
  /**
   * Set by `lstat` only: the path itself is a symbolic link (then `isFile` and `isDirectory`
   * are false, whatever it points at). `stat` follows links and never sets it.
   */
  isSymbolicLink?: boolean;
}

export interface FileHandle {
  readonly path: string;
  /** Reads up to `length` bytes at `position` into `buf[offset…]`; returns bytes read (short at EOF). */
  read(buf: Uint8Array, offset: number, length: number, position: number): number;
  /** Writes `buf[offset, offset+length)` at `position`; returns bytes written (may be short). */
  write(buf: Uint8Array, offset: number, length: number, position: number): number;
  /** Writes at the current end of file; returns bytes written (may be short). */
  append(buf: Uint8Array, offset?: number, length?: number): number;
  size(): number;
  truncate(length: number): void;
  /** Data and metadata durable. */
  fsync(): void;
  /** Data durable (and the size, as `fdatasync` guarantees). */
  fdatasync(): void;
  close(): void;
}

export interface Lock {
  readonly path: string;
  release(): void;
}

export interface Fs {
  open(path: string, opts?: OpenOptions): FileHandle;
  /** Whole-file read convenience; throws errno ENOENT when missing. */
  readFile(path: string): Uint8Array;
  stat(path: string): FileStat | undefined;
  /**
   * Like `stat`, but a symbolic link is reported as itself (`isSymbolicLink`), not followed.
   * Every walk over a directory tree uses it, so that nothing outside the tree is reached.
   */
  lstat(path: string): FileStat | undefined;
  exists(path: string): boolean;
  readdir(path: string): string[];
  mkdir(path: string, opts?: { recursive?: boolean }): void;
  rename(from: string, to: string): void;
  unlink(path: string): void;
  rmdir(path: string): void;
  /** Makes the directory's entries (creations, renames, unlinks) durable. */
  fsyncDir(path: string): void;
  chmod(path: string, mode: number): void;
  /**
   * Takes the single-writer lock for `path` (conventionally `<store>/LOCK` or `<file>.lock`).
   * Throws `CORE_LOCKED` when another live holder has it.
   */
  lock(path: string): Lock;
}

/** Writes all of `buf`, looping over short writes (a short write is legal for `write(2)`). */
export function writeFully(
  h: FileHandle,
  buf: Uint8Array,
  position: number,
  offset = 0,
  length = buf.length - offset,
): void {
  let done = 0;
  while (done < length) {
    const n = h.write(buf, offset + done, length - done, position + done);
    if (n <= 0) throw ioError('write', h.path, 'EIO', `write returned ${n}`);
    done += n;
  }
}

/** Appends all of `buf`, looping over short writes. */
export function appendFully(h: FileHandle, buf: Uint8Array, offset = 0, length = buf.length - offset): void {
  let done = 0;
  while (done < length) {
    const n = h.append(buf, offset + done, length - done);
    if (n <= 0) throw ioError('append', h.path, 'EIO', `append returned ${n}`);
    done += n;
  }
}

/** Reads exactly `length` bytes or returns how many were there (caller decides if short is an error). */
export function readFully(h: FileHandle, buf: Uint8Array, offset: number, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = h.read(buf, offset + done, length - done, position + done);
    if (n <= 0) break;
    done += n;
  }
  return done;
}

/** POSIX-style path join/dirname/basename that work in browsers too (stores only use '/'). */
export function joinPath(...parts: string[]): string {
  const s = parts.filter((p) => p.length > 0).join('/');
  return s.replace(/\/+/g, '/');
}
export function dirname(p: string): string {
  const i = p.replace(/\/+$/, '').lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : p.slice(0, i);
}
export function basename(p: string): string {
  const t = p.replace(/\/+$/, '');
  return t.slice(t.lastIndexOf('/') + 1);
}

/** The error every `Fs` throws: `CORE_IO` with the OS code in `details.errno` and `errno`. */
export class IoError extends LogspecError {
  readonly errno: string;
  readonly op: string;
  readonly path: string;
  constructor(op: string, path: string, errno: string, message?: string, cause?: unknown) {
    super('core', CoreCode.IO, message ?? `${op} ${path}: ${errno}`, { details: { errno, op, path }, cause });
    this.errno = errno;
    this.op = op;
    this.path = path;
  }
}

export function ioError(op: string, path: string, errno: string, message?: string, cause?: unknown): IoError {
  return new IoError(op, path, errno, message, cause);
}

export function isErrno(e: unknown, errno: string): boolean {
  return e instanceof IoError && e.errno === errno;
}
