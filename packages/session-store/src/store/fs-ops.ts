import {
  dirname,
  type FileHandle,
  type Fs,
  isErrno,
  readFully,
  removeTree as removeTreeNoFollow,
  walkTree,
  writeFully,
} from '@logspec/core';
import { SessCode, SessionError } from '../errors.js';

/** Every file the store creates is private, as the original's `secure_open_options()`. */
export const FILE_MODE = 0o600;

/** `fs::create_dir_all`; returns true when it created the directory. */
export function mkdirp(fs: Fs, path: string): boolean {
  if (fs.stat(path)?.isDirectory) return false;
  fs.mkdir(path, { recursive: true });
  return true;
}

export function closeQuietly(h: FileHandle | undefined): void {
  try {
    h?.close();
  } catch {
    // Closing after a failure: the first error is the one to report.
  }
}

export function unlinkQuietly(fs: Fs, path: string): void {
  try {
    fs.unlink(path);
  } catch {
    // Cleanup of a temporary file: it may not exist.
  }
}

/** Reads exactly `length` bytes at `position`, or fails with an `UnexpectedEof` I/O error. */
export function readExact(h: FileHandle, length: number, position: number): Uint8Array {
  const buf = new Uint8Array(length);
  const n = readFully(h, buf, 0, length, position);
  if (n < length) {
    throw new SessionError(SessCode.UNEXPECTED_EOF, 'io', 'failed to fill whole buffer', {
      ioKind: 'UnexpectedEof',
      offset: position + n,
      details: { path: h.path },
    });
  }
  return buf;
}

/** `truncate_file_to`: open for write, `set_len`, `sync_all`. */
export function truncateFileTo(fs: Fs, path: string, len: number): void {
  const h = fs.open(path, { write: true });
  try {
    h.truncate(len);
    h.fsync();
  } finally {
    closeQuietly(h);
  }
}

/** Creates (0600) or truncates `path`, writes `bytes`, fsyncs; removes the file on failure. */
export function writeSyncedFile(fs: Fs, path: string, bytes: Uint8Array): void {
  let h: FileHandle | undefined;
  try {
    h = fs.open(path, { create: true, write: true, truncate: true, mode: FILE_MODE });
    writeFully(h, bytes, 0);
    h.fsync();
    h.close();
  } catch (e) {
    closeQuietly(h);
    unlinkQuietly(fs, path);
    throw e;
  }
}

/** The original's tmp → fsync → rename → fsync(parent) sequence. */
export function writeFileAtomic(fs: Fs, tmpPath: string, target: string, bytes: Uint8Array): void {
  writeSyncedFile(fs, tmpPath, bytes);
  fs.rename(tmpPath, target);
  fs.fsyncDir(dirname(target));
}

/**
 * `append_jsonl_line`: open with create+append (0600) and write one line. `durable` adds
 * what the original leaves out: fdatasync, and an fsync of the directory when the file is new.
 */
export function appendToFile(fs: Fs, path: string, bytes: Uint8Array, durable: boolean): void {
  const existed = fs.exists(path);
  const h = fs.open(path, { create: true, write: true, mode: FILE_MODE });
  try {
    const at = h.size();
    try {
      writeFully(h, bytes, at);
      if (durable) h.fdatasync();
    } catch (e) {
      // logspec: never leave half a line behind.
      try {
        h.truncate(at);
      } catch {
        // The write error is the one to report.
      }
      throw e;
    }
  } finally {
    closeQuietly(h);
  }
  if (durable && !existed) fs.fsyncDir(dirname(path));
}

export interface FileEntry {
  /** Path relative to the listed root, `/`-separated. */
  path: string;
  size: number;
}

/**
 * Every regular file under `root`, sorted by relative path (byte order of UTF-16 code units).
 * Symbolic links are neither listed nor followed (a link cycle cannot make the walk loop).
 */
export function listFilesRecursive(fs: Fs, root: string, skip: (rel: string) => boolean = () => false): FileEntry[] {
  const out: FileEntry[] = [];
  if (!fs.stat(root)?.isDirectory) return out;
  walkTree(fs, root, (e) => {
    if (e.rel === '') return undefined;
    if (skip(e.rel)) return false;
    if (e.stat.isFile) out.push({ path: e.rel, size: e.stat.size });
    return undefined;
  });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** `fs::remove_dir_all`: a symbolic link is unlinked, never followed (as Rust's). */
export const removeTree = removeTreeNoFollow;

/** `path.exists()`: false for a missing path, and (as Rust) for any stat error. */
export function pathExists(fs: Fs, path: string): boolean {
  try {
    return fs.stat(path) !== undefined;
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return false;
    return false;
  }
}

/** Copies `src[from, end)` into a new file (0600) and fsyncs it; returns the bytes copied. */
export function copyTail(fs: Fs, src: string, from: number, dest: string): number {
  const sh = fs.open(src);
  let dh: FileHandle | undefined;
  try {
    const size = sh.size();
    dh = fs.open(dest, { create: true, exclusive: true, write: true, mode: FILE_MODE });
    const chunk = new Uint8Array(Math.min(1 << 20, Math.max(0, size - from)));
    let pos = from;
    let out = 0;
    while (pos < size) {
      const n = readFully(sh, chunk, 0, Math.min(chunk.length, size - pos), pos);
      if (n <= 0) break;
      writeFully(dh, chunk, out, 0, n);
      pos += n;
      out += n;
    }
    dh.fsync();
    return out;
  } finally {
    closeQuietly(sh);
    closeQuietly(dh);
  }
}
