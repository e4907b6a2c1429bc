/**
 * Model-based crash tests (spec/ring.md § 6): a workload of appends, batches, syncs, reopens and
 * replays is crashed before every mutating Fs call and after its end, under every SimFs crash
 * mode; each post-crash state must reopen, keep every acknowledged record the ring has not
 * evicted, show no record that was never appended, and keep append order (rotation allowed only
 * where a crash can tear the cursor write).
 */
import { type Fs, writeFully } from '@logspec/core';
import {
  CRASH_MODES,
  type CrashMode,
  CrashPointFailure,
  forEachCrashPoint,
  makeRng,
  type SimFs,
} from '@logspec/core/testing';
import { describe, expect, it } from 'vitest';
import { encodeHeader, encodeSlot, type RingSlot, ringFileLength } from '../src/index.js';
import { RingLog } from '../src/store.js';

const P = '/data/ring.vrrl';
const CAP = 13;
/** Crash modes that can cut a write short (and so tear the 8-byte cursor). */
const TEARING: readonly CrashMode[] = ['keep-prefix', 'tear-last-write'];

/** Record `seq`: every field derived from it, so a record that mixes two writes is recognisable. */
function recFor(seq: number): RingSlot {
  return {
    timestampNs: 0x1234_5678_0000_0000n + BigInt(seq) * 0x1_0000_0001n,
    slotIdx: seq,
    tenantId: (seq * 2654435761) >>> 0,
    opcode: 0x4000_0000 + seq,
    args: [seq ^ 0xffff, (seq * 3) >>> 0, 0xa5a5a5a5, ~seq >>> 0],
    epoch: seq + 7,
  };
}

type Step =
  | { kind: 'append' }
  | { kind: 'batch'; n: number }
  | { kind: 'sync' }
  | { kind: 'reopen'; capacity: number }
  | { kind: 'replay' };

function plan(seed: number, length: number): Step[] {
  const rng = makeRng(seed);
  const steps: Step[] = [];
  for (let i = 0; i < length; i++) {
    const r = rng.int(100);
    if (r < 42) steps.push({ kind: 'append' });
    else if (r < 62) steps.push({ kind: 'batch', n: 1 + rng.int(2 * CAP + 4) });
    else if (r < 84) steps.push({ kind: 'sync' });
    else if (r < 90) steps.push({ kind: 'reopen', capacity: 1 + rng.int(2 * CAP) });
    else steps.push({ kind: 'replay' });
  }
  return steps;
}

/** Runs `steps` against a store on `fs`, calling `attempt` before and `ack` after durability. */
function runWorkload(
  fs: Fs,
  steps: readonly Step[],
  syncEvery: number,
  ack: (seq: number) => void,
  attempt: (seq: number) => void,
  bufferSlots?: number,
): void {
  let log = RingLog.open(P, { fs, capacity: CAP, syncEvery, bufferSlots });
  let seq = 0;
  let acked = 0;
  let base = 0; // records appended through earlier handles (all synced by their close)
  const ackDurable = () => {
    const durable = base + log.stats.synced;
    while (acked < durable) ack(acked++);
  };
  for (const step of steps) {
    switch (step.kind) {
      case 'append':
        attempt(seq);
        log.append(recFor(seq++));
        break;
      case 'batch': {
        const batch: RingSlot[] = [];
        for (let i = 0; i < step.n; i++) {
          attempt(seq);
          batch.push(recFor(seq++));
        }
        log.appendMany(batch);
        break;
      }
      case 'sync':
        log.sync();
        break;
      case 'reopen':
        log.close();
        ackDurable();
        base += log.stats.appended;
        // The asked capacity is ignored: the file's wins (RING-W-006).
        log = RingLog.open(P, { fs, capacity: step.capacity, syncEvery, bufferSlots });
        expect(log.capacity).toBe(CAP);
        break;
      case 'replay': {
        const want = Array.from({ length: Math.min(seq, CAP) }, (_, i) => recFor(seq - Math.min(seq, CAP) + i));
        expect(log.replay()).toEqual(want);
        break;
      }
    }
    ackDurable();
  }
  log.close();
  ackDurable();
}

/** The post-crash invariants of RING-S-006/S-007. */
function checkRecovered(fs: SimFs, acked: readonly number[], attempted: readonly number[], mode: CrashMode): void {
  const log = RingLog.open(P, { fs, capacity: CAP });
  const got = log.replay();
  const seqs = got.map((r) => r.slotIdx);
  const tried = new Set(attempted);
  for (const r of got) {
    expect(tried.has(r.slotIdx), `record ${r.slotIdx} was never appended`).toBe(true);
    expect(r, `record ${r.slotIdx} is not what was appended`).toEqual(recFor(r.slotIdx));
  }
  expect(new Set(seqs).size).toBe(seqs.length);
  const evictedBelow = attempted.length - CAP;
  for (const s of acked) if (s >= evictedBelow) expect(seqs, `durable record ${s} lost`).toContain(s);
  let descents = 0;
  for (let i = 1; i < seqs.length; i++) if ((seqs[i] as number) < (seqs[i - 1] as number)) descents++;
  if (TEARING.includes(mode)) {
    // A torn cursor rotates the ring: at most one wrap in the sequence.
    expect(descents <= 1 && (descents === 0 || (seqs.at(-1) as number) < (seqs[0] as number))).toBe(true);
  } else {
    expect(descents, `out of order: ${seqs.join(',')}`).toBe(0);
  }
  // The recovered store keeps working.
  log.append(recFor(1_000_000));
  log.appendMany([recFor(1_000_001), recFor(1_000_002)]);
  expect(log.replay().slice(-3)).toEqual([recFor(1_000_000), recFor(1_000_001), recFor(1_000_002)]);
  log.close();
}

describe('crash at every write and sync point (RING-S-006, RING-S-007)', () => {
  // Appends are held in memory (RING-S-009) by default; `bufferSlots` 1 writes each one through
  // and 4 makes the held run fill (and wrap) between syncs.
  for (const [name, syncEvery, seed, bufferSlots] of [
    ['explicit sync', 0, 1, undefined],
    ['syncEvery 5', 5, 2, undefined],
    ['explicit sync, each append written through', 0, 4, 1],
    ['syncEvery 5, runs of 4 appends', 5, 5, 4],
  ] as const) {
    it(`240-operation workload, ${name}, every crash mode`, async () => {
      const steps = plan(seed, 240);
      const report = await forEachCrashPoint<number>({
        setup: (fs) => fs.mkdir('/data'),
        workload: (fs, ack, attempt) => runWorkload(fs, steps, syncEvery, ack, attempt, bufferSlots),
        check: (fs, acked, ctx) => checkRecovered(fs, acked, ctx.attempted, ctx.mode),
        seed,
      });
      expect(report.points).toBeGreaterThan(400);
      expect(report.checks).toBe(report.points * CRASH_MODES.length);
    });
  }

  it('the crash really interrupting the workload (rerun strategy), 60 operations', async () => {
    const steps = plan(3, 60);
    const report = await forEachCrashPoint<number>({
      setup: (fs) => fs.mkdir('/data'),
      workload: (fs, ack, attempt) => runWorkload(fs, steps, 0, ack, attempt),
      check: (fs, acked, ctx) => checkRecovered(fs, acked, ctx.attempted, ctx.mode),
      strategy: 'rerun',
      seed: 3,
    });
    expect(report.points).toBeGreaterThan(100);
  });

  it('a crash while open clears torn magics loses nothing', async () => {
    const image = new Uint8Array(ringFileLength(CAP));
    encodeHeader({ capacity: CAP, cursor: 5 }, image);
    const view = new DataView(image.buffer);
    for (let i = 0; i < CAP; i++) image.set(encodeSlot(recFor(i < 5 ? CAP + i : i)), 32 + 64 * i);
    const torn = [6, 9, 12];
    for (const [k, s] of torn.entries())
      view.setUint32(32 + 64 * s, [0x0000beef, 0xdead0000, 0x00adbeef][k] as number, true);
    const survivors = Array.from({ length: CAP }, (_, k) => (5 + k) % CAP)
      .filter((s) => !torn.includes(s))
      .map((s) => recFor(s < 5 ? CAP + s : s));
    await forEachCrashPoint<number>({
      setup: (fs) => fs.put(P, image),
      workload: (fs) => {
        const log = RingLog.open(P, { fs });
        expect(log.opened.clearedTornSlots).toEqual(torn);
        log.close();
      },
      check: (fs) => {
        const log = RingLog.open(P, { fs });
        expect(log.replay()).toEqual(survivors);
        log.close();
      },
    });
  });
});

/**
 * The same invariants against the original's append (record, then cursor; no magic step) fail:
 * the checks can fail, and logspec's write order (RING-W-008) is what makes them hold.
 */
describe("the original's write order", () => {
  function originalAppend(fs: Fs, next: number, slot: RingSlot): number {
    const h = fs.open(P, { write: true });
    try {
      writeFully(h, encodeSlot(slot), 32 + 64 * next);
      const after = (next + 1) % CAP;
      const c = new Uint8Array(8);
      new DataView(c.buffer).setUint32(0, after, true);
      writeFully(h, c, 24);
      return after;
    } finally {
      h.close();
    }
  }

  it('shows never-written or out-of-order records after some crash', async () => {
    const run = forEachCrashPoint<number>({
      setup: (fs) => fs.mkdir('/data'),
      workload: (fs, ack, attempt) => {
        RingLog.open(P, { fs, capacity: CAP }).close();
        let next = 0;
        let seq = 0;
        for (let round = 0; round < 6; round++) {
          for (let i = 0; i < 4; i++) {
            attempt(seq);
            next = originalAppend(fs, next, recFor(seq++));
          }
          const h = fs.open(P, { write: true });
          h.fdatasync();
          h.close();
          for (let s = seq - 4; s < seq; s++) ack(s);
        }
      },
      check: (fs, acked, ctx) => checkRecovered(fs, acked, ctx.attempted, ctx.mode),
      modes: ['tear-last-write', 'keep-prefix'],
    });
    await expect(run).rejects.toBeInstanceOf(CrashPointFailure);
    // A torn slot: a record mixing two writes, which the format cannot detect.
    await expect(run).rejects.toThrow(/is not what was appended/);
  });
});
