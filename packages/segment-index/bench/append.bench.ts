/**
 * Batched append of 1,000 messages of ~200 B: logspec's `Partition.appendBatch` (validate,
 * encode, frame, CRC, index bookkeeping, one write) against a raw `writeSync` of the very same
 * framed bytes, pre-encoded. Once durable (+ flush / + fdatasync, what the original's flush
 * costs) and once to the page cache only. Files live in a temp dir on the real file system.
 *
 * Both sides make the same system calls for the frames, so the ratio is the cost of encoding:
 * - one `write` per batch at the end of the file (the partition's buffer drains once per batch:
 *   a batch is larger than its 64 KiB write buffer), on a file opened read-write, not O_APPEND;
 * - the same bytes: every offset takes a 4-byte varint on both sides (both count from 2^21);
 * - the same segment life: at 256 MiB the partition seals its segment (fdatasync) and starts a
 *   new one, and retention deletes the old one; the raw writer does the same (fdatasync, new
 *   file, unlink, directory sync) instead of truncating unsynced data away, which never reaches
 *   the disk and made the page-cache baseline skip I/O the partition has to do.
 * What the baseline does not do: the partition's flush also appends its index entries
 * (`.index`, `.timeindex`, ~70 B and ~90 B per batch, not synced): counted against logspec.
 */
import * as nfs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '@logspec/bench';
import { NodeFs } from '@logspec/core/node';
import { encodeFrames, makeMessage, prepareMessage, timestampFromMillis } from '../src/index.js';
import { type NewMessage, Partition } from '../src/store.js';

const BATCH = 1000;
/** First offset on both sides: from 2^21 to 2^28 an offset is a 4-byte varint. */
const FIRST_OFFSET = 1n << 21n;
const MAX_SEGMENT = 256 << 20;
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
    prepareMessage(
      makeMessage({ ...m, offset: FIRST_OFFSET + BigInt(i), timestamp: m.timestamp ?? timestampFromMillis(0) }),
    ),
  ),
).bytes;
console.log(
  `batch: ${BATCH} messages, ${framed.length} framed bytes (${(framed.length / BATCH).toFixed(0)} B per frame)`,
);

function rawWriter(name: string, sync: boolean) {
  const dir = join(root, name);
  nfs.mkdirSync(dir);
  let n = 0;
  let path = join(dir, `${n}.log`);
  let fd = nfs.openSync(path, 'w+');
  let pos = 0;
  return () => {
    nfs.writeSync(fd, framed, 0, framed.length, pos);
    pos += framed.length;
    if (sync) nfs.fdatasyncSync(fd);
    if (pos >= MAX_SEGMENT) {
      // The partition's roll and retention: seal, start a new file, delete the old one.
      nfs.fdatasyncSync(fd);
      nfs.closeSync(fd);
      const old = path;
      path = join(dir, `${++n}.log`);
      fd = nfs.openSync(path, 'w+');
      nfs.unlinkSync(old);
      const d = nfs.openSync(dir, 'r');
      nfs.fsyncSync(d);
      nfs.closeSync(d);
      pos = 0;
    }
    return pos;
  };
}

function logspecWriter(name: string, sync: boolean) {
  const p = Partition.open(fs, join(root, name), { maxSegmentBytes: MAX_SEGMENT });
  p.appendBatchAt([
    {
      offset: FIRST_OFFSET - 1n,
      message: makeMessage({ value: new Uint8Array(0), timestamp: timestampFromMillis(0) }),
    },
  ]);
  p.flush();
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
    fn: rawWriter('raw-sync', true),
  },
  cases: [{ name: 'logspec Partition.appendBatch + flush', units: BATCH, fn: logspecWriter('p-sync', true) }],
});

await suite('segment batched append, 1,000 × ~200 B, to the page cache', {
  unit: 'messages',
  baseline: { name: 'raw writeSync of the same framed bytes', units: BATCH, fn: rawWriter('raw', false) },
  cases: [
    {
      name: 'logspec Partition.appendBatch (encode + frame + CRC + write)',
      units: BATCH,
      fn: logspecWriter('p', false),
    },
  ],
  teardown: () => nfs.rmSync(root, { recursive: true, force: true }),
});
