import { type Fs, joinPath } from '@logspec/core';
import { SegCode, segError } from '../codec/errors.js';
import { LOG_SUFFIX, splitExtension } from '../codec/names.js';
import type { PartitionOptions } from './options.js';
import { Segment } from './segment.js';

/** The segments of a partition directory as `Partition.open` finds and opens them, and its clean-up of orphans. */

const CANONICAL_LOG = /^[0-9]{20}\.log$/;

/**
 * Opens every `{base:020}.log` segment in `dir`, oldest first; the last (active) one is
 * recovered, the sealed ones only with `recoverSealed`. Other `*.log` names are added to
 * `ignored` and left alone. An empty writable directory gets segment 0.
 */
export function openSegments(fs: Fs, dir: string, opts: PartitionOptions, ignored: string[]): Segment[] {
  const readOnly = opts.readOnly ?? false;
  const bases: bigint[] = [];
  for (const name of fs.readdir(dir)) {
    if (splitExtension(name).extension !== LOG_SUFFIX) continue;
    if (!CANONICAL_LOG.test(name)) {
      ignored.push(name);
      continue;
    }
    bases.push(BigInt(name.slice(0, 20)));
  }
  bases.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const open = (base: bigint, active: boolean): Segment =>
    Segment.open(fs, dir, base, {
      readOnly,
      recover: active || (!readOnly && (opts.recoverSealed ?? false)),
      timeIndex: opts.timeIndex ?? true,
      tail: opts.tail,
      writeBufferBytes: opts.writeBufferBytes,
    });
  const segs = bases.map((b, i) => open(b, i === bases.length - 1));
  if (segs.length === 0) {
    if (readOnly) throw segError(SegCode.NOT_FOUND, `no segments in ${dir}`);
    segs.push(open(0n, true));
  }
  return segs;
}

/** `.index`/`.timeindex` files whose `.log` is gone (a crash during retention): deleted. */
export function removeOrphanIndexes(fs: Fs, dir: string, segs: readonly Segment[]): void {
  const live = new Set(segs.map((sg) => sg.baseOffset.toString().padStart(20, '0')));
  for (const name of fs.readdir(dir)) {
    const { stem, extension } = splitExtension(name);
    if ((extension === 'index' || extension === 'timeindex') && /^[0-9]{20}$/.test(stem) && !live.has(stem)) {
      fs.unlink(joinPath(dir, name));
    }
  }
}
