/**
 * Durable appends: logspec's WalWriter against a raw `writeSync` + `fdatasync` loop over the
 * same pre-encoded bytes with the same grouping, and against lmdb committing the same records
 * in transactions of the same size. Files live in a temp dir on the real file system
 * (fdatasync must reach the disk to mean anything).
 */
import * as nfs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from '@logspec/bench';
import { NodeFs } from '@logspec/core/node';
import { encodeRecord, type WalRecord, WalRecords } from '../src/index.js';
import { openWal, type WalWriter } from '../src/store.js';

const GROUP = 128;
const POOL = 4096;
const root = nfs.mkdtempSync(join(tmpdir(), 'wal-bench-append-'));
const fs = new NodeFs();

/** ~200-byte records of a few traces, as a workflow engine writes them. */
const records: WalRecord[] = Array.from({ length: POOL }, (_, i) =>
  WalRecords.nodeDone(
    `6e19905d-cbe5-41df-8fa9-fa73248517${(i % 16).toString(16).padStart(2, '0')}`,
    i % 97,
    BigInt(i) * 4096n,
    512,
    0xfeedn,
    {
      timestampNs: 1_760_000_000_000_000_000n + BigInt(i),
      metadata: `{"pipeline":"orders","step":${i},"attempt":1,"region":"eu-west-1","tags":["a","b"],"pad":"${'x'.repeat(40 + (i % 20))}"}`,
    },
  ),
);
const encoded = records.map(encodeRecord);
const avg = Math.round(encoded.reduce((n, b) => n + b.length, 0) / encoded.length);

interface LmdbLike {
  transactionSync<T>(f: () => T): T;
  putSync(k: number, v: Uint8Array): void;
  readonly flushed: PromiseLike<unknown>;
  close(): Promise<void>;
}
let lmdb: LmdbLike | undefined;
let lmdbOverlap: LmdbLike | undefined;
let lmdbSkip = '';
try {
  const { open } = await import('lmdb');
  // lmdb-js defaults to overlappingSync, where a commit returns before its flush: durable
  // only after `db.flushed`. Both ways of waiting for durability are measured.
  lmdb = open({ path: join(root, 'lmdb'), encoding: 'binary', overlappingSync: false }) as unknown as LmdbLike;
  lmdbOverlap = open({ path: join(root, 'lmdb-overlap'), encoding: 'binary' }) as unknown as LmdbLike;
} catch (e) {
  lmdbSkip = `lmdb did not load here: ${(e as Error).message}`;
  console.log(`(skipping the lmdb case: ${lmdbSkip})`);
}

/** The raw loop: one fd, bytes copied into a group buffer, one write and one fdatasync per group. */
function rawAppender(name: string, group: number) {
  const fd = nfs.openSync(join(root, name), 'a+');
  const buf = new Uint8Array(group * 512);
  let pos = 0;
  let i = 0;
  return () => {
    let len = 0;
    for (let k = 0; k < group; k++) {
      const b = encoded[i++ & (POOL - 1)] as Uint8Array;
      buf.set(b, len);
      len += b.length;
    }
    nfs.writeSync(fd, buf, 0, len, pos);
    pos += len;
    nfs.fdatasyncSync(fd);
  };
}

let grouped: WalWriter | undefined;
let single: WalWriter | undefined;

await suite(`durable append, group commit of ${GROUP} records (~${avg} B each)`, {
  unit: 'records',
  setup: () => {
    grouped = openWal({
      fs,
      dir: join(root, 'grouped'),
      durability: { mode: 'group-commit', maxRecords: GROUP, maxDelayMs: 50 },
    });
  },
  baseline: { name: `raw writeSync + fdatasync per ${GROUP}`, units: GROUP, fn: rawAppender('raw-grouped.log', GROUP) },
  cases: [
    {
      name: `WalWriter group-commit (${GROUP})`,
      units: GROUP,
      fn: (() => {
        let i = 0;
        return () => {
          const w = grouped as WalWriter;
          let last: Promise<void> | undefined;
          for (let k = 0; k < GROUP; k++) last = w.append(records[i++ & (POOL - 1)] as WalRecord);
          return last;
        };
      })(),
    },
    ...(lmdb
      ? [
          {
            name: `lmdb transactionSync of ${GROUP} puts (overlappingSync off)`,
            units: GROUP,
            fn: (() => {
              let key = 0;
              return () => {
                const db = lmdb as LmdbLike;
                db.transactionSync(() => {
                  for (let k = 0; k < GROUP; k++) db.putSync(key++, encoded[key & (POOL - 1)] as Uint8Array);
                });
              };
            })(),
          },
          {
            name: `lmdb transactionSync of ${GROUP} puts, then await flushed`,
            units: GROUP,
            fn: (() => {
              let key = 0;
              return () => {
                const db = lmdbOverlap as LmdbLike;
                db.transactionSync(() => {
                  for (let k = 0; k < GROUP; k++) db.putSync(key++, encoded[key & (POOL - 1)] as Uint8Array);
                });
                return db.flushed;
              };
            })(),
          },
        ]
      : []),
  ],
  teardown: () => grouped?.closeSync(),
  timeMs: 3000,
});

await suite(`durable append, one record per fdatasync (~${avg} B each)`, {
  unit: 'records',
  setup: () => {
    single = openWal({ fs, dir: join(root, 'single'), durability: { mode: 'every-record' } });
  },
  baseline: { name: 'raw writeSync + fdatasync per record', units: 1, fn: rawAppender('raw-single.log', 1) },
  cases: [
    {
      name: 'WalWriter every-record',
      units: 1,
      fn: (() => {
        let i = 0;
        return () => (single as WalWriter).append(records[i++ & (POOL - 1)] as WalRecord);
      })(),
    },
  ],
  teardown: () => single?.closeSync(),
  timeMs: 3000,
});

await lmdb?.close();
await lmdbOverlap?.close();
nfs.rmSync(root, { recursive: true, force: true });
