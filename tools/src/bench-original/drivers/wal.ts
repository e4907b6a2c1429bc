/**
 * wal-append-nosync, wal-append-sync and wal-scan (xerv's WAL): 200-byte `NodeDone` records
 * through the directory writer, buffered without a sync or synced one by one, and ~256 MiB of
 * them (rotated at 64 MiB) read back.
 */
import type { Op } from '@logspec/conformance';
import { toCanonicalRecord, type WalEntry, type WalRecord } from '@logspec/wal';
import { openWal, readWal, scanWal, type WalWriter, walFileName } from '@logspec/wal/store';
import { WAL_RECORD_BYTES, WalInputs, walRecords } from '../inputs.js';
import { type Ctx, type FixtureRef, mismatch, type ReaderSpec, type WriterSpec } from '../spec.js';

/** Records per `appendMany` call of the fast path. */
const FAST_BATCH = 1000;
/** The writer's (and xerv's) rotation size. */
const MAX_FILE = 64 * 1024 * 1024;

function canonicalText(r: WalRecord, withTimestamp: boolean): string {
  const c = toCanonicalRecord(r);
  return JSON.stringify(withTimestamp ? c : { ...c, timestamp_ns: null });
}

/** `write_record` ops in the files the writer's rotation rule puts them. */
function writeOps(records: Iterable<WalRecord>): Op[] {
  const ops: Op[] = [];
  let seq = 0n;
  let size = 0;
  for (const r of records) {
    if (size > 0 && size + WAL_RECORD_BYTES > MAX_FILE) {
      seq++;
      size = 0;
    }
    ops.push({ op: 'write_record', file: walFileName(seq), record: toCanonicalRecord(r) });
    size += WAL_RECORD_BYTES;
  }
  return ops;
}

/** Every record read equals the input at its position (timestamps too when they are pinned). */
function expectRecords(
  got: readonly WalEntry[],
  n: number,
  want: (i: number) => WalRecord,
  withTimestamp: boolean,
): void {
  if (got.length !== n) throw mismatch('records read', got.length, n);
  for (let i = 0; i < n; i++) {
    const a = canonicalText((got[i] as WalEntry).record, withTimestamp);
    const b = canonicalText(want(i), withTimestamp);
    if (a !== b) throw mismatch(`record ${i}`, a, b);
  }
}

// Records are built once per process, before any clock starts (as `wal_records(n)` is).
const inputCache = new WeakMap<Ctx, Map<number, WalRecord[]>>();
function inputsFor(ctx: Ctx, n: number): WalRecord[] {
  const m = inputCache.get(ctx) ?? new Map<number, WalRecord[]>();
  inputCache.set(ctx, m);
  const r = m.get(n) ?? walRecords(n, () => ctx.clock.ns());
  m.set(n, r);
  return r;
}

interface AppendState {
  dir: string;
  wal: WalWriter;
  records: WalRecord[];
  batches: WalRecord[][];
  /** The fast path's last promise (resolved by the close after the clock). */
  pending: Promise<void> | undefined;
}

function appendSpec(sync: boolean): WriterSpec<AppendState> {
  return {
    kind: 'writer',
    workload: sync ? 'wal-append-sync' : 'wal-append-nosync',
    format: 'wal',
    notes: sync
      ? 'openWal (fresh dir; untimed), records built untimed; timed: write(record) with the default every-record durability (write + fdatasync each, as sync_on_write)'
      : "openWal (fresh dir, durability manual = no sync; untimed), records built untimed; timed: the records into the 64 KiB buffer (one write per full buffer). Not timed, unlike the original's final BufWriter flush: the last <= 64 KiB write, since the writer's only public way to hand it to the OS is commit(), which also fdatasyncs",
    open(ctx, dir, path) {
      const n = sync ? ctx.sizes.walSyncN : ctx.sizes.walNosyncN;
      const records = inputsFor(ctx, n);
      const wal = openWal({ fs: ctx.fs, dir, durability: { mode: sync ? 'every-record' : 'manual' } });
      const batches: WalRecord[][] = [];
      if (path === 'fast') for (let i = 0; i < n; i += FAST_BATCH) batches.push(records.slice(i, i + FAST_BATCH));
      return { dir, wal, records, batches, pending: undefined };
    },
    dir: (s) => s.dir,
    default: {
      api: 'WalWriter.write',
      body({ wal, records }) {
        for (let i = 0; i < records.length; i++) wal.write(records[i] as WalRecord);
        return { work: { n: records.length, bytes: records.length * WAL_RECORD_BYTES } };
      },
    },
    ...(sync
      ? {}
      : {
          fast: {
            api: `WalWriter.appendMany (${FAST_BATCH} a call)`,
            body(s: AppendState) {
              for (const b of s.batches) s.pending = s.wal.appendMany(b);
              return { work: { n: s.records.length, bytes: s.records.length * WAL_RECORD_BYTES } };
            },
          },
        }),
    close(s) {
      s.wal.closeSync();
    },
    verify(s, ctx) {
      const r = readWal(s.dir, { fs: ctx.fs });
      if (r.skipped.length || r.damage.length) throw mismatch('damage after writing', r.skipped.length, 0);
      expectRecords(r.records, s.records.length, (i) => s.records[i] as WalRecord, true);
    },
    recipe: (s) => writeOps(s.records),
    logspecOnly: /^wal\.lock$/,
  };
}

export const walAppendNosync = appendSpec(false);
export const walAppendSync = appendSpec(true);

interface Tally {
  count: number;
  bytes: number;
  skipped: number;
}

export const walScan: ReaderSpec<FixtureRef> = {
  kind: 'reader',
  workload: 'wal-scan',
  format: 'wal',
  notes:
    '~256 MiB of 200-byte records written untimed by the writer (rotation at 64 MiB); timed: every record of the directory read back, warm page cache',
  open(ctx, dir) {
    const n = Math.ceil(ctx.sizes.bigBytes / WAL_RECORD_BYTES);
    const wal = openWal({ fs: ctx.fs, dir, durability: { mode: 'manual' } });
    const gen = new WalInputs(() => ctx.clock.ns());
    for (let i = 0; i < n; i++) wal.write(gen.record());
    wal.closeSync();
    return { dir, n, ctx };
  },
  dir: (s) => s.dir,
  default: {
    api: 'readWal (entries, each record decoded on first access)',
    body({ dir, n, ctx }) {
      const r = readWal(dir, { fs: ctx.fs });
      if (r.records.length !== n || r.skipped.length !== 0) throw mismatch('records read', r.records.length, n);
      return { work: { n, bytes: n * WAL_RECORD_BYTES }, out: r.records };
    },
  },
  fast: {
    api: 'scanWal (visitor)',
    body({ dir, n, ctx }) {
      const t: Tally = { count: 0, bytes: 0, skipped: 0 };
      scanWal(
        dir,
        {
          record(_b, _s, totalLen) {
            t.count++;
            t.bytes += totalLen;
          },
          skip() {
            t.skipped++;
          },
        },
        { fs: ctx.fs },
      );
      if (t.count !== n || t.skipped !== 0) throw mismatch('records scanned', t.count, n);
      return { work: { n, bytes: n * WAL_RECORD_BYTES }, out: t };
    },
  },
  close() {},
  verify(s, path, out) {
    if (path === 'fast') {
      const t = out as Tally;
      if (t.bytes !== s.n * WAL_RECORD_BYTES) throw mismatch('record bytes scanned', t.bytes, s.n * WAL_RECORD_BYTES);
      return;
    }
    // the fixture's timestamps came from the real clock: every other field must match
    const gen = new WalInputs(() => 0n);
    expectRecords(out as WalEntry[], s.n, () => gen.record(), false);
  },
  recipe: (s) => writeOps(walRecords(s.n, () => s.ctx.clock.ns())),
  logspecOnly: /^wal\.lock$/,
};
