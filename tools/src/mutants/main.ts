/**
 * `pnpm mutants`: proves the conformance suite's power by mutation. Builds the original
 * implementations (`../shared/original`) once, runs the suite against them per format, then for
 * each mutant of `tools/mutants/patches/` applies the patch, rebuilds incrementally, runs the suite
 * for the mutant's format and reverts. A mutant is killed when a case that passed on the
 * unmutated build fails or errors on it. Writes `reports/mutants.json`.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  applyPatch,
  type BuildDir,
  baselineBinaryOf,
  binaryOf,
  cargoBuild,
  ensureBuildDir,
  restorePristine,
  saveBaselineBinary,
  sha256File,
} from './build.js';
import { loadCatalog, MUTANT_FORMATS, type Mutant, selectMutants } from './catalog.js';
import { caseOutcomes, countStatuses, judge, type Outcomes } from './kills.js';
import { runSuite, type SuiteOptions, suiteFlags } from './suite.js';
import { type BaselineResult, type MutantResult, progressLine, renderSummary, summarize } from './summary.js';
import { loadWitness, runWitness } from './witness.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const PATCH_DIR = join(REPO_ROOT, 'tools', 'mutants', 'patches');

const USAGE = `usage: pnpm mutants [-- options]
  --only <id,...>        only these mutants (ids or id prefixes, e.g. ring-0 or wal-03-crc-covers-header)
  --formats <f,...>      only mutants of these formats (${MUTANT_FORMATS.join(', ')})
  --jobs N               cargo build jobs (default 1; builds are serial)
  --profile P|none       the suite's --profile (default: original, when the suite has the flag)
  --fc-seed N            the suite's fast-check seed, the same for every run (default 1, when supported)
  --witnesses W          run witnesses for: survivors (default), all, none
  --original DIR         the original implementations (default ../shared/original; read-only)
  --build-dir DIR        the build folder (default $TMPDIR/logspec-mutants)
  --report FILE          the JSON summary (default reports/mutants.json)
  --suite-timeout S      seconds before one suite run is abandoned (default 900)
  --list                 list the mutants and exit`;

interface Options {
  only: string[];
  formats?: string[];
  jobs: number;
  profile?: string;
  fcSeed: string;
  witnesses: 'survivors' | 'all' | 'none';
  original: string;
  buildDir: string;
  report: string;
  suiteTimeoutMs: number;
  list: boolean;
}

class UsageError extends Error {}

function parse(argv: string[]): Options | 'help' {
  try {
    return parseValid(argv);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

function parseValid(argv: string[]): Options | 'help' {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      only: { type: 'string', multiple: true },
      formats: { type: 'string' },
      jobs: { type: 'string', default: '1' },
      profile: { type: 'string' },
      'fc-seed': { type: 'string', default: '1' },
      witnesses: { type: 'string', default: 'survivors' },
      original: { type: 'string' },
      'build-dir': { type: 'string' },
      report: { type: 'string' },
      'suite-timeout': { type: 'string', default: '900' },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const list = (s: string | undefined) =>
    s
      ?.split(',')
      .map((x) => x.trim())
      .filter(Boolean) ?? [];
  const formats = values.formats === undefined ? undefined : list(values.formats);
  const bad = formats?.filter((f) => !(MUTANT_FORMATS as readonly string[]).includes(f)) ?? [];
  if (bad.length > 0) throw new UsageError(`unknown format(s): ${bad.join(', ')}`);
  const jobs = Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError('--jobs must be a positive integer');
  const w = values.witnesses;
  if (w !== 'survivors' && w !== 'all' && w !== 'none') throw new UsageError('--witnesses: survivors, all or none');
  const timeout = Number(values['suite-timeout']);
  if (!(timeout > 0)) throw new UsageError('--suite-timeout must be a positive number of seconds');
  const opts: Options = {
    only: (values.only ?? []).flatMap(list),
    jobs,
    fcSeed: values['fc-seed'],
    witnesses: w,
    original: resolve(
      values.original ?? process.env.LOGSPEC_ORIGINAL_DIR ?? join(REPO_ROOT, '..', 'shared', 'original'),
    ),
    buildDir: resolve(values['build-dir'] ?? join(tmpdir(), 'logspec-mutants')),
    report: resolve(values.report ?? join(REPO_ROOT, 'reports', 'mutants.json')),
    suiteTimeoutMs: timeout * 1000,
    list: values.list,
  };
  if (formats !== undefined) opts.formats = formats;
  if (values.profile !== undefined) opts.profile = values.profile;
  return opts;
}

/** The flags every suite run gets, from what the suite supports. */
function suiteArgs(opts: Options): string[] {
  const flags = suiteFlags(REPO_ROOT);
  const args: string[] = [];
  if (opts.profile !== undefined && opts.profile !== 'none') {
    if (!flags.has('--profile')) throw new UsageError('this conformance suite has no --profile flag');
    args.push('--profile', opts.profile);
  } else if (opts.profile === undefined && flags.has('--profile')) {
    args.push('--profile', 'original');
  }
  if (flags.has('--fc-seed')) args.push('--fc-seed', opts.fcSeed);
  return args;
}

async function runMutant(
  m: Mutant,
  b: BuildDir,
  suite: SuiteOptions,
  baseline: { outcomes: Outcomes; binary: string; hash: string },
  opts: Options,
  reportFile: string,
): Promise<MutantResult> {
  const r: MutantResult = {
    id: m.id,
    format: m.format,
    requirement: m.requirement,
    bug: m.bug,
    status: 'survived',
    kills: [],
    buildSeconds: 0,
    suiteSeconds: 0,
  };
  restorePristine(b);
  const applied = applyPatch(
    b,
    m.file,
    m.files.map((f) => f.path),
  );
  if (!applied.ok) return { ...r, status: 'patch-failed', problem: applied.message };
  const built = await cargoBuild(b);
  r.buildSeconds = built.seconds;
  if (!built.ok) return { ...r, status: 'build-failed', problem: built.log };
  if (sha256File(binaryOf(b)) === baseline.hash) {
    return { ...r, status: 'equivalent-binary', problem: 'the mutant builds to the same binary as the original' };
  }
  const run = await runSuite(suite, binaryOf(b), m.format, reportFile);
  r.suiteSeconds = run.seconds;
  if (!run.ok) return { ...r, status: 'suite-error', problem: run.problem ?? 'suite failed' };
  const j = judge(baseline.outcomes, caseOutcomes(run.report));
  r.kills = j.kills;
  r.status = j.killed ? 'killed' : 'survived';
  if (j.vanished.length > 0) r.problem = `${j.vanished.length} baseline cases missing from the mutant's run`;
  const wantWitness = opts.witnesses === 'all' || (opts.witnesses === 'survivors' && r.status === 'survived');
  if (wantWitness && m.witness !== undefined) {
    const file = m.witness;
    try {
      const w = await runWitness(loadWitness(join(REPO_ROOT, file)), baseline.binary, binaryOf(b));
      r.witness = { file, differs: w.differs };
      if (w.difference !== undefined) r.witness.difference = w.difference;
    } catch (e) {
      r.witness = { file, differs: false, error: e instanceof Error ? e.message : String(e) };
    }
  }
  return r;
}

async function main(argv: string[]): Promise<number> {
  const parsed = parse(argv);
  if (parsed === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const opts = parsed;
  const mutants = selectMutants(loadCatalog(PATCH_DIR), opts.only, opts.formats);
  if (opts.list) {
    for (const m of mutants) process.stdout.write(`${m.id}\t${m.requirement}\t${m.bug}\n`);
    return 0;
  }
  if (mutants.length === 0) throw new UsageError('no mutant selected');
  if (!existsSync(join(opts.original, 'src'))) throw new UsageError(`no original sources at ${opts.original}/src`);
  const log = (l: string) => process.stderr.write(`${l}\n`);
  const startedAt = new Date().toISOString();
  const args = suiteArgs(opts);
  const suite: SuiteOptions = { repoRoot: REPO_ROOT, extraArgs: args, timeoutMs: opts.suiteTimeoutMs };
  const b: BuildDir = { dir: opts.buildDir, original: opts.original, jobs: opts.jobs };
  mkdirSync(b.dir, { recursive: true });
  ensureBuildDir(b, log);
  restorePristine(b);
  log(`building the unmutated original in ${b.dir}`);
  const built = await cargoBuild(b);
  if (!built.ok) throw new Error(`the unmutated original does not build:\n${built.log}`);
  const baselineBin = saveBaselineBinary(b);
  const hash = sha256File(baselineBinaryOf(b));
  const reports = join(b.dir, 'reports');
  mkdirSync(reports, { recursive: true });

  const formats = MUTANT_FORMATS.filter((f) => mutants.some((m) => m.format === f));
  const baselines = new Map<string, Outcomes>();
  const baselineSummary: Record<string, BaselineResult> = {};
  for (const f of formats) {
    const run = await runSuite(suite, baselineBin, f, join(reports, `baseline-${f}.json`));
    if (!run.ok) throw new Error(`the suite failed against the unmutated original (${f}): ${run.problem}`);
    const o = caseOutcomes(run.report);
    baselines.set(f, o);
    baselineSummary[f] = { seconds: run.seconds, counts: countStatuses(o) };
    log(`baseline ${f}: ${JSON.stringify(baselineSummary[f]?.counts)} (${run.seconds.toFixed(1)} s)`);
  }

  const results: MutantResult[] = [];
  let i = 0;
  for (const m of mutants) {
    i++;
    const outcomes = baselines.get(m.format) as Outcomes;
    const r = await runMutant(
      m,
      b,
      suite,
      { outcomes, binary: baselineBin, hash },
      opts,
      join(reports, `${m.id}.json`),
    );
    results.push(r);
    log(progressLine(i, mutants.length, r));
  }
  restorePristine(b);

  const summary = summarize(results, baselineSummary, {
    startedAt,
    finishedAt: new Date().toISOString(),
    suiteArgs: args,
  });
  mkdirSync(dirname(opts.report), { recursive: true });
  writeFileSync(opts.report, `${JSON.stringify(summary, null, 2)}\n`);
  process.stdout.write(`${renderSummary(summary)}\n\nsummary: ${opts.report}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`mutants: ${e instanceof Error ? e.message : String(e)}\n`);
    if (e instanceof UsageError) process.stderr.write(`${USAGE}\n`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  },
);
