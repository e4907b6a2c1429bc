/**
 * How long the page's main thread is busy while the worker scans a log. The same procedure as
 * the e2e test (inspector/test/large-scan.ts) on a 256 MiB WAL, against a baseline in the same
 * run: the same page scanning a 1 MiB WAL. If the main thread did work per record, its longest
 * task would grow with the log; the ratio shows it does not. The budget from the inspector's
 * issue is no main-thread task of 100 ms or more during the scan; a quiet machine is needed to
 * judge it (a loaded one stretches every task).
 *
 *   pnpm bench longtasks            # 3 interleaved rounds
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { launchChromium } from '@logspec/browser-tests/chromium';
import { ensureBuilt, REPO_ROOT } from '../src/build/build.js';
import { startStatic } from '../test/harness.js';
import { generateLargeWal, LARGE_SIZE, type LargeScan, longTaskStats, scanAndScroll } from '../test/large-scan.js';

const ROUNDS = Number(process.env.LOGSPEC_BENCH_ROUNDS ?? 3);
const BUDGET_MS = 100;

const longest = (r: LargeScan) => Math.max(0, ...r.duringScan.map((t) => t.duration));
const longestCpu = (r: LargeScan) => Math.max(0, ...r.scanTasks.map((t) => t.cpuMs));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<void> {
  await ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'logspec-longtasks-'));
  const small = join(dir, 'small', 'wal_0000000000000001.log');
  const large = join(dir, 'large', 'wal_0000000000000001.log');
  for (const f of [small, large]) mkdirSync(dirname(f), { recursive: true });
  generateLargeWal(small, 1 << 20);
  generateLargeWal(large, LARGE_SIZE);
  const server = await startStatic();
  const chromium = await launchChromium();
  const rounds: { load: number; small: LargeScan; large: LargeScan }[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      const s = await scanAndScroll(chromium, server, small);
      const l = await scanAndScroll(chromium, server, large);
      rounds.push({ load: loadavg()[0] ?? 0, small: s, large: l });
      console.log(
        `round ${i + 1}: 1 MiB longest task ${Math.round(longest(s))} ms; 256 MiB longest ${Math.round(longest(l))} ms, ` +
          `${l.duringScan.length} long tasks in a ${Math.round(l.scanMs)} ms scan, longest CPU ${Math.round(longestCpu(l))} ms ` +
          `(load ${loadavg()[0]?.toFixed(1)})`,
      );
    }
  } finally {
    await chromium.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const base = median(rounds.map((r) => longest(r.small)));
  const big = median(rounds.map((r) => longest(r.large)));
  const ratio = base > 0 ? big / base : big > 0 ? Number.POSITIVE_INFINITY : 1;
  console.log('\n| log | scan ms (median) | longest main-thread task ms (median) | ratio to 1 MiB |');
  console.log('|---|---|---|---|');
  console.log(`| 1 MiB | ${Math.round(median(rounds.map((r) => r.small.scanMs)))} | ${Math.round(base)} | 1 |`);
  console.log(
    `| 256 MiB | ${Math.round(median(rounds.map((r) => r.large.scanMs)))} | ${Math.round(big)} | ${Number.isFinite(ratio) ? ratio.toFixed(2) : '—'} |`,
  );
  console.log(`budget: no task of ${BUDGET_MS} ms or more during the scan — ${big < BUDGET_MS ? 'met' : 'MISSED'}`);
  const line = {
    suite: 'inspector long tasks',
    date: new Date().toISOString(),
    cpus: cpus().length,
    rounds: rounds.map((r) => ({
      load: r.load,
      small: {
        scan_ms: Math.round(r.small.scanMs),
        long_tasks: longTaskStats(r.small.duringScan),
        longest_cpu_ms: Math.round(longestCpu(r.small)),
      },
      large: {
        scan_ms: Math.round(r.large.scanMs),
        long_tasks: longTaskStats(r.large.duringScan),
        longest_cpu_ms: Math.round(longestCpu(r.large)),
      },
    })),
    longest_ms_median: { small: Math.round(base), large: Math.round(big) },
    budget_ms: BUDGET_MS,
  };
  // As every `pnpm bench` file: bench-results/<date>.jsonl, or LOGSPEC_BENCH_OUT.
  const out = process.env.LOGSPEC_BENCH_OUT ?? join(REPO_ROOT, 'bench-results');
  const file = join(out, `${new Date().toISOString().slice(0, 10)}.jsonl`);
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(line)}\n`);
}

await main();
