import { parseArgs } from 'node:util';
import { type FcSettings, SUITE_PROFILES, type SuiteProfile } from '../cases/case.js';
import { DEFAULT_REPORT } from '../paths.js';
import { FORMATS, type FormatName } from '../protocol/types.js';
import { DEFAULT_TIMEOUT_MS } from '../runner/run.js';

export interface CliOptions {
  adapter?: string | undefined;
  formats?: FormatName[] | undefined;
  failureList?: string | undefined;
  fix: boolean;
  jsonReport: string;
  timeoutMs: number;
  cases: string[];
  /** Which built-in subjects to run when no --adapter is given. */
  builtin: { inProcess: boolean; adapter: boolean };
  /** Which cases run: `original` (the original implementations' rules only) or `logspec` (all). */
  profile: SuiteProfile;
  fc: FcSettings;
  verbose: boolean;
  help: boolean;
}

export const USAGE = `usage: pnpm conformance [-- options]
  (no options)              run every case against the built-in implementation twice:
                            in-process and through its adapter bin (the protocol path)
  --adapter "<command>"     run against an external implementation speaking the adapter
                            protocol (spec/conformance.md) instead
  --profile original|logspec
                            original: only the original implementations' rules (a faithful port
                            of them passes); logspec (default): also logspec's stricter rules
  --formats a,b             only these formats (${FORMATS.join(', ')})
  --case <pattern>          only cases whose id matches (exact id, id prefix, or glob with *); repeatable
  --failure-list FILE       expected failures (one case id per line); listed passes fail the run
  --fix                     rewrite --failure-list to the failures of this run
  --json-report FILE        where the JSON report goes (default reports/conformance.json)
  --timeout MS              per-request timeout (default ${DEFAULT_TIMEOUT_MS})
  --in-process              built-in, in-process only      --builtin-adapter   built-in adapter only
  --fc-runs N / --fc-seed N|random / --fc-path P / --fc-case ID
                            fast-check runs (default 100), seed (default: one per case, fixed, so
                            runs repeat), and the path replayed in case ID (default: the one --case
                            given); also LOGSPEC_FC_RUNS/_SEED/_PATH/_CASE
  --thorough                deeper property runs (10x the runs, bigger recipes and files)
  --verbose                 also list skipped cases and expected failures
exit status: 0 when nothing unexpected happened, 1 otherwise, 2 on a usage error`;

export class UsageError extends Error {}

function intOf(name: string, v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`${name} must be an integer, got ${v}`);
  return n;
}

export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      adapter: { type: 'string' },
      formats: { type: 'string' },
      case: { type: 'string', multiple: true },
      'failure-list': { type: 'string' },
      fix: { type: 'boolean', default: false },
      'json-report': { type: 'string' },
      timeout: { type: 'string' },
      'in-process': { type: 'boolean', default: false },
      'builtin-adapter': { type: 'boolean', default: false },
      'fc-runs': { type: 'string' },
      'fc-seed': { type: 'string' },
      'fc-path': { type: 'string' },
      'fc-case': { type: 'string' },
      profile: { type: 'string' },
      thorough: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  let formats: FormatName[] | undefined;
  if (values.formats !== undefined) {
    formats = values.formats
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean) as FormatName[];
    const bad = formats.filter((f) => !(FORMATS as readonly string[]).includes(f));
    if (bad.length > 0) throw new UsageError(`unknown format(s) ${bad.join(', ')}; formats: ${FORMATS.join(', ')}`);
  }
  if (values.fix && values['failure-list'] === undefined) throw new UsageError('--fix needs --failure-list FILE');
  if (values.adapter !== undefined && (values['in-process'] || values['builtin-adapter'])) {
    throw new UsageError(
      '--adapter runs an external implementation; --in-process/--builtin-adapter select built-in runs',
    );
  }
  const profile = values.profile ?? 'logspec';
  if (!(SUITE_PROFILES as readonly string[]).includes(profile)) {
    throw new UsageError(`--profile must be one of ${SUITE_PROFILES.join(', ')}, got ${profile}`);
  }
  const seedText = values['fc-seed'] ?? env.LOGSPEC_FC_SEED;
  const inProcess = values['in-process'];
  const adapter = values['builtin-adapter'];
  return {
    adapter: values.adapter,
    formats,
    failureList: values['failure-list'],
    fix: values.fix,
    jsonReport: values['json-report'] ?? DEFAULT_REPORT,
    timeoutMs: intOf('--timeout', values.timeout) ?? DEFAULT_TIMEOUT_MS,
    cases: values.case ?? [],
    builtin: inProcess || adapter ? { inProcess, adapter } : { inProcess: true, adapter: true },
    profile: profile as SuiteProfile,
    fc: {
      numRuns: intOf('--fc-runs', values['fc-runs'] ?? env.LOGSPEC_FC_RUNS) ?? (values.thorough ? 1000 : 100),
      seed: seedText === 'random' ? 'random' : intOf('--fc-seed', seedText),
      thorough: values.thorough,
      path: values['fc-path'] ?? (env.LOGSPEC_FC_PATH || undefined),
      pathCase: values['fc-case'] ?? (env.LOGSPEC_FC_CASE || (values.case?.length === 1 ? values.case[0] : undefined)),
    },
    verbose: values.verbose,
    help: values.help,
  };
}
