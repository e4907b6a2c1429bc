import { type FileHandle, readFully, sha256Hex } from '@logspec/core';
import { chainHashStep, chainStepIfClaimed, crc32cMatches, GENESIS_CHAIN_HASH } from '../../hash.js';
import { asciiString, bytesEqual } from '../../json/ascii.js';
import { MAX_LINE_BYTES } from '../../lines.js';
import {
  FrameSpans,
  indexLineEnd,
  releaseLiteralView,
  scanFrameAsWritten,
  scanIndexLineAsWritten,
} from '../../records/as-written.js';
import { decodeFrameHead, payloadMatches } from '../../records/reader.js';
import type { FrameHead, IndexRow } from '../../records/types.js';
import type { StoreContext } from '../context.js';
import { closeQuietly } from '../fs-ops.js';

/**
 * One pass over the index and every frame that checks everything `bootstrap_from_disk`
 * and `validate_integrity` check (bounds, size limit, CRC-32C, frame JSON, coordinates,
 * payload hash and size, duplicate ids, parent links, cycles) and computes the chain hash.
 * It reads each segment in large windows instead of one `pread` per row, and hashes each
 * frame once where the original reads and parses every frame twice.
 *
 * It never reports an error: on the first anomaly it answers `undefined`, and the caller
 * runs the original's literal sequence, which then produces the original's exact error,
 * warnings and repairs. So the fast path can only ever say "the original would have found
 * nothing to do".
 */

export interface ScanResult {
  chainHash: string;
  totalBytes: number;
  /** Entry id → row index (no duplicates: the scan fails on one). */
  byId: Map<string, number>;
}

const WINDOW = 8 << 20;

class Window {
  buf = new Uint8Array(0);
  start = 0;
  len = 0;
  constructor(
    private readonly h: FileHandle,
    readonly size: number,
  ) {}
  /** Makes `[offset, offset+length)` (inside the file) readable; returns its index in `buf`. */
  at(offset: number, length: number): number {
    if (offset >= this.start && offset + length <= this.start + this.len) return offset - this.start;
    const want = Math.max(length, Math.min(WINDOW, this.size - offset));
    if (this.buf.length < want) this.buf = new Uint8Array(want);
    const n = readFully(this.h, this.buf, 0, want, offset);
    this.start = offset;
    this.len = n;
    return n < length ? -1 : 0;
  }
}

export function scanStore(ctx: StoreContext, rows: readonly IndexRow[]): ScanResult | undefined {
  const { fs, layout } = ctx;
  const n = rows.length;
  if (n === 0) return { chainHash: GENESIS_CHAIN_HASH, totalBytes: 0, byId: new Map() };
  const limit = Math.max(ctx.maxSegmentBytes, MAX_LINE_BYTES);
  let prevSeq = 0;
  let prevSegment = 0;
  for (const r of rows) {
    if (
      typeof r.entrySeq !== 'number' ||
      typeof r.segmentSeq !== 'number' ||
      typeof r.frameSeq !== 'number' ||
      typeof r.byteOffset !== 'number' ||
      typeof r.byteLength !== 'number'
    ) {
      return undefined;
    }
    if (r.entrySeq <= prevSeq || r.segmentSeq < prevSegment) return undefined;
    if (r.byteLength > limit) return undefined;
    prevSeq = r.entrySeq;
    prevSegment = r.segmentSeq;
  }
  const last = rows[n - 1] as IndexRow;
  const activeSize = fs.stat(layout.segment(last.segmentSeq))?.size;
  if (activeSize !== (last.byteOffset as number) + (last.byteLength as number)) return undefined;

  const byId = new Map<string, number>();
  const parentOf: (string | undefined)[] = [];
  let prevId: string | undefined;
  const spans = new FrameSpans();
  let forwardRef = false;
  let chain = GENESIS_CHAIN_HASH;
  let total = 0;
  let i = 0;
  while (i < n) {
    const seg = (rows[i] as IndexRow).segmentSeq as number;
    const path = layout.segment(seg);
    let h: FileHandle;
    try {
      if (!fs.stat(path)?.isFile) return undefined;
      h = fs.open(path);
    } catch {
      return undefined;
    }
    try {
      const w = new Window(h, h.size());
      for (; i < n && (rows[i] as IndexRow).segmentSeq === seg; i++) {
        const row = rows[i] as IndexRow;
        const off = row.byteOffset as number;
        const len = row.byteLength as number;
        if (off + len > w.size) return undefined;
        const at = w.at(off, len);
        if (at < 0) return undefined;
        const b = w.buf;
        if (!crc32cMatches(b, at, at + len, row.crc32c)) return undefined;
        const end = len > 0 && b[at + len - 1] === 0x0a ? at + len - 1 : at + len;
        let parent: string | undefined;
        let next: string | undefined;
        // The frame as written, with the row's seqs and id (what validate_integrity compares)?
        if (
          scanFrameAsWritten(b, at, end, spans) &&
          spans.segmentSeq === row.segmentSeq &&
          spans.frameSeq === row.frameSeq &&
          spans.entrySeq === row.entrySeq &&
          bytesEqual(b, spans.idStart, spans.idEnd, row.entryId) &&
          spans.shaEnd - spans.shaStart === 64
        ) {
          const sha = sha256Hex(b.subarray(spans.payloadStart, spans.payloadEnd));
          // A claimed hash spelled otherwise (upper case…) goes through the general decoder below.
          next = chainStepIfClaimed(chain, sha, b, spans.shaStart);
          // Usually the previous entry: reuse its string (same characters) instead of building one.
          const ps = spans.parentStart;
          const pe = spans.parentEnd;
          if (ps >= 0) parent = prevId !== undefined && bytesEqual(b, ps, pe, prevId) ? prevId : asciiString(b, ps, pe);
        }
        if (next !== undefined) {
          chain = next;
        } else {
          let head: FrameHead;
          try {
            head = decodeFrameHead(b, at, end, true);
          } catch {
            return undefined;
          }
          if (
            head.entrySeq !== row.entrySeq ||
            head.entryId !== row.entryId ||
            head.segmentSeq !== row.segmentSeq ||
            head.frameSeq !== row.frameSeq
          ) {
            return undefined;
          }
          if (!payloadMatches(head, b)) return undefined;
          parent = head.parentEntryId;
          chain = chainHashStep(chain, head.payloadSha256);
        }
        // The previous row's id is known to be present; any other parent is looked up (before
        // this row's id goes in, so that a self-parent counts as a forward reference).
        if (parent !== undefined && parent !== prevId && !byId.has(parent)) forwardRef = true;
        const size = byId.size;
        byId.set(row.entryId, i);
        if (byId.size === size) return undefined; // a duplicate id
        parentOf.push(parent);
        prevId = row.entryId;
        total += len;
      }
    } finally {
      closeQuietly(h);
      releaseLiteralView();
    }
  }
  if (forwardRef && !parentGraphSound(byId, parentOf)) return undefined;
  return { chainHash: chain, totalBytes: total, byId };
}

/** Every parent exists and following parents never loops (`parentOf[i]`: row i's parent id). */
function parentGraphSound(byId: Map<string, number>, parentOf: readonly (string | undefined)[]): boolean {
  for (const p of parentOf) if (p !== undefined && !byId.has(p)) return false;
  const ON_PATH = 1;
  const DONE = 2;
  const state = new Uint8Array(parentOf.length);
  const path: number[] = [];
  for (let start = 0; start < parentOf.length; start++) {
    let cur = start;
    while (cur >= 0 && state[cur] === 0) {
      state[cur] = ON_PATH;
      path.push(cur);
      const p = parentOf[cur];
      cur = p === undefined ? -1 : (byId.get(p) as number);
    }
    if (cur >= 0 && state[cur] === ON_PATH) return false;
    for (const j of path) state[j] = DONE;
    path.length = 0;
  }
  return true;
}

/** Index lines longer than this go to the general reader (rows are a few hundred bytes). */
const FAST_ROW_MAX = 64 * 1024;

/**
 * `read_index` for an index whose every line is a canonical row ending in `\n` (what the
 * writer produces): the same rows `readIndexFile` gives, without its per-line UTF-8 pass
 * (canonical rows are ASCII). Answers `undefined` for anything else (blank or long lines, a
 * missing final newline, any other spelling, I/O errors), and the caller then runs
 * `readIndexFile`, which reports or accepts as the original does.
 */
export function readIndexFast(ctx: StoreContext): IndexRow[] | undefined {
  const { fs, layout } = ctx;
  let h: FileHandle;
  try {
    if (!fs.stat(layout.index)?.isFile) return undefined;
    h = fs.open(layout.index);
  } catch {
    return undefined;
  }
  try {
    const size = h.size();
    const limit = Math.min(ctx.lineLimit, FAST_ROW_MAX);
    const buf = new Uint8Array(Math.max(1, Math.min(WINDOW, size)));
    const rows: IndexRow[] = [];
    let base = 0;
    let len = 0;
    let p = 0;
    for (;;) {
      const row = p < len ? scanIndexLineAsWritten(buf, p, len) : undefined;
      if (row) {
        const next = indexLineEnd + 1;
        if (next - p > limit) return undefined;
        rows.push(row);
        p = next;
        continue;
      }
      // Not a whole canonical row: the next one is cut by the window end, or this is no row.
      const nl = p < len ? buf.indexOf(0x0a, p) : -1;
      if (nl >= 0 && nl < len) return undefined;
      const fileLeft = size - (base + len);
      if (fileLeft <= 0) return p === len ? rows : undefined;
      if (len - p >= limit) return undefined;
      buf.copyWithin(0, p, len);
      base += p;
      len -= p;
      p = 0;
      const n = readFully(h, buf, len, Math.min(buf.length - len, fileLeft), base + len);
      if (n === 0) return undefined;
      len += n;
    }
  } catch {
    return undefined;
  } finally {
    closeQuietly(h);
    releaseLiteralView();
  }
}
