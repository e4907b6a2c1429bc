import { basename, crc32, dirname, type Fs, isLogspecError, joinPath, readFully } from '@logspec/core';
import { decodeRecordAt, scanHotLogFile } from '@logspec/frame';
import { CliCode, CliError, UsageError } from './errors.js';
import type { FormatName } from './formats/types.js';

/** What `detectFormat` found: the format and the path its adapter takes (a root, a file…). */
export interface Detected {
  format: FormatName;
  path: string;
  /** Why, in words (`inspect` prints it). */
  reason: string;
}

const SEGMENT_FILE = /^\+?[0-9]+\.(log|index|timeindex)$/;
const WAL_FILE = /^wal_\+?[0-9a-fA-F]+\.log$/;
const ASCII = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const RING_MAGIC = ASCII('VRRL0001');
const HOT_MAGIC = ASCII('OHNEZIAK');

function startsWith(b: Uint8Array, prefix: Uint8Array): boolean {
  if (b.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[i] !== prefix[i]) return false;
  return true;
}

function isDir(fs: Fs, p: string): boolean {
  return fs.stat(p)?.isDirectory ?? false;
}

function isFile(fs: Fs, p: string): boolean {
  return fs.stat(p)?.isFile ?? false;
}

function head(fs: Fs, path: string, n: number): Uint8Array {
  const h = fs.open(path);
  try {
    const b = new Uint8Array(n);
    return b.subarray(0, readFully(h, b, 0, n, 0));
  } finally {
    h.close();
  }
}

/** A file whose first bytes are one whole WAL record with a good CRC (`u32 len · u32 crc · …`). */
function looksLikeWal(fs: Fs, path: string, size: number): boolean {
  const first = head(fs, path, 8);
  if (first.length < 8) return false;
  const v = new DataView(first.buffer, first.byteOffset, 8);
  const len = v.getUint32(0, true);
  if (len < 29 + 40 || len > size || len > 64 << 20) return false;
  const rec = head(fs, path, len);
  return rec[8] !== undefined && rec[8] <= 10 && crc32(rec, 29, len) === v.getUint32(4, true);
}

/**
 * `hotlog` when the log's first non-empty frame holds a valid rkyv `HotEventRecord` (or the log
 * has no frame to tell by), `hotframe` when its payloads are something else.
 */
function hotKind(fs: Fs, file: string): 'hotlog' | 'hotframe' {
  let kind: 'hotlog' | 'hotframe' = 'hotlog';
  const h = fs.open(file);
  try {
    scanHotLogFile(h, (ps, pe, at, b) => {
      if (pe === ps) return undefined;
      try {
        decodeRecordAt(b, ps, pe, { position: at + 4 });
      } catch (e) {
        if (!isLogspecError(e)) throw e;
        kind = 'hotframe';
      }
      return false;
    });
  } catch (e) {
    // A bad header: the hotlog adapter reports it.
    if (!isLogspecError(e)) throw e;
  } finally {
    h.close();
  }
  return kind;
}

function hot(fs: Fs, file: string, path: string, reason: string): Detected {
  const format = hotKind(fs, file);
  return {
    format,
    path,
    reason: format === 'hotlog' ? reason : `${reason}, payloads not rkyv HotEventRecord archives`,
  };
}

function sessionRoot(fs: Fs, dir: string): boolean {
  return (
    isDir(fs, joinPath(dir, 'segments')) ||
    isFile(fs, joinPath(dir, 'index', 'offsets.jsonl')) ||
    (isFile(fs, joinPath(dir, 'manifest.json')) && isDir(fs, joinPath(dir, 'index')))
  );
}

/** `<stem>.v2` of pi's v1 session file (`a/b.jsonl` → `a/b.v2`). */
function v2Sidecar(path: string): string {
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  return joinPath(dirname(path), `${stem}.v2`);
}

/**
 * Tells the format of `path` from its layout, names and magic bytes:
 * - a directory holding `hot/log.bin` (a kaizen root), or a `hot` directory → hotlog, or
 *   hotframe when the log's first frame is not an rkyv `HotEventRecord` archive;
 * - a directory with `segments/` or `index/offsets.jsonl`, or named `<stem>.v2` → session;
 * - a directory of `wal_*.log` → wal; of `{base:020}.log` → segment (a partition);
 * - a file starting with `VRRL0001` or named `*.vrrl` → ring; starting with `OHNEZIAK` or
 *   named `hot/log.bin` → hotlog; named `wal_*.log`, or starting with a whole CRC-valid WAL
 *   record → wal; named `{base}.log`/`.index`/`.timeindex` → segment (the `.log`); a file
 *   inside a session store, or a pi v1 `.jsonl` with a `.v2` sidecar → session.
 */
export function detectFormat(fs: Fs, path: string): Detected {
  const st = fs.stat(path);
  if (!st) throw notFound(path);
  if (st.isDirectory) {
    // Listing it first: a directory the user cannot read fails here, naming it.
    const names = fs.readdir(path);
    if (names.includes('hot') && isFile(fs, joinPath(path, 'hot', 'log.bin'))) {
      return hot(fs, joinPath(path, 'hot', 'log.bin'), path, 'a kaizen root: hot/log.bin');
    }
    if (basename(path) === 'hot' && names.includes('log.bin') && isFile(fs, joinPath(path, 'log.bin'))) {
      return hot(fs, joinPath(path, 'log.bin'), joinPath(path, 'log.bin'), 'a hot/ directory holding log.bin');
    }
    if (
      (names.includes('segments') || names.includes('index') || names.includes('manifest.json')) &&
      sessionRoot(fs, path)
    ) {
      return { format: 'session', path, reason: 'a session store root (segments/, index/)' };
    }
    if (path.replace(/\/+$/, '').endsWith('.v2')) {
      return { format: 'session', path, reason: 'a session store root (segments/, index/)' };
    }
    if (names.some((n) => WAL_FILE.test(n))) return { format: 'wal', path, reason: 'a directory of wal_*.log files' };
    if (names.some((n) => /^\+?[0-9]+\.log$/.test(n))) {
      return { format: 'segment', path, reason: 'a partition directory of {base:020}.log segments' };
    }
    throw unknown(path, 'a directory with none of hot/log.bin, segments/, wal_*.log or {base:020}.log');
  }
  const name = basename(path);
  const parent = dirname(path);
  const magic = head(fs, path, 8);
  if (startsWith(magic, RING_MAGIC)) return { format: 'ring', path, reason: 'magic VRRL0001' };
  if (startsWith(magic, HOT_MAGIC)) return hot(fs, path, path, 'magic OHNEZIAK');
  if (name.endsWith('.vrrl')) return { format: 'ring', path, reason: 'a .vrrl file name' };
  if (name === 'log.bin' && basename(parent) === 'hot') return hot(fs, path, path, 'named hot/log.bin');
  if (WAL_FILE.test(name)) return { format: 'wal', path, reason: 'named wal_{seq}.log' };
  const seg = SEGMENT_FILE.exec(name);
  if (seg) {
    const log = seg[1] === 'log' ? path : joinPath(parent, name.replace(/\.(index|timeindex)$/, '.log'));
    return { format: 'segment', path: log, reason: 'named {base:020}.log' };
  }
  if (name.endsWith('.seg') && basename(parent) === 'segments' && sessionRoot(fs, dirname(parent))) {
    return { format: 'session', path: dirname(parent), reason: 'a segment of a session store' };
  }
  if (name === 'offsets.jsonl' && basename(parent) === 'index') {
    return { format: 'session', path: dirname(parent), reason: 'the index of a session store' };
  }
  if (name === 'manifest.json' && sessionRoot(fs, parent)) {
    return { format: 'session', path: parent, reason: 'the manifest of a session store' };
  }
  if (name.endsWith('.jsonl') && isDir(fs, v2Sidecar(path))) {
    return { format: 'session', path: v2Sidecar(path), reason: "a pi v1 session's .v2 sidecar" };
  }
  if (looksLikeWal(fs, path, st.size)) return { format: 'wal', path, reason: 'starts with a CRC-valid WAL record' };
  throw unknown(path, 'no known magic bytes, file name or layout');
}

function notFound(path: string): CliError {
  return new CliError(CliCode.NOT_FOUND, `no such file or directory: ${path}`, 'check the path', path);
}

function unknown(path: string, why: string): UsageError {
  return new UsageError(
    CliCode.UNKNOWN_FORMAT,
    `cannot tell the format of ${path}: ${why}`,
    'pass --format hotlog|hotframe|ring|wal|segment|session',
  );
}

/** With `--format`: the path the adapter takes (a `hot/` dir → its log.bin; a `.index` → its `.log`). */
export function normalizeFor(fs: Fs, format: FormatName, path: string): string {
  if (!fs.stat(path)) throw notFound(path);
  if (format === 'segment') {
    const m = SEGMENT_FILE.exec(basename(path));
    if (m && m[1] !== 'log') return joinPath(dirname(path), basename(path).replace(/\.(index|timeindex)$/, '.log'));
  }
  return path;
}
