import { SessCode, sessionError } from '../errors.js';
import { EMPTY_CRC32C, GENESIS_CHAIN_HASH } from '../hash.js';
import type { IndexRow, IndexSummary, SegmentFrame, StoreHead } from '../records/types.js';
import { checkedAddU64, saturatingSubU64, type U64 } from '../u64.js';
import type { BootState } from './recovery/bootstrap.js';

/**
 * What an open store knows without reading a file: the original's fields (next sequence
 * numbers, the active segment's length, the chain hash, totals) and logspec's in-memory
 * index (every row in order, and the row of each entry id).
 */
export class StoreState {
  // The original's fields.
  nextSegmentSeq: U64 = 1;
  nextFrameSeq: U64 = 1;
  nextEntrySeq: U64 = 1;
  currentSegmentBytes = 0;
  chainHash = GENESIS_CHAIN_HASH;
  totalBytes: U64 = 0;
  lastEntryId: string | undefined;
  lastCrc32c = EMPTY_CRC32C;

  // logspec's in-memory index.
  rows: IndexRow[] = [];
  private byId = new Map<string, number>();
  /** The first entry id the index holds twice (then the active path is refused, as the original). */
  private duplicateId: string | undefined;

  /** Takes over the state bootstrapped from disk. */
  adopt(b: BootState): void {
    this.nextSegmentSeq = b.nextSegmentSeq;
    this.nextFrameSeq = b.nextFrameSeq;
    this.nextEntrySeq = b.nextEntrySeq;
    this.currentSegmentBytes = b.currentSegmentBytes;
    this.chainHash = b.chainHash;
    this.totalBytes = b.totalBytes;
    this.lastEntryId = b.lastEntryId;
    this.lastCrc32c = b.lastCrc32c;
    this.rows = b.rows;
    this.duplicateId = undefined;
    if (b.byId) {
      this.byId = b.byId;
    } else {
      this.byId = new Map();
      for (let i = 0; i < b.rows.length; i++) {
        const row = b.rows[i] as IndexRow;
        if (this.byId.has(row.entryId)) this.duplicateId ??= row.entryId;
        else this.byId.set(row.entryId, i);
      }
    }
  }

  /** After an append of `row` (its line is on disk and indexed): the new counters and chain hash. */
  appended(row: IndexRow, nextFrameSeq: U64, nextEntrySeq: U64, chainHash: string): void {
    const length = row.byteLength as number;
    this.nextSegmentSeq = row.segmentSeq;
    this.nextFrameSeq = nextFrameSeq;
    this.nextEntrySeq = nextEntrySeq;
    this.currentSegmentBytes = (row.byteOffset as number) + length;
    this.chainHash = chainHash;
    this.totalBytes = (checkedAddU64(this.totalBytes, length) ?? this.totalBytes) as U64;
    this.lastEntryId = row.entryId;
    this.lastCrc32c = row.crc32c;
    if (this.byId.has(row.entryId)) this.duplicateId ??= row.entryId;
    else this.byId.set(row.entryId, this.rows.length);
    this.rows.push(row);
  }

  hasId(entryId: string): boolean {
    return this.byId.has(entryId);
  }

  /** The row of `entryId`, or `undefined`. O(1). */
  rowOfId(entryId: string): IndexRow | undefined {
    const i = this.byId.get(entryId);
    return i === undefined ? undefined : this.rows[i];
  }

  /** The row with `entrySeq`: O(1) for the usual 1..n sequence, else binary search. */
  rowOfSeq(entrySeq: U64): IndexRow | undefined {
    const rows = this.rows;
    const n = rows.length;
    if (n === 0) return undefined;
    const first = (rows[0] as IndexRow).entrySeq;
    if (typeof entrySeq === 'number' && typeof first === 'number') {
      const guess = entrySeq - first;
      if (guess >= 0 && guess < n && (rows[guess] as IndexRow).entrySeq === entrySeq) return rows[guess];
    }
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((rows[mid] as IndexRow).entrySeq < entrySeq) lo = mid + 1;
      else hi = mid;
    }
    return lo < n && (rows[lo] as IndexRow).entrySeq === entrySeq ? rows[lo] : undefined;
  }

  /** `entry_count`: next entry seq − 1. */
  entryCount(): U64 {
    return saturatingSubU64(this.nextEntrySeq, 1);
  }

  /** `head`: the last entry and the segment appends go to; `undefined` when empty. */
  head(): StoreHead | undefined {
    if (this.lastEntryId === undefined) return undefined;
    return {
      segmentSeq: this.nextSegmentSeq,
      entrySeq: saturatingSubU64(this.nextEntrySeq, 1),
      entryId: this.lastEntryId,
    };
  }

  /** `index_summary`. */
  indexSummary(): IndexSummary | undefined {
    const first = this.rows[0];
    const last = this.rows[this.rows.length - 1];
    if (!first || !last) return undefined;
    return {
      entryCount: this.rows.length,
      firstEntrySeq: first.entrySeq,
      lastEntrySeq: last.entrySeq,
      lastEntryId: last.entryId,
    };
  }

  /**
   * `read_active_path`: the chain of frames from the root to `leafEntryId` (empty when the
   * leaf is unknown), with the original's duplicate, cycle, missing-parent and mismatch
   * errors. O(depth) with the in-memory index.
   */
  activePath(leafEntryId: string, readFrame: (row: IndexRow) => SegmentFrame | undefined): SegmentFrame[] {
    if (this.duplicateId !== undefined) {
      throw sessionError(
        SessCode.DUPLICATE_ID,
        `duplicate entry_id detected while reading active path: ${this.duplicateId}`,
      );
    }
    const frames: SegmentFrame[] = [];
    const visited = new Set<string>();
    let current: string | undefined = leafEntryId;
    while (current !== undefined) {
      if (visited.has(current)) {
        throw sessionError(
          SessCode.PARENT_CYCLE,
          `cyclic parent chain detected while reading active path at entry_id=${current}`,
        );
      }
      visited.add(current);
      const row = this.rowOfId(current);
      if (row === undefined) {
        if (frames.length === 0) break;
        throw sessionError(
          SessCode.MISSING_PARENT,
          `missing parent entry detected while reading active path at entry_id=${current}`,
        );
      }
      const frame = readFrame(row);
      if (!frame) {
        throw sessionError(
          SessCode.MISSING_FRAME,
          `index references missing frame while reading active path at entry_id=${current}`,
        );
      }
      if (frame.entryId !== row.entryId) {
        throw sessionError(
          SessCode.INDEX_FRAME_MISMATCH,
          `active path index/frame mismatch for entry_id=${row.entryId} frame=${frame.entryId}`,
        );
      }
      current = frame.parentEntryId;
      frames.push(frame);
    }
    return frames.reverse();
  }
}
