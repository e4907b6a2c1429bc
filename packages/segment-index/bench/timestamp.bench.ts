/**
 * Offset for a timestamp on 1 M messages (× LOGSPEC_BENCH_SCALE): logspec's time index
 * (skip segments by their max timestamp, binary search the running maxima, scan one index
 * interval) against the original's approach (`timestamp_bounds` then a linear
 * `find_offset_for_timestamp` per segment), on the same partition. Timestamps rise with clock
 * skew: every 7th message is 3 s early.
 */
import * as nfs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '@logspec/bench';
import { buildPartition, SCALE } from './build.js';

const COUNT = Math.round(1_000_000 * SCALE);
const T0 = 1_700_000_000_000;
const root = nfs.mkdtempSync(join(tmpdir(), 'seg-bench-ts-'));
const ts = (i: number) => T0 + i * 10 - (i % 7 === 3 ? 3000 : 0);
const p = buildPartition(join(root, 'p'), { count: COUNT, valueSize: 100, maxSegmentBytes: 16 << 20, timestamp: ts });

let seed = 99;
const rnd = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const targets = Array.from({ length: 1024 }, () => T0 + Math.floor(rnd() * COUNT * 10));
for (const t of targets.slice(0, 4)) {
  const a = p.findOffsetForTimestamp(t);
  const b = p.findOffsetForTimestampLinear(t);
  if (a !== b) throw new Error(`time index ${a} != linear ${b} for ${t}`);
}

let i = 0;
const indexed = () => p.findOffsetForTimestamp(targets[i++ & 1023] as number);
let j = 0;
const linear = () => p.findOffsetForTimestampLinear(targets[j++ & 1023] as number);

await suite(
  `segment offset for a timestamp, ${COUNT.toLocaleString('en')} messages in ${p.segments().length} segments`,
  {
    unit: 'lookups',
    baseline: { name: "original's approach (timestamp_bounds + linear scan per segment)", units: 1, fn: linear },
    cases: [{ name: 'logspec time index', units: 1, fn: indexed }],
    teardown: () => {
      p.close();
      nfs.rmSync(root, { recursive: true, force: true });
    },
  },
);
