/**
 * `pnpm bench:original [workload…] [--rounds N] [--n N] [--dir DIR]`: logspec against the
 * original implementations on the original's own benchmark (`original bench`), in the same run.
 *
 * 1. builds the original with `../shared/original/setup.sh` (or takes `$LOGSPEC_ORIGINAL_BIN`);
 * 2. checks every driver against it (`check.ts`): files written at a small size equal the
 *    original's for the same recipe, records read back are the inputs; a path that fails is not
 *    timed;
 * 3. per workload, per round: `original bench <workload>`, then logspec's default path, then its
 *    fast path, each in a process of its own, with the load average before and after;
 * 4. prints the table and appends the results to `bench-results/original-<date>.jsonl`.
 */
import { AdapterSubject } from '@logspec/conformance';
import { originalBinary } from '../original/binary.js';
import { type Options, parseArgs, USAGE } from './args.js';
import { type CheckResult, checkWorkload } from './check.js';
import { SPECS } from './drivers/index.js';
import { load1, machine } from './machine.js';
import { type Outcome, REPO_ROOT, runDriver, runOriginal } from './processes.js';
import {
  appendResults,
  formatSeconds,
  type Round,
  resultsFile,
  roundsTable,
  summarize,
  table,
  type WorkloadRun,
} from './report.js';
import type { Workload } from './sizes.js';
import type { DriverResult, PathName } from './spec.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

function brief(o: Outcome<{ seconds: number }> | undefined): string {
  if (!o) return '—';
  return 'ok' in o ? `${formatSeconds(o.ok.seconds)} s` : `failed (${o.error.split('\n')[0]})`;
}

async function checkAll(bin: string, opts: Options): Promise<Map<Workload, CheckResult[]>> {
  const reference = new AdapterSubject({ command: `${JSON.stringify(bin)} serve` });
  await reference.start();
  const checks = new Map<Workload, CheckResult[]>();
  try {
    for (const w of opts.workloads) {
      const r = await checkWorkload(SPECS[w], reference, opts.dir);
      for (const c of r) log(`check ${w} ${c.path}: ${c.ok ? 'ok' : 'FAILED'} — ${c.detail}`);
      checks.set(w, r);
    }
  } finally {
    await reference.stop();
  }
  return checks;
}

function timeWorkload(bin: string, w: Workload, check: CheckResult[], opts: Options): WorkloadRun {
  const spec = SPECS[w];
  const paths: PathName[] = spec.fast ? ['default', 'fast'] : ['default'];
  const failed = (p: PathName) => check.find((c) => c.path === p && !c.ok);
  const apis: Partial<Record<PathName, string>> = { default: spec.default.api };
  if (spec.fast) apis.fast = spec.fast.api;
  const rounds: Round[] = [];
  const run = { n: opts.n, dir: opts.dir };
  for (let i = 1; i <= opts.rounds; i++) {
    const before = load1();
    const original = runOriginal(bin, w, run);
    const side = (p: PathName): Outcome<DriverResult> => {
      const bad = failed(p);
      return bad ? { error: `check failed: ${bad.detail}` } : runDriver(w, p, run);
    };
    const round: Round = { load: [before, 0], original, default: side('default') };
    if (paths.includes('fast')) round.fast = side('fast');
    round.load[1] = load1();
    rounds.push(round);
    log(
      `${w} round ${i}/${opts.rounds} (load ${before}→${round.load[1]}): original ${brief(original)}, default ${brief(round.default)}, fast ${brief(round.fast)}`,
    );
  }
  return { workload: w, apis, check, rounds };
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  if (typeof opts === 'string') {
    if (opts) log(`bench:original: ${opts}`);
    log(USAGE);
    return opts ? 2 : 0;
  }
  const bin = originalBinary(REPO_ROOT, log);
  if (!bin) {
    log(
      'bench:original: the original is not available: set LOGSPEC_ORIGINAL_BIN or put its sources in ../shared/original',
    );
    return 2;
  }
  const m = machine();
  log(`original: ${bin}`);
  log(`machine: ${m.nproc} cpus, ${m.cpu}, node ${m.node}, ${m.rustc ?? 'rustc unknown'}, load ${load1()}`);
  const checks = await checkAll(bin, opts);
  const runs: WorkloadRun[] = [];
  for (const w of opts.workloads) runs.push(timeWorkload(bin, w, checks.get(w) ?? [], opts));
  const file = resultsFile(REPO_ROOT);
  appendResults(file, m, runs);
  const rows = runs.map(summarize);
  const date = new Date().toISOString().slice(0, 10);
  console.log(`\n## logspec vs the original (original bench), ${date}, median of ${opts.rounds} interleaved rounds`);
  console.log(`${m.nproc} cpus (${m.cpu}), node ${m.node}, ${m.rustc ?? 'rustc unknown'}`);
  console.log('ratio = original seconds / logspec seconds in the same round (> 1: logspec is faster)\n');
  for (const l of table(rows)) console.log(l);
  console.log('\n### every round\n');
  for (const l of roundsTable(runs)) console.log(l);
  console.log('\nAPIs timed:');
  for (const r of runs)
    console.log(`- ${r.workload}: default ${r.apis.default}${r.apis.fast ? `; fast ${r.apis.fast}` : ''}`);
  console.log(`\nresults appended to ${file}`);
  const checkFailed = [...checks.values()].flat().filter((c) => !c.ok);
  const errors = rows.filter(
    (r) => r.original === null || r.default.seconds === null || (r.fast && r.fast.seconds === null),
  );
  for (const c of checkFailed) log(`check failed: ${c.workload} ${c.path}: ${c.detail}`);
  for (const r of errors) log(`failed: ${r.workload}: ${r.originalError ?? r.default.error ?? r.fast?.error ?? ''}`);
  return checkFailed.length || errors.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    log(`bench:original: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
