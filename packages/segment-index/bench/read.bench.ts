/**
 * Read by offset in a partition of 10 M messages (× LOGSPEC_BENCH_SCALE) over ≥ 50 segments:
 * logspec finds the segment and the index entry by binary search and reads one small window
 * (O(log n) + one positioned read). The baseline is the same read without the sparse index —
 * a linear scan of the segment holding the offset from its first frame (what a reader without
 * `.index` has to do; scanning the partition from its start would be ~50× slower still).
 * One call = one lookup of a random offset; latency = 1 / ops.
 */
import * as nfs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '@logspec/bench';
import { OffsetIndex, readSegment } from '../src/index.js';
import type { Segment } from '../src/store.js';
import { buildPartition, SCALE } from './build.js';

const COUNT = Math.round(10_000_000 * SCALE);
const root = nfs.mkdtempSync(join(tmpdir(), 'seg-bench-read-'));
const dir = join(root, 'p');
// ~45-byte frames: 10 M messages ≈ 450 MB; 8 MiB segments give ≥ 50 of them.
const p = buildPartition(dir, {
  count: COUNT,
  valueSize: 8,
  maxSegmentBytes: Math.max(64 << 10, Math.round((8 << 20) * SCALE)),
});
const segs = p.segmentObjects();
if (segs.length < 50) console.log(`(only ${segs.length} segments at this scale)`);

let seed = 12345;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const targets = Array.from({ length: 8192 }, () => BigInt(Math.floor(rnd() * COUNT)));
const noIndex = new OffsetIndex();

function segmentFor(offset: bigint): Segment {
  let lo = 0;
  let hi = segs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((segs[mid] as Segment).baseOffset <= offset) lo = mid + 1;
    else hi = mid;
  }
  return segs[lo - 1] as Segment;
}

let i = 0;
const indexed = () => {
  const o = targets[i++ & 8191] as bigint;
  const r = p.read(o, { maxMessages: 1 });
  if (r.messages[0]?.offset !== o) throw new Error(`read ${o} got ${r.messages[0]?.offset}`);
  return r;
};
let j = 0;
const linear = () => {
  const o = targets[j++ & 8191] as bigint;
  const seg = segmentFor(o);
  // Same reader, no index: the scan starts at position 0 of the segment.
  const handle = (seg as unknown as { log: Parameters<typeof readSegment>[0] }).log;
  const r = readSegment(handle, noIndex, seg.baseOffset, o, { maxMessages: 1, chunkSize: 1 << 20 }, seg.size);
  if (r.messages[0]?.offset !== o) throw new Error(`scan ${o} got ${r.messages[0]?.offset}`);
  return r;
};

await suite(`segment read by offset, ${COUNT.toLocaleString('en')} messages in ${segs.length} segments`, {
  unit: 'lookups',
  baseline: { name: 'linear scan of the segment (no index)', units: 1, fn: linear },
  cases: [{ name: 'logspec Partition.read (segment + index binary search, one read)', units: 1, fn: indexed }],
  teardown: () => {
    p.close();
    nfs.rmSync(root, { recursive: true, force: true });
  },
});
