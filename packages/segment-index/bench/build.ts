/** Builds the partitions the read benchmarks work on (not a benchmark itself). */
import * as nfs from 'node:fs';
import { NodeFs } from '@logspec/core/node';
import { timestampFromMillis } from '../src/index.js';
import { type NewMessage, Partition } from '../src/store.js';

export const SCALE = Number(process.env.LOGSPEC_BENCH_SCALE ?? 1);
export const fs = new NodeFs();

export interface BuildOptions {
  count: number;
  valueSize: number;
  maxSegmentBytes: number;
  /** Milliseconds since the epoch of message `i`. */
  timestamp?: (i: number) => number;
}

/** Appends `count` messages in batches of 10,000 (one flush each); returns the partition reopened. */
export function buildPartition(dir: string, o: BuildOptions): Partition {
  nfs.rmSync(dir, { recursive: true, force: true });
  const t0 = performance.now();
  const p = Partition.open(fs, dir, { maxSegmentBytes: o.maxSegmentBytes });
  const ts = o.timestamp ?? ((i: number) => 1_700_000_000_000 + i);
  const BATCH = 10_000;
  const value = new Uint8Array(o.valueSize);
  for (let first = 0; first < o.count; first += BATCH) {
    const n = Math.min(BATCH, o.count - first);
    const batch: NewMessage[] = new Array(n);
    for (let k = 0; k < n; k++) {
      const i = first + k;
      value[0] = i & 0xff;
      batch[k] = { value: value.slice(), timestamp: timestampFromMillis(ts(i)) };
    }
    p.appendBatch(batch);
    p.flush();
  }
  p.close();
  const q = Partition.open(fs, dir, { maxSegmentBytes: o.maxSegmentBytes });
  const bytes = q.segments().reduce((s, x) => s + x.size, 0);
  console.log(
    `built ${o.count.toLocaleString('en')} messages, ${q.segments().length} segments, ${(bytes / 2 ** 20).toFixed(0)} MiB in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return q;
}
