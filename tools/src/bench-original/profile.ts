/**
 * Where a logspec driver spends its timed time:
 * `node --import tsx tools/src/bench-original/profile.ts <workload> <default|fast> [--n N] [--top K]`.
 * Runs the driver in its own process (as `pnpm bench:original` does) with V8's sampling profiler
 * on during the timed repetitions only, then prints the functions and files with the most self
 * time. Phase-2 changes start from here.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CpuProfile, selfTimes } from './cpu-profile.js';
import { REPO_ROOT, runDriver } from './processes.js';
import { isWorkload } from './sizes.js';

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function main(): number {
  const args = process.argv.slice(2);
  const [workload, path] = args;
  if (!workload || !isWorkload(workload) || (path !== 'default' && path !== 'fast')) {
    process.stderr.write('usage: profile.ts <workload> <default|fast> [--n N] [--top K]\n');
    return 2;
  }
  const n = flag(args, '--n');
  const top = Number(flag(args, '--top') ?? 25);
  const dir = mkdtempSync(join(tmpdir(), 'logspec-profile-'));
  try {
    const file = join(dir, 'profiles.json');
    const r = runDriver(workload, path, { n: n === undefined ? undefined : Number(n), dir, profile: file });
    if ('error' in r) {
      process.stderr.write(`${r.error}\n`);
      return 1;
    }
    const profiles = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile[];
    console.log(
      `${workload} ${path} (${r.ok.api}): n ${r.ok.n}, median ${r.ok.seconds} s, runs ${r.ok.runs_s.join(' ')}`,
    );
    console.log(`\nself time over the ${profiles.length} timed repetitions, by function:`);
    for (const t of selfTimes(profiles, REPO_ROOT).slice(0, top)) {
      console.log(
        `${(t.share * 100).toFixed(1).padStart(5)}%  ${t.ms.toFixed(0).padStart(7)} ms  ${t.name}  ${t.where}`,
      );
    }
    console.log('\nby file:');
    for (const t of selfTimes(profiles, REPO_ROOT, true).slice(0, Math.ceil(top / 2))) {
      console.log(`${(t.share * 100).toFixed(1).padStart(5)}%  ${t.ms.toFixed(0).padStart(7)} ms  ${t.where}`);
    }
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exit(main());
