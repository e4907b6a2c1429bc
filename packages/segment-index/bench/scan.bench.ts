/**
 * Warm scan of 1 GiB (× LOGSPEC_BENCH_SCALE) of ~200-byte messages, page cache warm: logspec's
 * streaming scan (CRC + postcard decode of every message into objects) against a plain read +
 * CRC loop over the same frames (the frame scanner with a visitor that does nothing).
 * Units are bytes, so the table reads in MB/s.
 */
import * as nfs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '@logspec/bench';
import { scanFileFrames, segmentLayout } from '@logspec/frame';
import type { Segment } from '../src/store.js';
import { buildPartition, fs, SCALE } from './build.js';

const BYTES = Math.round((1 << 30) * SCALE);
const FRAME = 8 + 1 + 1 + 2 + 170 + 21 + 1 + 4; // offset, key None, value 170, ts (ms), no headers, 3 options + bool
const COUNT = Math.floor(BYTES / FRAME);
const root = nfs.mkdtempSync(join(tmpdir(), 'seg-bench-scan-'));
const p = buildPartition(join(root, 'p'), { count: COUNT, valueSize: 170, maxSegmentBytes: 1 << 30 });
const total = p.segments().reduce((s, x) => s + x.size, 0);
const files = p.segmentObjects().map((s: Segment) => s.logPath);

let sink = 0;
const plain = () => {
  let frames = 0;
  for (const f of files) {
    const h = fs.open(f);
    scanFileFrames(h, segmentLayout, () => {
      frames++;
    });
    h.close();
  }
  sink ^= frames;
  return frames;
};
const decoded = () => {
  let n = 0;
  p.scan(0n, (m) => {
    n += m.value.length;
  });
  sink ^= n;
  return n;
};
plain();
decoded();

await suite(`segment warm scan, ${(total / 2 ** 20).toFixed(0)} MiB, ${COUNT.toLocaleString('en')} messages`, {
  unit: 'bytes',
  baseline: { name: 'plain read + CRC per frame (frame scanner, no decoding)', units: total, fn: plain },
  cases: [{ name: 'logspec Partition.scan (read + CRC + postcard decode)', units: total, fn: decoded }],
  teardown: () => {
    p.close();
    nfs.rmSync(root, { recursive: true, force: true });
    if (sink === 0.5) console.log(sink);
  },
});
