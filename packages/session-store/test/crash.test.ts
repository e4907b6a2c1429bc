import { sha256Hex } from '@logspec/core';
import { forEachCrashPoint, makeRng, type SimFs } from '@logspec/core/testing';
import { describe, expect, it } from 'vitest';
import { chainHashStep, GENESIS_CHAIN_HASH, RawJson, SessionError } from '../src/index.js';
import { SessionStore, type SessionStoreOptions } from '../src/store.js';

/**
 * Model-based crash tests: a ≥ 200-operation workload (appends with rotation, checkpoints,
 * manifests, rollbacks) crashed before every mutating file-system call, under every SimFs
 * crash mode. After each crash the store must reopen; it must hold exactly the acknowledged
 * entries (plus, at most, the one append in flight), with their exact payloads; a rollback
 * in flight may leave any prefix between the checkpoint and the state before it.
 */

type Ev =
  | { t: 'e'; id: string; payload: string }
  | { t: 'cp'; seq: number; head: number }
  | { t: 'rb'; seq: number; head: number }
  | { t: 'm' };

const T = '2026-04-15T12:34:56.789Z';
const OPTS: SessionStoreOptions = { maxSegmentBytes: 1500, now: () => T };

function replay(events: readonly Ev[]): { ids: string[]; payload: Map<string, string>; cps: Map<number, number> } {
  let ids: string[] = [];
  const payload = new Map<string, string>();
  const cps = new Map<number, number>();
  for (const e of events) {
    if (e.t === 'e') {
      ids.push(e.id);
      payload.set(e.id, e.payload);
    } else if (e.t === 'cp') cps.set(e.seq, e.head);
    else if (e.t === 'rb') ids = ids.slice(0, e.head);
  }
  return { ids, payload, cps };
}

function isPrefix(a: readonly string[], b: readonly string[]): boolean {
  return a.length <= b.length && a.every((x, i) => x === b[i]);
}

function workload(ops: number, opts: SessionStoreOptions) {
  return (fs: SimFs, ack: (e: Ev) => void, attempt: (e: Ev) => void) => {
    const rng = makeRng(42);
    const store = SessionStore.open(fs, '/store', opts);
    let ids: string[] = [];
    let next = 0;
    let cpSeq = 0;
    const cps: { seq: number; head: number }[] = [];
    for (let op = 0; op < ops; op++) {
      const r = rng.int(100);
      if (r < 6 && ids.length > 0) {
        const ev: Ev = { t: 'cp', seq: ++cpSeq, head: ids.length };
        attempt(ev);
        store.createCheckpoint(ev.seq, 'periodic');
        cps.push({ seq: ev.seq, head: ev.head });
        ack(ev);
      } else if (r < 8 && cps.length > 0 && op > 40) {
        const cp = cps[rng.int(cps.length)] as { seq: number; head: number };
        const ev: Ev = { t: 'rb', seq: cp.seq, head: cp.head };
        attempt(ev);
        store.rollbackToCheckpoint(cp.seq, `mig-${op}`, `corr-${op}`);
        ids = ids.slice(0, cp.head);
        // Checkpoints past the new head name entries of the abandoned branch.
        for (let k = cps.length - 1; k >= 0; k--) if ((cps[k] as { head: number }).head > cp.head) cps.splice(k, 1);
        ack(ev);
      } else if (r < 9) {
        attempt({ t: 'm' });
        store.writeManifest('sess', 'jsonl');
        ack({ t: 'm' });
      } else {
        const id = `e${next++}`;
        const parent = ids.length === 0 ? undefined : ids[ids.length - 1 - rng.int(Math.min(3, ids.length))];
        const payload = JSON.stringify({ type: 'message', n: next, text: 'x'.repeat(rng.int(300)) });
        const ev: Ev = { t: 'e', id, payload };
        attempt(ev);
        store.appendEntry(id, parent, 'message', new RawJson(payload));
        ids.push(id);
        if (opts.durability !== 'none') ack(ev);
      }
    }
    store.close();
  };
}

function recovered(fs: SimFs, opts: SessionStoreOptions): { store: SessionStore; ids: string[] } {
  const store = SessionStore.open(fs, '/store', opts);
  return { store, ids: store.readIndex().map((r) => r.entryId) };
}

/**
 * The chain hash after each entry id. Ids are unique and each is appended after a fixed
 * prefix, so one hash per id describes the whole prefix up to it; matching the store's
 * chain hash proves every payload byte of the recovered entries.
 */
const chainAfter = new Map<string, string>();
function expectedChain(ids: readonly string[], payloads: Map<string, string>): string {
  let chain = GENESIS_CHAIN_HASH;
  let start = 0;
  for (let i = ids.length - 1; i >= 0; i--) {
    const c = chainAfter.get(ids[i] as string);
    if (c !== undefined) {
      chain = c;
      start = i + 1;
      break;
    }
  }
  for (let i = start; i < ids.length; i++) {
    const id = ids[i] as string;
    chain = chainHashStep(chain, sha256Hex(new TextEncoder().encode(payloads.get(id) as string)));
    chainAfter.set(id, chain);
  }
  return chain;
}

describe('crash safety (SimFs, every write/sync point × every crash mode)', () => {
  it('durability entry: nothing acknowledged is lost, nothing unwritten appears, the store reopens', async () => {
    const report = await forEachCrashPoint<Ev>({
      workload: workload(200, OPTS),
      check: (fs, acked, ctx) => {
        const durable = replay(acked);
        const tried = replay(ctx.attempted);
        const inflight = ctx.attempted.length > acked.length ? ctx.attempted[ctx.attempted.length - 1] : undefined;
        const { store, ids } = recovered(fs, OPTS);
        if (inflight?.t === 'rb') {
          expect(isPrefix(ids, durable.ids)).toBe(true);
          expect(ids.length).toBeGreaterThanOrEqual(inflight.head);
        } else if (inflight?.t === 'e') {
          expect([durable.ids, tried.ids].map((x) => x.join())).toContain(ids.join());
        } else {
          expect(ids).toEqual(durable.ids);
        }
        expect(store.chainHash()).toBe(expectedChain(ids, tried.payload));
        for (const [seq, head] of durable.cps) expect(store.readCheckpoint(seq)?.headEntrySeq).toBe(head);
        // Still a working store: it takes an append, reads back and reopens with it.
        if (ctx.point % 10 === 0 && ctx.mode === 'append-garbage') {
          for (const f of store.readAllEntries()) expect(f.payload).toBe(tried.payload.get(f.entryId));
          const parent = ids[ids.length - 1];
          store.appendEntry('after-crash', parent, 'message', new RawJson('{"ok":true}'));
          store.close();
          const again = recovered(fs, OPTS);
          expect(again.ids).toEqual([...ids, 'after-crash']);
          again.store.close();
        } else store.close();
      },
    });
    console.info(`crash points: ${report.points}, checks: ${report.checks}`);
    expect(report.points).toBeGreaterThan(800);
    expect(report.checks).toBe(report.points * 5);
  }, 120_000);

  it('durability none (the original): reopen works and shows a prefix of what was written', async () => {
    const opts: SessionStoreOptions = { ...OPTS, durability: 'none' };
    const report = await forEachCrashPoint<Ev>({
      workload: workload(60, opts),
      check: (fs, _acked, ctx) => {
        const tried = replay(ctx.attempted);
        let store: SessionStore;
        try {
          store = SessionStore.open(fs, '/store', opts);
        } catch (e) {
          // Without fsync the original's recovery can meet a damaged line it will not repair.
          expect(e).toBeInstanceOf(SessionError);
          return;
        }
        const ids = store.readAllEntries().map((f) => f.entryId);
        // Everything shown was written, in order (a rollback may have cut the tail).
        const everWritten = ctx.attempted.filter((e) => e.t === 'e').map((e) => (e as { id: string }).id);
        const pos = ids.map((id) => everWritten.indexOf(id));
        expect(pos.every((p, i) => p >= 0 && (i === 0 || p > (pos[i - 1] as number)))).toBe(true);
        for (const f of store.readAllEntries()) expect(f.payload).toBe(tried.payload.get(f.entryId));
        store.close();
      },
    });
    expect(report.points).toBeGreaterThan(50);
  }, 120_000);
});
