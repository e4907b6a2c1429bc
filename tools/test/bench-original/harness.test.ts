// The timing harness (as `original bench`'s measure), a driver run end to end at tiny sizes, the
// table and ratios of a run, and the command line.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parseArgs } from '../../src/bench-original/args.js';
import { type CpuProfile, selfTimes } from '../../src/bench-original/cpu-profile.js';
import { SPECS } from '../../src/bench-original/drivers/index.js';
import { measure, median } from '../../src/bench-original/measure.js';
import type { OriginalResult, Outcome } from '../../src/bench-original/processes.js';
import { appendResults, summarize, table, type WorkloadRun } from '../../src/bench-original/report.js';
import { makeCtx, runPath } from '../../src/bench-original/run.js';
import { checkSizes, WORKLOADS } from '../../src/bench-original/sizes.js';
import type { DriverResult } from '../../src/bench-original/spec.js';

const tmp = mkdtempSync(join(tmpdir(), 'logspec-bench-original-harness-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('measure', () => {
  test('setup, warm-up, then timed repetitions; teardown after each, the warm-up as rep 0', async () => {
    const events: string[] = [];
    const m = await measure(3, {
      setup: (rep) => {
        events.push(`setup ${rep}`);
        return rep;
      },
      body: (rep) => ({ work: { n: 10, bytes: 100 + rep }, out: rep }),
      teardown: (_s, out, rep) => {
        events.push(`teardown ${rep} ${String(out)}`);
      },
    });
    expect(events).toEqual([
      'setup 0',
      'teardown 0 0',
      'setup 1',
      'teardown 1 1',
      'setup 2',
      'teardown 2 2',
      'setup 3',
      'teardown 3 3',
    ]);
    expect(m.runs.length).toBe(3);
    expect(m.seconds).toBe(median(m.runs));
    expect(m.work).toEqual({ n: 10, bytes: 102 }); // bytes: the mean over the timed repetitions
  });

  test('a repetition that does other work than the warm-up is an error', async () => {
    await expect(
      measure(2, {
        setup: (rep) => rep,
        body: (rep) => ({ work: { n: rep === 2 ? 9 : 10, bytes: null } }),
        teardown() {},
      }),
    ).rejects.toThrow(/repetition 2 did different work/);
  });

  test('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('runPath at tiny sizes', () => {
  test.each([
    ['session-append', 'default'],
    ['hotframe-replay', 'fast'],
  ] as const)('%s %s: a result line, the warm-up verified, every directory removed', async (w, path) => {
    const sizes = { ...checkSizes(), reps: 2 };
    const { ctx, root } = makeCtx(tmp, sizes);
    const r = await runPath(SPECS[w], path, ctx);
    expect(r).toMatchObject({ workload: w, path, api: SPECS[w][path]?.api });
    expect(r.n).toBe(w === 'session-append' ? sizes.sessionEntries : Math.ceil(sizes.bigBytes / 208));
    expect(r.runs_s.length).toBe(2);
    expect(r.per_sec).toBeGreaterThan(0);
    expect(readdirSync(root)).toEqual([]);
    rmSync(root, { recursive: true });
  });
});

const orig = (seconds: number): Outcome<OriginalResult> => ({
  ok: {
    workload: 'w',
    n: 1,
    seconds,
    per_sec: 1 / seconds,
    mb_per_sec: null,
    bytes: null,
    runs_s: [seconds],
    notes: '',
  },
});
const ours = (seconds: number): Outcome<DriverResult> => ({
  ok: {
    workload: 'ring-append',
    path: 'default',
    api: 'a',
    n: 1,
    bytes: null,
    seconds,
    per_sec: 1 / seconds,
    mb_per_sec: null,
    runs_s: [seconds],
    notes: '',
  },
});

describe('report', () => {
  const run: WorkloadRun = {
    workload: 'ring-append',
    apis: { default: 'RingLog.append', fast: 'RingLog.appendMany' },
    check: [],
    rounds: [
      { load: [2, 3], original: orig(1), default: ours(2), fast: ours(0.1) },
      { load: [3, 5], original: orig(2), default: ours(2), fast: { error: 'boom' } },
      { load: [4, 1.5], original: orig(3), default: ours(2), fast: ours(0.2) },
    ],
  };

  test('ratios are the original’s seconds over logspec’s in the same round, their median reported', () => {
    const s = summarize(run);
    expect(s.original).toBe(2);
    expect(s.default).toMatchObject({ seconds: 2, ratios: [0.5, 1, 1.5], ratio: 1 });
    expect(s.fast).toMatchObject({ ratios: [10, null, 15], ratio: 12.5, error: 'boom' });
    expect(s.fast?.seconds).toBeCloseTo(0.15, 12);
    expect(s.load).toEqual([1.5, 5]);
    expect(table([s])).toEqual([
      '| workload | original/s | logspec default/s | ratio | fast path/s | ratio | load (1 min) |',
      '|---|---:|---:|---:|---:|---:|---|',
      '| ring-append | 2.00 | 2.00 | 1.00× | 0.150 | 12.5× | 1.5–5.0 |',
    ]);
  });

  test('a path that never ran is shown as failed; results are appended as one JSON line per workload', () => {
    const failed: WorkloadRun = {
      ...run,
      rounds: run.rounds.map((r) => ({ ...r, default: { error: 'check failed: x' } })),
    };
    expect(table([summarize(failed)])[2]).toBe('| ring-append | 2.00 | failed | — | 0.150 | 12.5× | 1.5–5.0 |');
    const file = join(tmp, 'out', 'results.jsonl');
    const machine = { nproc: 2, cpu: 'cpu', kernel: 'k', node: 'v', rustc: null };
    appendResults(file, machine, [run, failed]);
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.workload, l.kind, l.machine.nproc, l.rounds.length])).toEqual([
      ['ring-append', 'bench-original', 2, 3],
      ['ring-append', 'bench-original', 2, 3],
    ]);
    expect(lines[0].summary.default.ratio).toBe(1);
  });
});

describe('the command line', () => {
  test('workloads, rounds, n, dir; all workloads by default', () => {
    expect(parseArgs([])).toMatchObject({ workloads: [...WORKLOADS], rounds: 3, n: undefined });
    expect(parseArgs(['wal-scan', '--rounds', '5', '--n', '1000', '--dir', '/x'])).toEqual({
      workloads: ['wal-scan'],
      rounds: 5,
      n: 1000,
      dir: '/x',
    });
  });

  test('usage errors', () => {
    expect(parseArgs(['--n', '5'])).toBe('--n applies to named workloads, not to all');
    expect(parseArgs(['ring-append', '--rounds', '0'])).toBe('--rounds needs a positive integer');
    expect(parseArgs(['ring-append', '--rounds'])).toBe('--rounds needs a value');
    expect(parseArgs(['ring'])).toBe('unknown workload or option ring');
    expect(parseArgs(['--help'])).toBe('');
  });
});

describe('CPU profiles of the timed repetitions', () => {
  const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber });
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', '') },
      { id: 2, callFrame: frame('append', 'file:///repo/packages/ring-log/src/store/ring-log.ts') },
      { id: 3, callFrame: frame('writeBuffer', '') },
      { id: 4, callFrame: frame('helper', 'file:///repo/packages/ring-log/src/store/ring-log.ts') },
      { id: 5, callFrame: frame('writeSync', 'node:fs', 897) },
    ],
    startTime: 1000,
    samples: [2, 3, 3, 4, 5, 3],
    timeDeltas: [100, 300, 300, 100, 100, 100],
  };

  test('self time per function and per file, over every profile, largest first', () => {
    const byFn = selfTimes([profile, profile], '/repo');
    expect(byFn.map((t) => [t.name, t.where, t.ms])).toEqual([
      ['writeBuffer', '(native)', 1.4],
      ['append', 'packages/ring-log/src/store/ring-log.ts', 0.2],
      ['helper', 'packages/ring-log/src/store/ring-log.ts', 0.2],
      ['writeSync', 'node:fs:898', 0.2],
    ]);
    expect(byFn[0]?.share).toBeCloseTo(0.7);
    expect(selfTimes([profile], '/repo', true).map((t) => [t.where, t.ms])).toEqual([
      ['(native)', 0.7],
      ['packages/ring-log/src/store/ring-log.ts', 0.2],
      ['node:fs', 0.1],
    ]);
  });

  test('only samples inside the timed window count', () => {
    // sample times: 1100, 1400, 1700, 1800, 1900, 2000
    const timed = { ...profile, window: { from: 1400, to: 1800 } };
    expect(selfTimes([timed], '/repo').map((t) => [t.name, t.ms])).toEqual([
      ['writeBuffer', 0.6],
      ['helper', 0.1],
    ]);
  });
});
