import {
  basename,
  CoreCode,
  dirname,
  type FileHandle,
  type Fs,
  isErrno,
  joinPath,
  LogspecError,
  readFully,
} from '@logspec/core';
import { type IndexEntryJson, indexEntriesToJson, type MessageJson, messageToJson } from '../codec/canonical.js';
import { POSTCARD_MESSAGE, SegCode, segError } from '../codec/errors.js';
import { decodeIndexEntries, OffsetIndex } from '../codec/index-entries.js';
import type { Message } from '../codec/message.js';
import {
  INDEX_SUFFIX,
  LOG_SUFFIX,
  listSegmentBases,
  parseRustU64,
  segmentFileName,
  splitExtension,
} from '../codec/names.js';
import { readSegment, recoverLastOffset, timestampBounds } from '../codec/segment-scan.js';
import { ORIGINAL_READ_MESSAGE_CAP } from './options.js';

/**
 * The original readers as the reference corpus drove them (`conformance/golden/REFERENCE-README.md`),
 * answering the canonical JSON of its `*.expect.json`. Read-only: where the original would
 * create a missing file (`Segment::new`), it is read as empty instead.
 */

export interface SingleSegmentJson {
  base_offset: string;
  size: string;
  index: IndexEntryJson[];
  messages: MessageJson[];
  recover_last_offset: string | null;
  timestamp_bounds: { min: string; max: string } | null;
}

export interface PartitionJson {
  segments: { base_offset: string; size: string; index: IndexEntryJson[] }[];
  messages: MessageJson[];
  earliest_offset: string;
  recover_next_offset: string;
}

/** The original's error object (`{error, message, ...extra}`) for a failure of these readers. */
export interface OriginalError {
  error: 'crc_mismatch' | 'deserialize' | 'io' | 'bad_name' | 'not_found';
  message: string;
  postcard?: string;
}

const U64_MAX = (1n << 64n) - 1n;

interface OpenedSegment {
  base: bigint;
  handle: FileHandle | undefined;
  size: number;
  index: OffsetIndex;
  /** The `.index` bytes, for exact u64 positions in JSON. */
  indexBytes: Uint8Array;
}

function openRead(fs: Fs, path: string): FileHandle | undefined {
  try {
    return fs.open(path);
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return undefined;
    throw e;
  }
}

function readAll(h: FileHandle | undefined): Uint8Array {
  if (!h) return new Uint8Array(0);
  const buf = new Uint8Array(h.size());
  return buf.subarray(0, readFully(h, buf, 0, buf.length, 0));
}

/** `Segment::new(dir, base)` without creating anything. */
function openSegment(fs: Fs, dir: string, base: bigint): OpenedSegment {
  const handle = openRead(fs, joinPath(dir, segmentFileName(base, LOG_SUFFIX)));
  const ih = openRead(fs, joinPath(dir, segmentFileName(base, INDEX_SUFFIX)));
  try {
    const indexBytes = readAll(ih);
    return { base, handle, size: handle?.size() ?? 0, index: OffsetIndex.fromBytes(indexBytes), indexBytes };
  } finally {
    ih?.close();
  }
}

function closeSegment(s: OpenedSegment): void {
  s.handle?.close();
}

function readFrom(s: OpenedSegment, offset: bigint): Message[] {
  if (!s.handle) return [];
  return readSegment(s.handle, s.index, s.base, offset, {}, s.size).messages;
}

function indexJson(s: OpenedSegment): IndexEntryJson[] {
  return indexEntriesToJson(decodeIndexEntries(s.indexBytes));
}

/**
 * A single segment file: `Segment::new(dir, base)` (base from the file name), then
 * `read(base, usize::MAX)`, `recover_last_offset()` and `timestamp_bounds()`.
 */
export function readSegmentFileOriginal(fs: Fs, path: string): SingleSegmentJson {
  if (!fs.exists(path)) throw segError(SegCode.NOT_FOUND, `${path} does not exist`);
  const name = basename(path);
  const { stem, extension } = splitExtension(name);
  const base = extension === LOG_SUFFIX ? parseRustU64(stem) : undefined;
  if (base === undefined) throw segError(SegCode.BAD_NAME, `segment file name ${name} is not <base offset>.log`);
  const seg = openSegment(fs, dirname(path), base);
  try {
    const messages = readFrom(seg, base);
    const last = seg.handle ? recoverLastOffset(seg.handle, seg.index, seg.size) : null;
    const bounds = seg.handle ? timestampBounds(seg.handle, seg.size) : null;
    return {
      base_offset: base.toString(),
      size: seg.size.toString(),
      index: indexJson(seg),
      messages: messages.map(messageToJson),
      recover_last_offset: last === null ? null : last.toString(),
      timestamp_bounds: bounds === null ? null : { min: bounds.min.toString(), max: bounds.max.toString() },
    };
  } finally {
    closeSegment(seg);
  }
}

/** `LogManager::read(offset, usize::MAX)` over opened segments. */
function logManagerRead(segs: readonly OpenedSegment[], offset: bigint): Message[] {
  let lo = 0;
  let hi = segs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((segs[mid] as OpenedSegment).base <= offset) lo = mid + 1;
    else hi = mid;
  }
  const out: Message[] = [];
  for (let i = Math.max(0, lo - 1); i < segs.length; i++) {
    const seg = segs[i] as OpenedSegment;
    for (const m of readFrom(seg, offset)) {
      if (m.offset >= offset && out.length < ORIGINAL_READ_MESSAGE_CAP) out.push(m);
    }
  }
  return out;
}

/**
 * A partition directory: `LogManager::new` (every `*.log` whose stem parses as u64, in name
 * order; a base-0 segment when there is none), then a consumer's poll loop from
 * `earliest_offset()` (`offset = last + 1` until a read comes back empty), then
 * `recover_next_offset()`.
 */
export function readPartitionOriginal(fs: Fs, dir: string): PartitionJson {
  const st = fs.stat(dir);
  if (!st) throw segError(SegCode.NOT_FOUND, `${dir} does not exist`);
  if (!st.isDirectory) throw segError(SegCode.NOT_FOUND, `${dir} is not a directory`);
  let bases = listSegmentBases(fs.readdir(dir));
  if (bases.length === 0) bases = [0n];
  const segs: OpenedSegment[] = [];
  try {
    for (const b of bases) segs.push(openSegment(fs, dir, b));
    const messages: Message[] = [];
    let offset = (segs[0] as OpenedSegment).base;
    for (;;) {
      const batch = logManagerRead(segs, offset);
      const last = batch[batch.length - 1];
      if (!last) break;
      for (const m of batch) messages.push(m);
      // The original's `last.offset + 1` would wrap at u64::MAX and poll forever.
      if (last.offset >= U64_MAX) break;
      offset = last.offset + 1n;
    }
    const lastSeg = segs[segs.length - 1] as OpenedSegment;
    const lastOffset = lastSeg.handle ? recoverLastOffset(lastSeg.handle, lastSeg.index, lastSeg.size) : null;
    return {
      segments: segs.map((s) => ({ base_offset: s.base.toString(), size: s.size.toString(), index: indexJson(s) })),
      messages: messages.map(messageToJson),
      earliest_offset: (segs[0] as OpenedSegment).base.toString(),
      recover_next_offset: (lastOffset === null ? lastSeg.base : (lastOffset + 1n) & U64_MAX).toString(),
    };
  } finally {
    for (const s of segs) closeSegment(s);
  }
}

/** Maps a failure of these readers to the original's error object. */
export function toOriginalError(e: unknown): OriginalError | undefined {
  if (!(e instanceof LogspecError)) return undefined;
  const postcard = e.details.postcard;
  if (typeof postcard === 'string') {
    return {
      error: 'deserialize',
      message: `Serialization error: ${POSTCARD_MESSAGE[postcard] ?? postcard}`,
      postcard,
    };
  }
  switch (e.code) {
    case SegCode.CRC_MISMATCH:
      return { error: 'crc_mismatch', message: `CRC mismatch at position ${e.offset}` };
    case SegCode.BAD_NAME:
      return { error: 'bad_name', message: e.message };
    case SegCode.NOT_FOUND:
      return { error: 'not_found', message: e.message };
    case CoreCode.IO:
      return { error: 'io', message: e.message };
    default:
      return undefined;
  }
}
