/**
 * Batched append of 1,000 messages of ~200 B: logspec's `Partition.appendBatch` (encode,
 * frame, CRC, index bookkeeping, one write) against a raw `writeSync` of the very same framed
 * bytes, pre-encoded. Once durable (+ flush / + fdatasync, what the original's flush costs)
 * and once to the page cache only. Files live in a temp dir on the real file system.
 */
import * as nfs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '@logspec/bench';
import { NodeFs } from '@logspec/core/node';
import { encodeFrames, makeMessage, prepareMessage, timestampFromMillis } from '../src/index.js';
import { type NewMessage, Partition } from '../src/store.js';

const BATCH = 1000;
const root = nfs.mkdtempSync(join(tmpdir(), 'seg-bench-append-'));
const fs = new NodeFs();

/** ~200-byte payloads: a key, a 150-byte value, a header, a millisecond timestamp. */
const batch: NewMessage[] = Array.from({ length: BATCH }, (_, i) => ({
  key: new TextEncoder().encode(`order-${i % 97}`),
  value: new Uint8Array(150).map((_, k) => (k * 31 + i) & 0xff),
  headers: [{ key: 'content-type', value: new TextEncoder().encode('application/json') }],
  timestamp: timestampFromMillis(1_760_000_000_000 + i),
}));
const framed = encodeFrames(
  batch.map((m, i) =>
    prepareMessage(makeMessage({ ...m, offset: BigInt(i), timestamp: m.timestamp ?? timestampFromMillis(0) })),
  ),
).bytes;
console.log(
  `batch: ${BATCH} messages, ${framed.length} framed bytes (${(framed.length / BATCH).toFixed(0)} B per frame)`,
);

const MAX_SEGMENT = 256 << 20;

function rawWriter(name: string, sync: boolean) {
  const fd = nfs.openSync(join(root, name), 'a+');
  let pos = 0;
  return () => {
    nfs.writeSync(fd, framed, 0, framed.length, pos);
    pos += framed.length;
    if (sync) nfs.fdatasyncSync(fd);
    if (pos > MAX_SEGMENT) {
      nfs.ftruncateSync(fd, 0);
      pos = 0;
    }
    return pos;
  };
}

function logspecWriter(name: string, sync: boolean) {
  const p = Partition.open(fs, join(root, name), { maxSegmentBytes: MAX_SEGMENT });
  let n = 0;
  return () => {
    p.appendBatch(batch);
    if (sync) p.flush();
    // Keep the disk use bounded: drop old segments as retention would.
    if (++n % 64 === 0) p.retain({ maxBytes: MAX_SEGMENT });
    return p.nextOffset();
  };
}

await suite('segment batched append, 1,000 × ~200 B, durable (flush / fdatasync)', {
  unit: 'messages',
  baseline: {
    name: 'raw writeSync + fdatasync of the same framed bytes',
    units: BATCH,
    fn: rawWriter('raw-sync.log', true),
  },
  cases: [{ name: 'logspec Partition.appendBatch + flush', units: BATCH, fn: logspecWriter('p-sync', true) }],
});

await suite('segment batched append, 1,000 × ~200 B, to the page cache', {
  unit: 'messages',
  baseline: { name: 'raw writeSync of the same framed bytes', units: BATCH, fn: rawWriter('raw.log', false) },
  cases: [
    {
      name: 'logspec Partition.appendBatch (encode + frame + CRC + write)',
      units: BATCH,
      fn: logspecWriter('p', false),
    },
  ],
  teardown: () => nfs.rmSync(root, { recursive: true, force: true }),
});
