import { type FileHandle, readFully, sha256Hex } from '@logspec/core';
import { type FrameCheck, fastFrameCheck, shaBytesEqual } from '../fast.js';
import { chainHashStep, crc32cUpper, GENESIS_CHAIN_HASH } from '../hash.js';
import { MAX_LINE_BYTES } from '../lines.js';
import { decodeFrameHead, type FrameHead, type IndexRow, payloadMatches } from '../schema.js';
import type { StoreContext } from './context.js';
import { closeQuietly } from './fs-ops.js';

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
  if (n === 0) return { chainHash: GENESIS_CHAIN_HASH, totalBytes: 0 };
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

  const parents = new Map<string, string | undefined>();
  const check: FrameCheck = { parentEntryId: undefined, payloadStart: 0, payloadEnd: 0, shaStart: 0 };
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
        if (crc32cUpper(b, at, at + len) !== row.crc32c) return undefined;
        const end = len > 0 && b[at + len - 1] === 0x0a ? at + len - 1 : at + len;
        let parent: string | undefined;
        let sha: string;
        if (fastFrameCheck(b, at, end, row, check)) {
          sha = sha256Hex(b.subarray(check.payloadStart, check.payloadEnd));
          if (!shaBytesEqual(b, check.shaStart, sha)) return undefined;
          parent = check.parentEntryId;
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
          sha = head.payloadSha256;
          parent = head.parentEntryId;
        }
        if (parents.has(row.entryId)) return undefined;
        if (parent !== undefined && !parents.has(parent)) forwardRef = true;
        parents.set(row.entryId, parent);
        chain = chainHashStep(chain, sha);
        total += len;
      }
    } finally {
      closeQuietly(h);
    }
  }
  if (forwardRef && !parentGraphSound(parents)) return undefined;
  return { chainHash: chain, totalBytes: total };
}

/** Every parent exists and following parents never loops. */
function parentGraphSound(parents: Map<string, string | undefined>): boolean {
  for (const p of parents.values()) if (p !== undefined && !parents.has(p)) return false;
  const done = new Set<string>();
  for (const start of parents.keys()) {
    const path = new Set<string>();
    let cur: string | undefined = start;
    while (cur !== undefined && !done.has(cur)) {
      if (path.has(cur)) return false;
      path.add(cur);
      cur = parents.get(cur);
    }
    for (const id of path) done.add(id);
  }
  return true;
}
