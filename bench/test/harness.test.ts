import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  formatRate,
  formatRatio,
  freshCall,
  measure,
  measureAll,
  resultsFile,
  suite,
  summarize,
} from '../src/harness.js';
import { findBenchFiles } from '../src/run-all.js';

const tmp = mkdtempSync(join(tmpdir(), 'logspec-bench-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const m = (name: string, opsPerSec: number, units: number) => ({
  name,
  units,
  opsPerSec,
  rsd: 1,
  iterations: 10,
  samples: 3,
  async: false,
});

describe('bench harness', () => {
  it('ratios compare units/s against the baseline', () => {
    const r = summarize([m('base', 1000, 10), m('twice as fast', 2000, 10), m('half the calls, 4× the work', 500, 40)]);
    expect(r.map((x) => x.baseline)).toEqual([true, false, false]);
    expect(r.map((x) => x.unitsPerSec)).toEqual([10_000, 20_000, 20_000]);
    expect(r.map((x) => x.ratio)).toEqual([1, 2, 2]);
    expect(summarize([])).toEqual([]);
  });

  it('formats rates and ratios', () => {
    expect(formatRate(1_234_567)).toBe('1.23 M');
    expect(formatRate(12_345_678_901)).toBe('12.3 G');
    expect(formatRate(999)).toBe('999');
    expect(formatRate(45_600)).toBe('45.6 k');
    expect(formatRate(0.5)).toBe('0.50');
    expect(formatRatio(2.314)).toBe('2.31×');
    expect(formatRatio(123.4)).toBe('123×');
  });

  it('measures sync and async cases, calling them sequentially', async () => {
    let calls = 0;
    const sync = await measure({ name: 's', units: 1, fn: () => calls++ }, 20, 5);
    expect(sync.async).toBe(false);
    expect(sync.iterations).toBeGreaterThan(0);
    expect(calls).toBeGreaterThan(sync.iterations);
    expect(sync.opsPerSec).toBeGreaterThan(0);
    expect(sync.samples).toBeGreaterThanOrEqual(3);

    let inFlight = 0;
    let maxInFlight = 0;
    const asyncM = await measure(
      {
        name: 'a',
        units: 1,
        fn: async () => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((r) => setImmediate(r));
          inFlight--;
        },
      },
      20,
      5,
    );
    expect(asyncM.async).toBe(true);
    expect(maxInFlight).toBe(1);
    expect(asyncM.iterations).toBeGreaterThan(0);
  });

  it('interleaves the cases in rounds, so load drift hits them alike', async () => {
    const log: string[] = [];
    const res = await measureAll(
      [
        { name: 'a', units: 1, fn: () => log.push('a') },
        { name: 'b', units: 1, fn: () => log.push('b') },
      ],
      20,
      1,
      5,
    );
    expect(res).toHaveLength(2);
    let switches = 0;
    for (let i = 1; i < log.length; i++) if (log[i] !== log[i - 1]) switches++;
    // One switch after calibrating a, then a→b / b→a in each of the five rounds.
    expect(switches).toBeGreaterThanOrEqual(1 + 2 * 5 - 1);
    for (const r of res) expect(r.samples).toBeGreaterThanOrEqual(5);
  });

  it('freshCall builds a distinct function per call that forwards its arguments', () => {
    const add = (a: number, b: number) => a + b;
    const f = freshCall(add, 2, 3);
    const g = freshCall(add, 2, 3);
    expect(f()).toBe(5);
    expect(f).not.toBe(g);
    expect(f.toString()).toContain('fn(a0, a1)');
  });

  it('runs setup, every case and teardown, prints a table and appends JSON lines', async () => {
    process.env.LOGSPEC_BENCH_OUT = join(tmp, 'results');
    const order: string[] = [];
    const lines: string[] = [];
    try {
      const res = await suite('harness self-test', {
        unit: 'bytes',
        timeMs: 15,
        warmupMs: 2,
        setup: () => void order.push('setup'),
        teardown: () => void order.push('teardown'),
        baseline: { name: 'sum 64', units: 64, fn: () => order.length + 64 },
        cases: [
          { name: 'sum 128', units: 128, fn: () => order.length + 128 },
          { name: 'async', units: 1, fn: async () => 1 },
        ],
        print: (l) => lines.push(l),
      });
      expect(order).toEqual(['setup', 'teardown']);
      expect(res.results.map((r) => r.name)).toEqual(['sum 64', 'sum 128', 'async']);
      expect(res.results[0]?.ratio).toBe(1);
      for (const r of res.results) expect(r.unitsPerSec).toBeCloseTo(r.opsPerSec * r.units);
      const text = lines.join('\n');
      expect(text).toContain('## harness self-test');
      expect(text).toContain('bytes/s');
      expect(text).toContain('sum 64 (baseline)');
      expect(text).toMatch(/1\.00×/);
      const jsonl = readFileSync(resultsFile(), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(jsonl.filter((j) => j.suite === 'harness self-test').map((j) => j.name)).toEqual([
        'sum 64',
        'sum 128',
        'async',
      ]);
      expect(jsonl[0]).toMatchObject({ unit: 'bytes', baseline: true, ratio: 1 });
    } finally {
      delete process.env.LOGSPEC_BENCH_OUT;
    }
  });

  it('runs teardown even when a case throws, and rejects bad units', async () => {
    let tornDown = false;
    await expect(
      suite('failing', {
        unit: 'x',
        record: false,
        print: null,
        timeMs: 5,
        baseline: {
          name: 'boom',
          units: 1,
          fn: () => {
            throw new Error('boom');
          },
        },
        cases: [],
        teardown: () => {
          tornDown = true;
        },
      }),
    ).rejects.toThrow('boom');
    expect(tornDown).toBe(true);
    await expect(
      suite('bad', {
        unit: 'x',
        record: false,
        print: null,
        baseline: { name: 'b', units: 0, fn: () => 0 },
        cases: [],
      }),
    ).rejects.toThrow(/units/);
  });

  it('finds bench files of packages, conformance, tools and the inspector', () => {
    const repo = join(tmp, 'repo');
    for (const d of [
      'packages/a/bench',
      'packages/b/bench',
      'packages/c/src',
      'conformance/bench',
      'tools/bench',
      'inspector/bench',
    ]) {
      mkdirSync(join(repo, d), { recursive: true });
    }
    for (const f of [
      'packages/b/bench/x.bench.ts',
      'packages/a/bench/y.bench.ts',
      'packages/a/bench/helper.ts',
      'packages/c/src/z.bench.ts',
      'conformance/bench/c.bench.ts',
      'tools/bench/t.bench.ts',
      'inspector/bench/l.bench.ts',
    ]) {
      writeFileSync(join(repo, f), '');
    }
    expect(findBenchFiles(repo)).toEqual([
      'packages/a/bench/y.bench.ts',
      'packages/b/bench/x.bench.ts',
      'conformance/bench/c.bench.ts',
      'tools/bench/t.bench.ts',
      'inspector/bench/l.bench.ts',
    ]);
  });
});
