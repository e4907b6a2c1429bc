/**
 * session-append, session-lookup and session-open (pi's `SessionStoreV2`): 100,000 ~300-byte
 * `message` entries appended without fsync (as pi), 200 lookups by entry seq, and the open
 * (bootstrap + full validation) of such a store.
 */
import type { Op } from '@logspec/conformance';
import { RawJson, type SegmentFrame } from '@logspec/session-store';
import { SessionStore } from '@logspec/session-store/store';
import { treeBytes } from '../files.js';
import { type SessionEntry, sessionEntries } from '../inputs.js';
import { Prng } from '../prng.js';
import { type Ctx, mismatch, type ReaderSpec, type WriterSpec } from '../spec.js';

/** The store root under the repetition's directory (the reference writer's `create` root). */
const SUB = 'session';

function openStore(ctx: Ctx, dir: string): SessionStore {
  return SessionStore.open(ctx.fs, `${dir}/${SUB}`, {
    maxSegmentBytes: ctx.sizes.sessionMaxSegmentBytes,
    durability: 'none', // pi never fsyncs an append
    now: () => ctx.clock.iso(),
  });
}

function recipeOf(ctx: Ctx, entries: readonly SessionEntry[]): Op[] {
  return [
    { op: 'create', root: SUB, max_segment_bytes: ctx.sizes.sessionMaxSegmentBytes },
    ...entries.map((e) => ({
      op: 'append_entry',
      entry_id: e.id,
      parent_entry_id: e.parent ?? null,
      entry_type: 'message',
      payload: JSON.stringify(e.payload),
    })),
  ];
}

/** The frame of entry seq `seq` is the input's: its id, parent and payload text. */
function expectFrame(f: SegmentFrame | undefined, seq: number, entries: readonly SessionEntry[]): void {
  const e = entries[seq - 1];
  if (!f || !e) throw mismatch(`entry ${seq}`, f?.entryId, e?.id);
  if (f.entrySeq !== seq) throw mismatch('entry seq', f.entrySeq, seq);
  if (f.entryId !== e.id || (f.parentEntryId ?? null) !== (e.parent ?? null))
    throw mismatch('entry id', f.entryId, e.id);
  const text = JSON.stringify(e.payload);
  if (f.payload !== text) throw mismatch(`payload of ${seq}`, f.payload, text);
}

interface AppendState {
  dir: string;
  store: SessionStore;
  entries: SessionEntry[];
  ctx: Ctx;
}

function appendedBytes(store: SessionStore): number {
  return Number(store.totalBytes());
}

export const sessionAppend: WriterSpec<AppendState> = {
  kind: 'writer',
  workload: 'session-append',
  format: 'session',
  notes:
    'SessionStore.open(fresh root, maxSegmentBytes 64 MiB, durability none as pi; untimed), payload values built untimed; timed: appendEntry(id, parent = previous, "message", payload)',
  open(ctx, dir) {
    const store = openStore(ctx, dir);
    return { dir, store, entries: sessionEntries(ctx.sizes.sessionEntries, ctx.clock.iso()), ctx };
  },
  dir: (s) => s.dir,
  default: {
    api: 'SessionStore.appendEntry (a value)',
    body({ store, entries }) {
      for (const e of entries) store.appendEntry(e.id, e.parent, 'message', e.payload);
      // The original's timed span writes every append; held ones are written inside it too.
      store.flush();
      return { work: { n: entries.length, bytes: appendedBytes(store) } };
    },
  },
  fast: {
    api: 'SessionStore.appendEntry (RawJson of JSON.stringify)',
    body({ store, entries }) {
      for (const e of entries) store.appendEntry(e.id, e.parent, 'message', new RawJson(JSON.stringify(e.payload)));
      store.flush();
      return { work: { n: entries.length, bytes: appendedBytes(store) } };
    },
  },
  close: (s) => s.store.close(),
  verify(s, ctx) {
    const ro = SessionStore.openReadOnly(ctx.fs, `${s.dir}/${SUB}`);
    try {
      const all = ro.readAllEntries();
      if (all.length !== s.entries.length) throw mismatch('entries read back', all.length, s.entries.length);
      all.forEach((f, i) => {
        expectFrame(f, i + 1, s.entries);
      });
    } finally {
      ro.close();
    }
  },
  recipe: (s) => recipeOf(s.ctx, s.entries),
};

interface FixtureState {
  dir: string;
  n: number;
  /** The store's files, in bytes (what the original's session-open reports MB of). */
  bytes: number;
  entries: SessionEntry[];
  ctx: Ctx;
}

/** A store of `sessionEntries` entries, written untimed and closed. */
function writeFixture(ctx: Ctx, dir: string): FixtureState {
  const entries = sessionEntries(ctx.sizes.sessionEntries, ctx.clock.iso());
  const store = openStore(ctx, dir);
  for (const e of entries) store.appendEntry(e.id, e.parent, 'message', new RawJson(JSON.stringify(e.payload)));
  store.close();
  return { dir, n: entries.length, bytes: treeBytes(`${dir}/${SUB}`), entries, ctx };
}

interface LookupState extends FixtureState {
  store: SessionStore;
  seqs: number[];
}

export const sessionLookup: ReaderSpec<LookupState> = {
  kind: 'reader',
  workload: 'session-lookup',
  format: 'session',
  notes:
    'store of 100,000 entries (written untimed with durability none), opened untimed; timed: lookupEntry(seq) for random seqs (the original`s PRNG stream)',
  open(ctx, dir) {
    const f = writeFixture(ctx, dir);
    const p = new Prng(7, 6);
    const seqs = Array.from({ length: ctx.sizes.sessionLookups }, () => 1 + p.below(f.n));
    return { ...f, store: openStore(ctx, dir), seqs };
  },
  dir: (s) => s.dir,
  default: {
    api: 'SessionStore.lookupEntry',
    body({ store, seqs }) {
      const got: (SegmentFrame | undefined)[] = [];
      for (const seq of seqs) {
        const f = store.lookupEntry(seq);
        if (f?.entrySeq !== seq) throw mismatch(`lookupEntry(${seq})`, f?.entrySeq, seq);
        got.push(f);
      }
      return { work: { n: seqs.length, bytes: null }, out: got };
    },
  },
  close: (s) => s.store.close(),
  verify(s, _path, out) {
    (out as SegmentFrame[]).forEach((f, k) => {
      expectFrame(f, s.seqs[k] as number, s.entries);
    });
  },
  recipe: (s) => recipeOf(s.ctx, s.entries),
};

export const sessionOpen: ReaderSpec<FixtureState> = {
  kind: 'reader',
  workload: 'session-open',
  format: 'session',
  notes:
    'store of 100,000 entries (written untimed, closed); timed: SessionStore.open of it (bootstrap + validation of every frame), closed after the clock',
  open: writeFixture,
  dir: (s) => s.dir,
  default: {
    api: 'SessionStore.open',
    body(s) {
      // the defaults, as a user opens a store (durability 'entry' only matters for appends)
      const store = SessionStore.open(s.ctx.fs, `${s.dir}/${SUB}`, {
        maxSegmentBytes: s.ctx.sizes.sessionMaxSegmentBytes,
      });
      if (store.entryCount() !== s.n) throw mismatch('entries after open', store.entryCount(), s.n);
      return { work: { n: s.n, bytes: s.bytes }, out: store };
    },
  },
  close() {},
  drop: (out) => (out as SessionStore).close(),
  verify(s, _path, out) {
    const store = out as SessionStore;
    if (store.warnings.length) throw mismatch('recovery warnings', store.warnings.length, 0);
    if (store.head()?.entryId !== s.entries[s.n - 1]?.id)
      throw mismatch('head', store.head()?.entryId, s.entries[s.n - 1]?.id);
    expectFrame(store.lookupEntry(1), 1, s.entries);
    expectFrame(store.lookupEntry(s.n), s.n, s.entries);
  },
  recipe: (s) => recipeOf(s.ctx, s.entries),
};
