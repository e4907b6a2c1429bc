import { forEachCrashPoint, makeRng, type SimFs } from '@logspec/core/testing';
import { describe, expect, it } from 'vitest';
import { type WalRecord, WalRecords } from '../src/index.js';
import { type Durability, openWal, readOriginal, readWal, type WalWriter } from '../src/store.js';
import { normalized } from './arbitraries.js';

const T = '774615d7-b1a1-42e1-a2b3-53f04f4f52da';
const MODES: Durability[] = [
  { mode: 'every-record' },
  { mode: 'group-commit', maxRecords: 5, maxDelayMs: 1 },
  { mode: 'manual' },
];
const OPS = 240;

function record(i: number, size: number): WalRecord {
  return WalRecords.nodeStart(T, i, { timestampNs: BigInt(i), metadata: size === 0 ? null : 'm'.repeat(size) });
}

/** A deterministic ≥ 200-operation workload: appends and batches of mixed sizes, syncs, reopens under every policy, rotation. */
function workload(seed: number) {
  return async (fs: SimFs, ack: (r: WalRecord) => void, attempt: (r: WalRecord) => void): Promise<void> => {
    const rng = makeRng(seed);
    let modeIx = 0;
    const open = (): WalWriter =>
      openWal({ fs, dir: '/w', durability: MODES[modeIx % MODES.length], maxFileSize: 1500, bufferSize: 300 });
    let w = open();
    let outstanding: Promise<void>[] = [];
    for (let i = 0; i < OPS; i++) {
      const roll = rng.int(100);
      if (roll < 65) {
        const size = rng.int(10) === 0 ? 600 + rng.int(1200) : rng.int(120);
        const r = record(i, size);
        attempt(r);
        const p = w.append(r).then(() => ack(r));
        // A crash aborts the workload before it awaits these; their rejection is expected then.
        p.catch(() => {});
        outstanding.push(p);
      } else if (roll < 75) {
        // A batch: acknowledged together, once all of it is durable.
        const batch = Array.from({ length: 1 + rng.int(6) }, (_, k) => record(i * 8 + k + 8_000, rng.int(200)));
        for (const r of batch) attempt(r);
        const p = w.appendMany(batch).then(() => {
          for (const r of batch) ack(r);
        });
        // A crash aborts the workload before it awaits these; their rejection is expected then.
        p.catch(() => {});
        outstanding.push(p);
      } else if (roll < 85) {
        await w.sync();
        await Promise.all(outstanding);
        outstanding = [];
      } else if (roll < 90) {
        await w.close();
        await Promise.all(outstanding);
        outstanding = [];
        modeIx++;
        w = open();
      } else if (w.pendingCount === 0) {
        await Promise.all(outstanding);
        outstanding = [];
      }
    }
    await w.close();
    await Promise.all(outstanding);
  };
}

function check(fs: SimFs, acked: readonly WalRecord[], attempted: readonly WalRecord[]): void {
  const byId = new Map(attempted.map((r) => [r.nodeId, normalized(r)]));
  // A crash before the directory existed leaves nothing to read (and nothing was acknowledged).
  const got = fs.exists('/w') ? readWal('/w', { fs }) : { damage: [], records: [] };
  expect(got.damage).toEqual([]);
  const ids = got.records.map((e) => e.record.nodeId);
  // Nothing that was never written appears, and what appears is byte-for-byte what was written.
  for (const e of got.records) expect(e.record).toEqual(byId.get(e.record.nodeId));
  expect(new Set(ids).size).toBe(ids.length);
  // Everything acknowledged is there, in order.
  let j = 0;
  for (const id of ids) if (j < acked.length && acked[j]?.nodeId === id) j++;
  expect(j, `acked ${acked.length}, found in order ${j}; read ${ids.join(',')}`).toBe(acked.length);
  // The store reopens, and a record written after recovery is readable by the original reader too.
  const w = openWal({ fs, dir: '/w', maxFileSize: 1500 });
  w.write(record(1_000_000, 3));
  w.closeSync();
  const original = readOriginal('/w', fs).records.map((r) => r.node_id);
  expect(original).toEqual([...ids, 1_000_000]);
}

describe('crash safety (SimFs, every mutating call × every crash mode)', () => {
  it('WAL-S-004, WAL-W-011: loses nothing acknowledged, invents nothing, always reopens', async () => {
    let attempts = 0;
    let acks = 0;
    const report = await forEachCrashPoint<WalRecord>({
      workload: workload(7),
      check: (fs, acked, ctx) => {
        attempts = Math.max(attempts, ctx.attempted.length);
        acks = Math.max(acks, acked.length);
        check(fs, acked, ctx.attempted);
      },
      seed: 11,
    });
    expect(attempts).toBeGreaterThan(150);
    expect(acks).toBe(attempts);
    expect(report.points).toBeGreaterThan(200);
    expect(report.checks).toBe(report.points * 5);
  });

  it('the same under real interruption (rerun strategy) on a shorter prefix of crash points', async () => {
    const report = await forEachCrashPoint<WalRecord>({
      workload: workload(3),
      check: (fs, acked, ctx) => check(fs, acked, ctx.attempted),
      strategy: 'rerun',
      points: (p) => p % 7 === 0,
      seed: 5,
    });
    expect(report.checks).toBeGreaterThan(100);
  });
});
