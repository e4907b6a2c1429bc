/** The command line of `pnpm bench:original`. */
import { tmpdir } from 'node:os';
import { isWorkload, WORKLOADS, type Workload } from './sizes.js';

export const USAGE = `usage: pnpm bench:original [workload…] [--rounds N] [--n N] [--dir DIR]
  workload   any of: ${WORKLOADS.join(', ')} (default: all)
  --rounds N interleaved rounds per workload (default 3, at least 1)
  --n N      the workloads' own count, as original bench --n (a quick look; not with all)
  --dir DIR  where both sides put their temp directories (default the system temp dir)
  env LOGSPEC_ORIGINAL_BIN: a built original binary (else ../shared/original/setup.sh builds it)`;

export interface Options {
  workloads: Workload[];
  rounds: number;
  n: number | undefined;
  dir: string;
}

/** The options, or a usage message (empty for `--help`). */
export function parseArgs(argv: string[]): Options | string {
  const o: Options = { workloads: [], rounds: 3, n: undefined, dir: tmpdir() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if ((a === '--rounds' || a === '--n' || a === '--dir') && argv[i + 1] === undefined) return `${a} needs a value`;
    if (a === '--rounds' || a === '--n') {
      const v = Number(argv[++i]);
      if (!Number.isSafeInteger(v) || v < 1) return `${a} needs a positive integer`;
      if (a === '--rounds') o.rounds = v;
      else o.n = v;
    } else if (a === '--dir') o.dir = argv[++i] as string;
    else if (a === '--help' || a === '-h') return '';
    else if (isWorkload(a)) o.workloads.push(a);
    else return `unknown workload or option ${a}`;
  }
  if (o.workloads.length === 0) {
    if (o.n !== undefined) return '--n applies to named workloads, not to all';
    o.workloads = [...WORKLOADS];
  }
  return o;
}
