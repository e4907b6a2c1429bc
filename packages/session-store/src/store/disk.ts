import type { FileHandle, Fs } from '@logspec/core';
import { SessCode, SessionError, sessionError } from '../errors.js';
import { isValidUtf8 } from '../json/utf8.js';
import { isBlankLine, jsonLineEnd, MAX_LINE_BYTES } from '../lines.js';
import { decodeCheckpoint, decodeIndexRow, decodeManifest, decodeMigrationEvent } from '../records/reader.js';
import type { Checkpoint, IndexRow, Manifest, MigrationEvent } from '../records/types.js';
import { checkedAddU64, type U64 } from '../u64.js';
import { atLine } from './context.js';
import { closeQuietly, pathExists, readExact } from './fs-ops.js';
import type { Layout } from './layout.js';
import { LineReader } from './line-reader.js';

/**
 * The original's disk readers, reproduced as they are: `read_jsonl`, the
 * `SegmentFileReader` used by bootstrap and the read APIs, and the small JSON files.
 */

/** `read_jsonl::<T>`: blank lines skipped, each other line parsed with `from_str`. */
export function readJsonl<T>(
  fs: Fs,
  path: string,
  decode: (b: Uint8Array, start: number, end: number) => T,
  limit = MAX_LINE_BYTES,
  offsets?: number[],
): T[] {
  const h = fs.open(path);
  try {
    const r = new LineReader(h, limit);
    const out: T[] = [];
    let lineNo = 0;
    while (r.next()) {
      lineNo++;
      if (isBlankLine(r.bytes, r.start, r.end)) continue;
      try {
        out.push(decode(r.bytes, r.start, jsonLineEnd(r.bytes, r.start, r.end)));
        offsets?.push(r.offset);
      } catch (e) {
        throw atLine(e, path, r.offset, lineNo);
      }
    }
    return out;
  } finally {
    closeQuietly(h);
  }
}

/** `read_index`: the rows of `index/offsets.jsonl` (none when it does not exist); `offsets` gets each row's line offset. */
export function readIndexFile(fs: Fs, layout: Layout, limit = MAX_LINE_BYTES, offsets?: number[]): IndexRow[] {
  if (!pathExists(fs, layout.index)) return [];
  return readJsonl(fs, layout.index, (b, s, e) => decodeIndexRow(b, s, e, false), limit, offsets);
}

export function readMigrationEventsFile(fs: Fs, layout: Layout, limit = MAX_LINE_BYTES): MigrationEvent[] {
  if (!pathExists(fs, layout.ledger)) return [];
  return readJsonl(fs, layout.ledger, (b, s, e) => decodeMigrationEvent(b, s, e, false), limit);
}

/** `fs::read_to_string`: the file as UTF-8, or an `InvalidData` I/O error. */
export function readUtf8File(fs: Fs, path: string): Uint8Array {
  const bytes = fs.readFile(path);
  if (!isValidUtf8(bytes)) {
    throw new SessionError(SessCode.BAD_UTF8, 'io', 'stream did not contain valid UTF-8', {
      ioKind: 'InvalidData',
      details: { path },
    });
  }
  return bytes;
}

/** `read_checkpoint`: `undefined` when the file does not exist. */
export function readCheckpointFile(fs: Fs, layout: Layout, seq: U64): Checkpoint | undefined {
  const path = layout.checkpoint(seq);
  if (!pathExists(fs, path)) return undefined;
  return decodeCheckpoint(readUtf8File(fs, path));
}

/** `read_manifest`: a parse failure is a session error naming the file, as in the original. */
export function readManifestFile(fs: Fs, layout: Layout): Manifest | undefined {
  const path = layout.manifest;
  if (!pathExists(fs, path)) return undefined;
  const bytes = readUtf8File(fs, path);
  try {
    return decodeManifest(bytes);
  } catch (e) {
    if (e instanceof SessionError && e.category === 'json') {
      throw sessionError(SessCode.MANIFEST_PARSE, `Failed to parse manifest ${layout.display(path)}: ${e.piMessage}`, {
        offset: e.offset,
        cause: e,
      });
    }
    throw e;
  }
}

/** Checkpoint sequence numbers present in `checkpoints/` (`<seq:016>.json`), ascending. */
export function listCheckpointSeqs(fs: Fs, layout: Layout): U64[] {
  if (!fs.stat(layout.checkpoints)?.isDirectory) return [];
  const out: { seq: U64; big: bigint }[] = [];
  for (const name of fs.readdir(layout.checkpoints)) {
    const m = /^(\d+)\.json$/.exec(name);
    if (!m) continue;
    const big = BigInt(m[1] as string);
    if (big > (1n << 64n) - 1n) continue;
    const seq: U64 = big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
    if (layout.checkpoint(seq).endsWith(`/${name}`)) out.push({ seq, big });
  }
  return out.sort((a, b) => (a.big < b.big ? -1 : a.big > b.big ? 1 : 0)).map((x) => x.seq);
}

/** Error texts shared by the readers (the original's format strings). */
export const msg = {
  rangeOverflow: () => 'index byte range overflow',
  outOfBounds: (path: string, end: U64, len: number) =>
    `index out of bounds for segment ${path}: end=${end} len=${len}`,
  frameTooLong: (len: U64) => `frame byte length ${len} exceeds limit`,
};

/**
 * The original's `SegmentFileReader::read_frame` minus the parse: checks a row's range
 * against its segment and returns the line bytes with the trailing `\n` removed
 * (`undefined` when the segment file does not exist). Keeps one segment open at a time.
 */
export class SegmentFileReader {
  private seq: U64 | undefined;
  private h: FileHandle | undefined;
  private len = 0;

  constructor(
    private readonly fs: Fs,
    private readonly layout: Layout,
    private readonly maxSegmentBytes: number,
  ) {}

  /** The row's bytes, including the `\n` when present; `undefined` if the segment is missing. */
  readRow(row: IndexRow): Uint8Array | undefined {
    if (this.seq !== row.segmentSeq) {
      closeQuietly(this.h);
      this.h = undefined;
      this.seq = row.segmentSeq;
      const path = this.layout.segment(row.segmentSeq);
      if (pathExists(this.fs, path)) {
        this.h = this.fs.open(path);
        this.len = this.h.size();
      }
    }
    if (!this.h) return undefined;
    const end = checkedAddU64(row.byteOffset, row.byteLength);
    if (end === undefined) throw sessionError(SessCode.RANGE_OVERFLOW, msg.rangeOverflow());
    if (end > this.len) {
      throw sessionError(
        SessCode.INDEX_OUT_OF_BOUNDS,
        msg.outOfBounds(this.layout.display(this.layout.segment(row.segmentSeq)), end, this.len),
        { details: { entrySeq: row.entrySeq } },
      );
    }
    if (row.byteLength > Math.max(this.maxSegmentBytes, MAX_LINE_BYTES)) {
      throw sessionError(SessCode.FRAME_TOO_LONG, msg.frameTooLong(row.byteLength));
    }
    return readExact(this.h, Number(row.byteLength), Number(row.byteOffset));
  }

  close(): void {
    closeQuietly(this.h);
    this.h = undefined;
    this.seq = undefined;
  }
}

export { frameTextEnd as frameEnd } from '../lines.js';
