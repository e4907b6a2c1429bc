import { type FileHandle, joinPath, writeFully } from '@logspec/core';
import { SessCode, SessionError, sessionError } from '../../errors.js';
import { crc32cUpper } from '../../hash.js';
import { isBlankLine } from '../../lines.js';
import { decodeFrameHead } from '../../records/reader.js';
import { type FrameHead, OFFSET_INDEX_SCHEMA } from '../../records/types.js';
import { encodeIndexRowText } from '../../records/writer.js';
import type { U64 } from '../../u64.js';
import { SessWarning } from '../../warnings.js';
import type { StoreContext } from '../context.js';
import { closeQuietly, FILE_MODE, mkdirp, pathExists, truncateFileTo } from '../fs-ops.js';
import { LineReader } from '../line-reader.js';
import { quarantineSegmentFile, quarantineTail } from '../quarantine.js';

/** A `*.seg` file as `list_segment_files` sees it. */
export interface SegmentFile {
  seq: U64;
  path: string;
  name: string;
}

const U64_MAX = (1n << 64n) - 1n;

/** Rust's `str::parse::<u64>()`: optional `+`, ASCII digits, no overflow. */
function parseU64Stem(stem: string): U64 | undefined {
  if (!/^\+?[0-9]+$/.test(stem)) return undefined;
  const v = BigInt(stem.startsWith('+') ? stem.slice(1) : stem);
  if (v > U64_MAX) return undefined;
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Rust's `Path::extension` + `file_stem` for a file name. */
function splitExtension(name: string): { stem: string; ext: string | undefined } {
  if (name === '..') return { stem: name, ext: undefined };
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return { stem: name, ext: undefined };
  return { stem: name.slice(0, dot), ext: name.slice(dot + 1) };
}

/** `list_segment_files`: `*.seg` whose stem parses as u64, sorted by that number (stable). */
export function listSegmentFiles(ctx: StoreContext): SegmentFile[] {
  const { fs, layout } = ctx;
  if (!pathExists(fs, layout.segments)) return [];
  const out: SegmentFile[] = [];
  for (const name of fs.readdir(layout.segments)) {
    const { stem, ext } = splitExtension(name);
    if (ext !== 'seg') continue;
    const seq = parseU64Stem(stem);
    if (seq === undefined) continue;
    out.push({ seq, path: joinPath(layout.segments, name), name });
  }
  return out.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
}

/**
 * `rebuild_index()`: rescans every segment, rewrites `index/offsets.jsonl` through
 * `tmp/offsets.rebuild.tmp`, heals a valid last line that lacks its newline, and at the
 * first torn last line, misplaced frame or non-increasing sequence truncates that segment
 * and quarantines the later ones as `.bak`. Returns the number of rows written.
 */
export function rebuildIndexOriginal(ctx: StoreContext): number {
  const { fs, layout } = ctx;
  const tmpPath = joinPath(layout.tmp, 'offsets.rebuild.tmp');
  mkdirp(fs, layout.tmp);
  if (pathExists(fs, tmpPath)) fs.unlink(tmpPath);
  let out: FileHandle | undefined = fs.open(tmpPath, { create: true, write: true, truncate: true, mode: FILE_MODE });
  let written = 0;
  let outPos = 0;
  const pending: string[] = [];
  let pendingBytes = 0;
  const flush = () => {
    if (pending.length === 0 || !out) return;
    const bytes = new TextEncoder().encode(pending.join(''));
    writeFully(out, bytes, outPos);
    outPos += bytes.length;
    pending.length = 0;
    pendingBytes = 0;
  };
  try {
    const segments = listSegmentFiles(ctx);
    let lastSeq: U64 = 0;
    segmentsLoop: for (let i = 0; i < segments.length; i++) {
      const seg = segments[i] as SegmentFile;
      const display = layout.display(seg.path);
      const h = fs.open(seg.path);
      try {
        const r = new LineReader(h, ctx.lineLimit);
        let byteOffset = 0;
        let lineNumber = 0;
        let expectedFrame: U64 = 1;
        for (;;) {
          let more: boolean;
          try {
            more = r.next();
          } catch (e) {
            if (e instanceof SessionError && e.ioKind === 'InvalidData') {
              if (isGarbageTail(ctx, segments, i, byteOffset)) {
                dropGarbageTail(ctx, segments, i, byteOffset, lineNumber + 1, e.piMessage);
                break segmentsLoop;
              }
              throw sessionError(
                SessCode.REBUILD_READ,
                `failed to read segment frame while rebuilding index: segment=${display} line=${lineNumber + 1}: ${e.piMessage}`,
                { offset: e.offset, cause: e, details: { segment: display, line: lineNumber + 1 } },
              );
            }
            throw e;
          }
          if (!more) break;
          lineNumber++;
          let lineLen = r.end - r.start;
          if (isBlankLine(r.bytes, r.start, r.end)) {
            byteOffset += lineLen;
            continue;
          }
          const missingNewline = r.bytes[r.end - 1] !== 0x0a;
          let jsonEnd = r.end;
          if (!missingNewline) jsonEnd--;
          while (jsonEnd > r.start && r.bytes[jsonEnd - 1] === 0x0d) jsonEnd--;
          let head: FrameHead;
          try {
            head = decodeFrameHead(r.bytes, r.start, jsonEnd, false);
          } catch (err) {
            if (!(err instanceof SessionError) || err.category !== 'json') throw err;
            if (!r.atEof() || !missingNewline) {
              if (isGarbageTail(ctx, segments, i, byteOffset)) {
                dropGarbageTail(ctx, segments, i, byteOffset, lineNumber, err.piMessage);
                break segmentsLoop;
              }
              throw sessionError(
                SessCode.REBUILD_PARSE,
                `failed to parse segment frame while rebuilding index: segment=${display} line=${lineNumber}: ${err.piMessage}`,
                { offset: byteOffset + (err.offset ?? 0), cause: err, details: { segment: display, line: lineNumber } },
              );
            }
            ctx.warn(
              SessWarning.TORN_FRAME,
              'SessionStoreV2 dropping corrupted frame during index rebuild; truncating segment and quarantining subsequent segments',
              { segment: display, line_number: lineNumber, error: err.piMessage, at_eof: true, missing_newline: true },
              { file: display, offset: byteOffset },
            );
            cutAndQuarantine(ctx, segments, i, byteOffset);
            break segmentsLoop;
          }
          let crc: string;
          if (!missingNewline) crc = crc32cUpper(r.bytes, r.start, r.end);
          else {
            const line = r.bytes.slice(r.start, r.end);
            ctx.warn(
              SessWarning.HEAL_NEWLINE,
              'SessionStoreV2 encountered valid frame missing trailing newline; healing segment',
              { segment: display, line_number: lineNumber },
              { file: display, offset: byteOffset + lineLen },
            );
            healNewline(ctx, seg.path);
            r.refreshSize();
            const b = r.readByte();
            if (b === undefined) {
              throw sessionError(
                SessCode.HEAL_FAILED,
                `failed to consume healed newline while rebuilding index: segment=${display} line=${lineNumber}: failed to fill whole buffer`,
              );
            }
            if (b !== 0x0a) {
              throw sessionError(
                SessCode.HEAL_FAILED,
                `healed newline read back as non-newline byte while rebuilding index: segment=${display} line=${lineNumber}: 0x${b.toString(16).toUpperCase().padStart(2, '0')}`,
              );
            }
            const healed = new Uint8Array(line.length + 1);
            healed.set(line);
            healed[line.length] = 0x0a;
            crc = crc32cUpper(healed);
            lineLen += 1;
          }
          if (head.segmentSeq !== seg.seq || head.frameSeq !== expectedFrame) {
            ctx.warn(
              SessWarning.COORDINATE_MISMATCH,
              'SessionStoreV2 detected mismatched embedded frame coordinates during rebuild; truncating segment and quarantining subsequent segments',
              {
                segment: display,
                line_number: lineNumber,
                expected_segment_seq: seg.seq,
                actual_segment_seq: head.segmentSeq,
                expected_frame_seq: expectedFrame,
                actual_frame_seq: head.frameSeq,
              },
              { file: display, offset: byteOffset },
            );
            cutAndQuarantine(ctx, segments, i, byteOffset);
            break segmentsLoop;
          }
          if (head.entrySeq <= lastSeq) {
            ctx.warn(
              SessWarning.SEQ_NOT_INCREASING,
              'SessionStoreV2 detected non-monotonic entry sequence during rebuild; truncating segment and quarantining subsequent segments',
              { segment: display, line_number: lineNumber, entry_seq: head.entrySeq, last_seq: lastSeq },
              { file: display, offset: byteOffset },
            );
            cutAndQuarantine(ctx, segments, i, byteOffset);
            break segmentsLoop;
          }
          lastSeq = head.entrySeq;
          const row = encodeIndexRowText({
            schema: OFFSET_INDEX_SCHEMA,
            entrySeq: head.entrySeq,
            entryId: head.entryId,
            segmentSeq: seg.seq,
            frameSeq: expectedFrame,
            byteOffset,
            byteLength: lineLen,
            crc32c: crc,
            state: 'active',
          });
          pending.push(row);
          pendingBytes += row.length;
          if (pendingBytes >= 1 << 16) flush();
          byteOffset += lineLen;
          written++;
          if (typeof expectedFrame === 'number' && expectedFrame < Number.MAX_SAFE_INTEGER) expectedFrame++;
          else {
            const next: bigint = BigInt(expectedFrame) + 1n;
            if (next > U64_MAX) throw sessionError(SessCode.SEQ_OVERFLOW, 'frame sequence overflow during rebuild');
            expectedFrame = next;
          }
        }
      } finally {
        closeQuietly(h);
      }
    }
    flush();
    out.fsync();
    out.close();
    out = undefined;
    fs.rename(tmpPath, layout.index);
    fs.fsyncDir(layout.indexDir);
  } finally {
    closeQuietly(out);
  }
  return written;
}

/** Truncates segment `i` at `at` (quarantining the cut first in logspec mode) and renames every later segment to `.bak`. */
function cutAndQuarantine(ctx: StoreContext, segments: SegmentFile[], i: number, at: number): void {
  const seg = segments[i] as SegmentFile;
  if (ctx.recovery === 'quarantine') quarantineTail(ctx, seg.path, at);
  truncateFileTo(ctx.fs, seg.path, at);
  for (const later of segments.slice(i + 1)) {
    const backup = quarantineSegmentFile(ctx, later.path);
    ctx.warn(
      SessWarning.SEGMENT_QUARANTINED,
      'SessionStoreV2 quarantined trailing segment during rebuild',
      { segment: ctx.layout.display(later.path), backup: ctx.layout.display(backup) },
      { file: ctx.layout.display(later.path) },
    );
  }
  if (ctx.durability === 'entry') ctx.fs.fsyncDir(ctx.layout.segments);
}

/**
 * logspec (quarantine mode only): is everything from `at` to the end of the LAST segment
 * unreadable — no line after it parses as a frame? That is what a crash leaves when a
 * file system appends garbage to an unsynced file; the original refuses to open such a
 * store, logspec cuts the garbage like a torn last line (after copying it to quarantine/).
 * A valid frame after the bad bytes means real corruption: then the open fails as the original.
 */
function isGarbageTail(ctx: StoreContext, segments: SegmentFile[], i: number, at: number): boolean {
  if (ctx.recovery !== 'quarantine' || i !== segments.length - 1) return false;
  const h = ctx.fs.open((segments[i] as SegmentFile).path);
  try {
    return !anyFrameAfter(ctx, h, at);
  } finally {
    closeQuietly(h);
  }
}

/** Does any line after the one at `from` parse as a frame? Unreadable lines are skipped. */
function anyFrameAfter(ctx: StoreContext, h: FileHandle, from: number): boolean {
  let pos = from;
  let skipFirst = true;
  for (;;) {
    const r = new LineReader(h, ctx.lineLimit, 1 << 20, pos);
    let restart = false;
    while (!restart) {
      let more: boolean;
      try {
        more = r.next();
      } catch (e) {
        if (!(e instanceof SessionError) || e.ioKind !== 'InvalidData') throw e;
        const nl = nextNewline(h, r.position());
        if (nl < 0) return false;
        pos = nl + 1;
        skipFirst = false;
        restart = true;
        continue;
      }
      if (!more) return false;
      if (skipFirst) {
        skipFirst = false;
        continue;
      }
      const end = r.bytes[r.end - 1] === 0x0a ? r.end - 1 : r.end;
      try {
        decodeFrameHead(r.bytes, r.start, end, false);
        return true;
      } catch (e) {
        if (!(e instanceof SessionError)) throw e;
      }
    }
  }
}

/** Offset of the first `\n` at or after `from`, or -1. */
function nextNewline(h: FileHandle, from: number): number {
  const size = h.size();
  const chunk = new Uint8Array(1 << 16);
  for (let pos = from; pos < size; ) {
    const n = h.read(chunk, 0, Math.min(chunk.length, size - pos), pos);
    if (n <= 0) return -1;
    const nl = chunk.subarray(0, n).indexOf(0x0a);
    if (nl >= 0) return pos + nl;
    pos += n;
  }
  return -1;
}

function dropGarbageTail(
  ctx: StoreContext,
  segments: SegmentFile[],
  i: number,
  at: number,
  lineNumber: number,
  error: string,
): void {
  const display = ctx.layout.display((segments[i] as SegmentFile).path);
  ctx.warn(
    SessWarning.GARBAGE_TAIL,
    'logspec: dropping unreadable bytes at the end of the last segment during index rebuild; quarantining them',
    { segment: display, line_number: lineNumber, error },
    { file: display, offset: at },
  );
  cutAndQuarantine(ctx, segments, i, at);
}

/** Appends the missing `\n` (the original does not sync it; logspec does with durable appends). */
function healNewline(ctx: StoreContext, path: string): void {
  const h = ctx.fs.open(path, { write: true });
  try {
    writeFully(h, new Uint8Array([0x0a]), h.size());
    if (ctx.durability === 'entry') h.fdatasync();
  } finally {
    closeQuietly(h);
  }
}
