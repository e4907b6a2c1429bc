import { makeRng, type SimFs } from '@logspec/core/testing';
import { expect } from 'vitest';
import { type Message, timestampFromMillis } from '../src/index.js';
import { type Durability, Partition, readPartitionOriginal } from '../src/store.js';

export const DIR = '/data/topic/partition-0';
export const OPTS = { maxSegmentBytes: 700, writeBufferBytes: 200 } as const;

/** What the workload tells the checker: messages it started writing, and retention floors. */
export type Event =
  | { kind: 'msg'; id: number; offset: bigint }
  | { kind: 'retain-start' }
  | { kind: 'retain-done'; earliest: bigint };

function valueFor(id: number): Uint8Array {
  const n = 20 + (id % 7) * 9;
  const v = new Uint8Array(n);
  for (let i = 0; i < n; i++) v[i] = (id * 31 + i) & 0xff;
  v[0] = id & 0xff;
  v[1] = (id >> 8) & 0xff;
  return v;
}

function idOf(m: Message): number {
  return (m.value[0] as number) | ((m.value[1] as number) << 8);
}

/** Timestamps mostly rising, sometimes stepping back (clock skew), as the time index must allow. */
function tsFor(id: number): number {
  return 1_700_000_000_000 + id * 1000 - (id % 5 === 3 ? 4500 : 0);
}

export function workload(ops: number, durability: Durability, seed: number) {
  return (fs: SimFs, ack: (e: Event) => void, attempt: (e: Event) => void) => {
    const rng = makeRng(seed);
    let p = Partition.open(fs, DIR, { ...OPTS, durability });
    let id = 0;
    let unacked: Event[] = [];
    const appendOne = () => {
      const e: Event = { kind: 'msg', id, offset: p.nextOffset() };
      attempt(e);
      p.append({
        key: id % 3 === 0 ? null : new Uint8Array([id & 0xff]),
        value: valueFor(id),
        timestamp: timestampFromMillis(tsFor(id)),
      });
      id++;
      return e;
    };
    for (let i = 0; i < ops; i++) {
      const r = rng.int(100);
      if (r < 40) {
        const e = appendOne();
        if (durability === 'every-append') ack(e);
        else unacked.push(e);
      } else if (r < 60) {
        const n = 1 + rng.int(4);
        const events: Event[] = [];
        const msgs = [];
        for (let k = 0; k < n; k++) {
          const e: Event = { kind: 'msg', id, offset: p.nextOffset() + BigInt(k) };
          attempt(e);
          events.push(e);
          msgs.push({ value: valueFor(id), timestamp: timestampFromMillis(tsFor(id)) });
          id++;
        }
        p.appendBatch(msgs);
        if (durability === 'every-append') for (const e of events) ack(e);
        else unacked.push(...events);
      } else if (r < 80) {
        p.flush();
        for (const e of unacked) ack(e);
        unacked = [];
      } else if (r < 87) {
        // A clean restart: close flushes, so everything so far is durable.
        p.close();
        for (const e of unacked) ack(e);
        unacked = [];
        p = Partition.open(fs, DIR, { ...OPTS, durability });
      } else if (r < 91) {
        attempt({ kind: 'retain-start' });
        p.retain({ maxBytes: 2500 });
        attempt({ kind: 'retain-done', earliest: p.earliestOffset() });
      } else {
        const from = p.earliestOffset() + BigInt(rng.int(5));
        const got = p.read(from, { maxBytes: 600 }).messages;
        for (const m of got) expect(m.offset).toBeGreaterThanOrEqual(from);
      }
    }
    p.flush();
    for (const e of unacked) ack(e);
    p.close();
  };
}

export function check(fs: SimFs, acked: readonly Event[], attempted: readonly Event[], point: number): void {
  const p = Partition.open(fs, DIR, OPTS);
  const byId = new Map<number, bigint>();
  for (const e of attempted) if (e.kind === 'msg') byId.set(e.id, e.offset);
  // Retention: the earliest offset may not pass the floor of the last retain that finished,
  // unless a later one had started.
  let floor = 0n;
  let retaining = false;
  for (const e of attempted) {
    if (e.kind === 'retain-start') retaining = true;
    if (e.kind === 'retain-done') {
      retaining = false;
      floor = e.earliest;
    }
  }
  const earliest = p.earliestOffset();
  if (!retaining) expect(earliest).toBeLessThanOrEqual(floor);
  expect(earliest).toBeGreaterThanOrEqual(retaining ? floor : 0n);

  // A polling reader from the earliest offset sees every message once, in order.
  const seen: Message[] = [];
  let next = earliest;
  for (;;) {
    const r = p.read(next, { maxBytes: 1500 });
    if (r.messages.length === 0) break;
    seen.push(...r.messages);
    next = r.nextOffset;
  }
  let prev = -1n;
  for (const m of seen) {
    expect(m.offset).toBeGreaterThan(prev);
    prev = m.offset;
    // Nothing that was never written; each message at the offset it was given.
    const id = idOf(m);
    expect(byId.get(id), `message id ${id}`).toBe(m.offset);
    expect([...m.value]).toEqual([...valueFor(id)]);
    expect(m.timestamp).toEqual(timestampFromMillis(tsFor(id)));
  }
  // Everything acknowledged as durable (and not legitimately retained away) is there.
  const present = new Set(seen.map((m) => m.offset));
  for (const e of acked) {
    if (e.kind !== 'msg' || e.offset < earliest) continue;
    expect(present.has(e.offset), `acked offset ${e.offset} lost`).toBe(true);
  }
  // Offsets are never handed out twice.
  const maxAcked = acked.reduce((mx, e) => (e.kind === 'msg' && e.offset > mx ? e.offset : mx), -1n);
  expect(p.nextOffset()).toBeGreaterThan(maxAcked);
  expect(p.nextOffset()).toBeGreaterThan(prev);

  // The time index answers as the original's linear scan does.
  if (seen.length > 0 && point % 4 === 0) {
    for (const m of [seen[0], seen[seen.length >> 1], seen[seen.length - 1]]) {
      const t = tsFor(idOf(m as Message));
      expect(p.findOffsetForTimestamp(t)).toBe(p.findOffsetForTimestampLinear(t));
    }
  }
  // A write after recovery gets a fresh offset and reads back.
  const o = p.append({ value: valueFor(60000), timestamp: timestampFromMillis(0) });
  expect(o).toBe(p.nextOffset() - 1n);
  p.close();

  // The original's reader reads the recovered directory (it ignores .timeindex) the same way.
  if (point % 13 === 0) {
    const orig = readPartitionOriginal(fs, DIR);
    const mine = seen.map((m) => m.offset.toString());
    expect(orig.messages.map((m) => m.offset).slice(0, mine.length)).toEqual(mine);
  }
}
