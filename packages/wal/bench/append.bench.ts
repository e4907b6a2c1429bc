/**
 * Durable appends: logspec's WalWriter against a raw `writeSync` + `fdatasync` loop over the
 * same pre-encoded bytes with the same grouping, and against lmdb committing the same records
 * in transactions of the same size. Files live in a temp dir on the real file system
 * (fdatasync must reach the disk to mean anything).
 *
 * Like with like: every case writes the same ~210-byte records (the raw loop and lmdb get
 * them pre-encoded, the WalWriter cases encode and checksum them from record objects, which
 * is the work being measured), one write and one fdatasync per group of 128. WalWriter also
 * rotates files at 64 MiB as it does in production (a few times per run); the raw loop never
 * does. The writer remembers recently parsed trace id strings (256 slots); the "new trace id
 * every record" case defeats that memo (4096 distinct ids) to show the worst case.
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

/** ~200-byte records (what a workflow engine writes), with the trace id of record `i` from `traceOf`. */
function makeRecords(traceOf: (i: number) => string): WalRecord[] {
  return Array.from({ length: POOL }, (_, i) =>
    WalRecords.nodeDone(traceOf(i), i % 97, BigInt(i) * 4096n, 512, 0xfeedn, {
      timestampNs: 1_760_000_000_000_000_000n + BigInt(i),
      metadata: `{"pipeline":"orders","step":${i},"attempt":1,"region":"eu-west-1","tags":["a","b"],"pad":"${'x'.repeat(40 + (i % 20))}"}`,
    }),
  );
}
/** Records of 16 traces, interleaved. */
const records = makeRecords((i) => `6e19905d-cbe5-41df-8fa9-fa73248517${(i % 16).toString(16).padStart(2, '0')}`);
const encoded = records.map(encodeRecord);
/** The same records, each with a trace id of its own (same sizes, so the same bytes to write). */
const uniqueTraceRecords = makeRecords((i) => `${i.toString(16).padStart(8, '0')}-cbe5-41df-8fa9-fa7324851700`);
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
let batched: WalWriter | undefined;
let uniqueTraces: WalWriter | undefined;
let single: WalWriter | undefined;
const groupCommit = { mode: 'group-commit', maxRecords: GROUP, maxDelayMs: 50 } as const;
/** The pool cut into groups, for `appendMany`. */
const batches: WalRecord[][] = Array.from({ length: POOL / GROUP }, (_, g) =>
  records.slice(g * GROUP, (g + 1) * GROUP),
);

await suite(`durable append, group commit of ${GROUP} records (~${avg} B each)`, {
  unit: 'records',
  setup: () => {
    grouped = openWal({ fs, dir: join(root, 'grouped'), durability: groupCommit });
    batched = openWal({ fs, dir: join(root, 'batched'), durability: groupCommit });
    uniqueTraces = openWal({ fs, dir: join(root, 'unique-traces'), durability: groupCommit });
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
    {
      name: `WalWriter appendMany (${GROUP} per call)`,
      units: GROUP,
      fn: (() => {
        let g = 0;
        return () => (batched as WalWriter).appendMany(batches[g++ % batches.length] as WalRecord[]);
      })(),
    },
    {
      name: `WalWriter group-commit (${GROUP}), a new trace id every record`,
      units: GROUP,
      fn: (() => {
        let i = 0;
        return () => {
          const w = uniqueTraces as WalWriter;
          let last: Promise<void> | undefined;
          for (let k = 0; k < GROUP; k++) last = w.append(uniqueTraceRecords[i++ & (POOL - 1)] as WalRecord);
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
                  for (let k = 0; k < GROUP; k++, key++) db.putSync(key, encoded[key & (POOL - 1)] as Uint8Array);
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
                  for (let k = 0; k < GROUP; k++, key++) db.putSync(key, encoded[key & (POOL - 1)] as Uint8Array);
                });
                return db.flushed;
              };
            })(),
          },
        ]
      : []),
  ],
  teardown: () => {
    grouped?.closeSync();
    batched?.closeSync();
    uniqueTraces?.closeSync();
  },
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
