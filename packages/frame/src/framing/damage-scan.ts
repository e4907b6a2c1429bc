import type { FileHandle } from '@logspec/core';
import { searchWitness, WITNESS_BUDGET } from '../hot/recovery.js';
import { DEFAULT_SCAN_CHUNK, scanFileFrames } from './file-scan.js';
import type { FrameLayout, FrameVisitor, ScanStop } from './layout.js';

/**
 * A frame scan that reads past damage. Where `scanFileFrames` stops at the first torn or
 * CRC-bad frame, this one looks for the next valid frame after it (a witness: complete,
 * CRC-valid, non-empty, at any byte offset; see `findWitness`) and reads on from there, so a
 * checker can name every damaged region and every valid frame that follows one. Each damaged
 * region is reported once, as a range — a run of 2 million zero-filled empty frames is one
 * region — and the cost stays linear in the file's size: the frames are read once, the
 * witness searches after all regions share one CRC budget.
 */

/** One damaged region `[at, end)`. */
export interface FrameDamage {
  /** The first bad byte: the bad frame's start, or the first of a run of empty frames. */
  at: number;
  /** Where the damage ends: the valid frame after it, or the end of the scanned range. */
  end: number;
  /** What the scan met at `at`: a frame that runs past the end, a CRC mismatch, or empty frames. */
  kind: 'torn' | 'crc_mismatch' | 'empty_frames';
  /** The stop as the frame scanner reported it (CRCs, lengths); for `empty_frames` a `stopped` stop. */
  stop: ScanStop;
  /** The valid frame reading resumed at (`end`), or null when none follows in the range. */
  resumeAt: number | null;
  /** The witness search gave up (its CRC budget spent): valid frames may follow, unread. */
  searchGaveUp: boolean;
}

export interface DamageScanOptions {
  start?: number;
  end?: number;
  chunkSize?: number;
  /**
   * Empty frames (8 zero bytes: what a file system's zero fill reads as) are damage, not frames
   * (default true: no writer of the hot log's events or of the segment log writes an empty
   * payload). With false they are visited as frames.
   */
  emptyFramesAreDamage?: boolean;
  /** CRC bytes all witness searches together may checksum (default 64 MiB plus the range's size). */
  witnessBudget?: number;
}

/** How the scan ended: `stopped` when the visitor returned false, else `end`. */
export interface DamageScanResult {
  reason: 'end' | 'stopped';
  /** Where it ended (the position after the last frame visited, or the range's end). */
  offset: number;
  /** Damaged regions met (also passed to `onDamage`, in order). */
  regions: number;
}

/**
 * Visits every complete, CRC-valid frame of `[start, end)` in order, as `scanFileFrames` does,
 * and calls `onDamage` once per damaged region between them. The visitor or `onDamage`
 * returning false stops the scan (a reader that stops at damage, as the originals' do, still
 * learns the damage's extent and whether valid frames follow). Offsets are file positions.
 */
export function scanFileFramesAcrossDamage(
  handle: FileHandle,
  layout: FrameLayout,
  visit: FrameVisitor,
  onDamage: (d: FrameDamage) => unknown,
  opts: DamageScanOptions = {},
): DamageScanResult {
  let pos = opts.start ?? 0;
  const end = opts.end ?? handle.size();
  const emptyIsDamage = opts.emptyFramesAreDamage ?? true;
  let budget = opts.witnessBudget ?? WITNESS_BUDGET + Math.max(0, end - pos);
  let regions = 0;
  while (pos < end) {
    let emptyAt = -1;
    let stoppedByVisitor = false;
    const stop = scanFileFrames(
      handle,
      layout,
      (ps, pe, at, bytes) => {
        if (emptyIsDamage && pe === ps) {
          emptyAt = at;
          return false;
        }
        if (visit(ps, pe, at, bytes) === false) {
          stoppedByVisitor = true;
          return false;
        }
        return undefined;
      },
      { start: pos, end, chunkSize: opts.chunkSize ?? DEFAULT_SCAN_CHUNK },
    );
    if (stoppedByVisitor) return { reason: 'stopped', offset: stop.offset, regions };
    if (stop.reason === 'end') return { reason: 'end', offset: stop.offset, regions };
    const at = emptyAt >= 0 ? emptyAt : stop.offset;
    const kind: FrameDamage['kind'] = emptyAt >= 0 ? 'empty_frames' : stop.reason === 'torn' ? 'torn' : 'crc_mismatch';
    const w = searchWitness(handle, at, end, layout, Math.max(0, budget));
    budget -= w.work;
    const resumeAt = w.at ?? null;
    regions++;
    const go = onDamage({
      at,
      end: resumeAt ?? end,
      kind,
      stop: emptyAt >= 0 ? { reason: 'stopped', offset: at } : stop,
      resumeAt,
      searchGaveUp: w.gaveUp,
    });
    if (go === false) return { reason: 'stopped', offset: at, regions };
    if (resumeAt === null) return { reason: 'end', offset: end, regions };
    pos = resumeAt;
  }
  return { reason: 'end', offset: pos, regions };
}
