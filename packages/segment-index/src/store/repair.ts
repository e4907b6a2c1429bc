import { basename, type Fs, joinPath } from '@logspec/core';
import { segmentFileName, TIME_INDEX_SUFFIX } from '../codec/names.js';
import { Partition } from './partition.js';
import { Segment } from './segment.js';
import type { RecoveryReport } from './segment-recovery.js';
import { segmentLogOf } from './survey.js';

/**
 * Repair of a segment log (a partition directory, or one segment): the store's own recovery at
 * open — every segment checked, sealed ones too; a torn tail cut; the `.index` (and
 * `.timeindex`) rebuilt where an entry is bad. Without `force` a tail is cut only when no
 * valid frame follows it (`tail: 'torn-only'`, SEG-S-010); with it the recovery cuts at the
 * first damage. `logspec repair` runs it on the real files and the browser inspector on a
 * copy-on-write view; both report its lines.
 */

export interface SegmentRepairOptions {
  force: boolean;
}

/** Runs the recovery on `path`; returns what it did, as lines. */
export function repairSegmentLog(fs: Fs, path: string, opts: SegmentRepairOptions): string[] {
  const log = segmentLogOf(fs, path);
  const tail = opts.force ? 'truncate' : 'torn-only';
  const hasTimeIndex = (dir: string, base: bigint) =>
    fs.exists(joinPath(dir, segmentFileName(base, TIME_INDEX_SUFFIX)));
  if (!log?.partition) {
    const seg = log?.segments[0] ?? {
      base: 0n,
      dir: path.slice(0, path.lastIndexOf('/')) || '/',
      name: basename(path),
    };
    const s = Segment.open(fs, seg.dir, seg.base, { timeIndex: hasTimeIndex(seg.dir, seg.base), create: false, tail });
    try {
      return recoveryLines(s.recovery, seg.name);
    } finally {
      s.close();
    }
  }
  const timeIndex = log.segments.some((s) => hasTimeIndex(log.dir, s.base));
  const p = Partition.open(fs, log.dir, { timeIndex, create: false, recoverSealed: true, tail });
  try {
    return p.recoveries.flatMap((r) => recoveryLines(r.recovery, segmentFileName(r.baseOffset)));
  } finally {
    p.close();
  }
}

function recoveryLines(r: RecoveryReport | null | undefined, what: string): string[] {
  if (!r) return [`${what}: no recovery ran`];
  const out = [`${what}: tail ${r.tail}${r.truncatedBytes ? `, ${r.truncatedBytes} bytes cut` : ''}`];
  for (const p of r.indexProblems) out.push(`${p.code} in .${p.file} at byte ${p.offset}: ${p.message}`);
  if (r.indexRebuilt) out.push('the .index was rebuilt from the log (a bad entry makes the whole index untrusted)');
  if (r.indexEntriesDropped)
    out.push(`${r.indexEntriesDropped} index entries dropped (torn, out of order or not at their frame)`);
  if (r.indexEntriesAdded) out.push(`${r.indexEntriesAdded} index entries rebuilt`);
  if (r.undecodableFrames)
    out.push(`${r.undecodableFrames} frames with a valid CRC whose payload does not decode were kept`);
  return out;
}
