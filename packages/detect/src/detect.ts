import { basename, crc32, dirname, type Fs, isLogspecError, joinPath, readFully } from '@logspec/core';
import { decodeRecordAt, scanHotLogFile } from '@logspec/frame';

/**
 * The formats a path can be detected as. A hot log is `hotlog` when its payloads are rkyv
 * `HotEventRecord` archives, `hotframe` (the outer framing, payloads opaque) when they are not.
 */
export type DetectedFormat = 'hotlog' | 'hotframe' | 'ring' | 'wal' | 'segment' | 'session';

/** What `detectFormat` found: the format and the path its readers take (a root, a file…). */
export interface Detected {
  format: DetectedFormat;
  path: string;
  /** Why, in words. */
  reason: string;
}

/** `detectFormat`'s answer: a format, or why none (`missing`: nothing at the path). */
export type Detection = ({ ok: true } & Detected) | { ok: false; missing: boolean; why: string };

export const SEGMENT_FILE = /^\+?[0-9]+\.(log|index|timeindex)$/;
export const WAL_FILE = /^wal_\+?[0-9a-fA-F]+\.log$/;
const ASCII = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const RING_MAGIC = ASCII('VRRL0001');
const HOT_MAGIC = ASCII('OHNEZIAK');
/** A WAL record's header (29 bytes) plus its fixed payload fields (40): the smallest record. */
const WAL_MIN_RECORD = 29 + 40;
/** Largest first record a WAL guess reads (a longer one is not taken as a WAL). */
const WAL_GUESS_LIMIT = 64 << 20;

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
  if (len < WAL_MIN_RECORD || len > size || len > WAL_GUESS_LIMIT) return false;
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
    // A bad header: the hot log's reader reports it.
    if (!isLogspecError(e)) throw e;
  } finally {
    h.close();
  }
  return kind;
}

function hot(fs: Fs, file: string, path: string, reason: string): Detection {
  const format = hotKind(fs, file);
  return found(format, path, format === 'hotlog' ? reason : `${reason}, payloads not rkyv HotEventRecord archives`);
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

const found = (format: DetectedFormat, path: string, reason: string): Detection => ({ ok: true, format, path, reason });
const none = (why: string): Detection => ({ ok: false, missing: false, why });

/**
 * Tells the format of `path` from its layout, names and magic bytes:
 * - a directory holding `hot/log.bin` (a kaizen root), or a `hot` directory → hotlog (hotframe
 *   when the payloads are not rkyv event archives);
 * - a directory with `segments/` or `index/offsets.jsonl`, or named `<stem>.v2` → session;
 * - a directory of `wal_*.log` → wal; of `{base:020}.log` → segment (a partition);
 * - a file starting with `VRRL0001` or named `*.vrrl` → ring; starting with `OHNEZIAK` or
 *   named `hot/log.bin` → hotlog; named `wal_*.log`, or starting with a whole CRC-valid WAL
 *   record → wal; named `{base}.log`/`.index`/`.timeindex` → segment (the `.log`); a file
 *   inside a session store, or a pi v1 `.jsonl` with a `.v2` sidecar → session.
 */
export function detectFormat(fs: Fs, path: string): Detection {
  const st = fs.stat(path);
  if (!st) return { ok: false, missing: true, why: `no such file or directory: ${path}` };
  if (st.isDirectory) {
    // Listing it first: a directory that cannot be read fails here, naming it.
    const names = fs.readdir(path);
    if (names.includes('hot') && isFile(fs, joinPath(path, 'hot', 'log.bin'))) {
      return hot(fs, joinPath(path, 'hot', 'log.bin'), path, 'a kaizen root: hot/log.bin');
    }
    if (basename(path) === 'hot' && names.includes('log.bin') && isFile(fs, joinPath(path, 'log.bin'))) {
      return hot(fs, joinPath(path, 'log.bin'), joinPath(path, 'log.bin'), 'a hot/ directory holding log.bin');
    }
    if (
      ((names.includes('segments') || names.includes('index') || names.includes('manifest.json')) &&
        sessionRoot(fs, path)) ||
      path.replace(/\/+$/, '').endsWith('.v2')
    ) {
      return found('session', path, 'a session store root (segments/, index/)');
    }
    if (names.some((n) => WAL_FILE.test(n))) return found('wal', path, 'a directory of wal_*.log files');
    if (names.some((n) => /^\+?[0-9]+\.log$/.test(n))) {
      return found('segment', path, 'a partition directory of {base:020}.log segments');
    }
    return none('a directory with none of hot/log.bin, segments/, wal_*.log or {base:020}.log');
  }
  const name = basename(path);
  const parent = dirname(path);
  const magic = head(fs, path, 8);
  if (startsWith(magic, RING_MAGIC)) return found('ring', path, 'magic VRRL0001');
  if (startsWith(magic, HOT_MAGIC)) return hot(fs, path, path, 'magic OHNEZIAK');
  if (name.endsWith('.vrrl')) return found('ring', path, 'a .vrrl file name');
  if (name === 'log.bin' && basename(parent) === 'hot') return hot(fs, path, path, 'named hot/log.bin');
  if (WAL_FILE.test(name)) return found('wal', path, 'named wal_{seq}.log');
  const seg = SEGMENT_FILE.exec(name);
  if (seg) return found('segment', segmentLogPath(path), 'named {base:020}.log');
  if (name.endsWith('.seg') && basename(parent) === 'segments' && sessionRoot(fs, dirname(parent))) {
    return found('session', dirname(parent), 'a segment of a session store');
  }
  if (name === 'offsets.jsonl' && basename(parent) === 'index') {
    return found('session', dirname(parent), 'the index of a session store');
  }
  if (name === 'manifest.json' && sessionRoot(fs, parent)) {
    return found('session', parent, 'the manifest of a session store');
  }
  if (name.endsWith('.jsonl') && isDir(fs, v2Sidecar(path))) {
    return found('session', v2Sidecar(path), "a pi v1 session's .v2 sidecar");
  }
  if (looksLikeWal(fs, path, st.size)) return found('wal', path, 'starts with a CRC-valid WAL record');
  return none('no known magic bytes, file name or layout');
}

/** A segment's `.index` or `.timeindex` path → its `.log` (any other path as it is). */
export function segmentLogPath(path: string): string {
  const m = SEGMENT_FILE.exec(basename(path));
  if (!m || m[1] === 'log') return path;
  return joinPath(dirname(path), basename(path).replace(/\.(index|timeindex)$/, '.log'));
}
