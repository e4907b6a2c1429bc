import { CRASH_MODES, forEachCrashPoint, makeRng, type SimFs } from '@logspec/core/testing';
import { describe, expect, it } from 'vitest';
import { type HotEventRecord, makeEvent } from '../src/index.js';
import { HotLog, readHotFrames, replayHotLog } from '../src/store.js';

/** Event `id` (its seq); payload sizes vary so writes straddle the 512-byte sectors of keep-prefix. */
function eventFor(id: number): HotEventRecord {
  const size = (id * 7919) % 1400;
  return makeEvent({
    sessionId: `s${id % 5}`,
    seq: BigInt(id),
    tsMs: 1_700_000_000_000n + BigInt(id),
    kind: 'ToolResult',
    tool: id % 3 === 0 ? 'a-long-tool-name' : null,
    payload: { id, blob: 'x'.repeat(size) },
  });
}

const OPS = 220;

/**
 * A deterministic workload of 220 operations: single appends, batches, explicit syncs and
 * close/reopen cycles (each reopen runs recovery), under the original's batching policy with
 * small thresholds. An event is acknowledged once its frame ends at or before `durableEnd`.
 */
async function workload(fs: SimFs, ack: (id: number) => void, attempt: (id: number) => void): Promise<void> {
  const rng = makeRng(20240415);
  const opts = { durability: { syncEveryBytes: 3000, syncEveryFrames: 6 } } as const;
  let log = HotLog.open(fs, '/k', opts);
  let next = 0;
  let pending: { id: number; end: number }[] = [];
  const settle = () => {
    const durable = log.durableEnd;
    pending = pending.filter((p) => {
      if (p.end > durable) return true;
      ack(p.id);
      return false;
    });
  };
  for (let op = 0; op < OPS; op++) {
    const r = rng.int(100);
    if (r < 55) {
      const id = next++;
      attempt(id);
      const at = log.append(eventFor(id));
      pending.push({ id, end: log.end });
      expect(at).toBeLessThan(log.end);
    } else if (r < 80) {
      const n = 1 + rng.int(4);
      const ids = Array.from({ length: n }, () => next++);
      for (const id of ids) attempt(id);
      const offsets = log.appendBatch(ids.map(eventFor));
      ids.forEach((id, i) => {
        pending.push({ id, end: i + 1 < n ? (offsets[i + 1] as number) : log.end });
      });
    } else if (r < 92) {
      log.sync();
    } else {
      log.close();
      log = HotLog.open(fs, '/k', opts);
    }
    settle();
  }
  log.close();
  settle();
}

function check(fs: SimFs, acked: readonly number[], attempted: readonly number[]): void {
  // The store reopens after every crash, recovering the tail.
  const log = HotLog.open(fs, '/k');
  const ids = replayHotLog(fs, '/k').events.map((e) => {
    expect(e.error).toBe(null);
    return Number(e.record?.seq);
  });
  // What is there is a prefix of what was attempted (nothing never written appears, no hole),
  // and it holds everything acknowledged as durable.
  expect(ids).toEqual(attempted.slice(0, ids.length));
  expect(ids.length).toBeGreaterThanOrEqual(acked.length);
  expect(ids.slice(0, acked.length)).toEqual([...acked]);
  // After recovery the original's reader sees the same frames and stops cleanly at the end.
  expect(readHotFrames(fs, '/k').stop.reason).toMatch(/^(eof|header_only)$/);
  // And the log takes new events where it left off.
  const at = log.append(eventFor(999_999));
  log.close();
  expect(replayHotLog(fs, '/k').events.at(-1)).toMatchObject({ offset: at, record: { seq: 999_999n } });
}

describe('crash safety (SimFs, every write/sync point × every crash mode)', () => {
  it(`${OPS}-operation workload: nothing acknowledged is lost, nothing unwritten appears, the log reopens`, async () => {
    const report = await forEachCrashPoint<number>({
      workload,
      check: (fs, acked, ctx) => check(fs, acked, ctx.attempted),
      modes: CRASH_MODES,
    });
    expect(report.points).toBeGreaterThan(OPS);
    expect(report.checks).toBe(report.points * CRASH_MODES.length);
  });
});
