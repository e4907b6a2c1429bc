/**
 * One driver in a process of its own (a clean heap and JIT, as `original bench all` gives each
 * workload): `node --expose-gc --import tsx child.ts <workload> <default|fast> [--n N] [--dir D]`.
 * Prints one JSON result line on stdout (`{workload, path, error}` and exit 1 on failure).
 * `--profile FILE`: also writes the CPU profiles of the timed repetitions to FILE (`profile.ts`).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { inspectorProfiler } from './cpu-profile.js';
import { SPECS } from './drivers/index.js';
import { makeCtx, runPath } from './run.js';
import { defaultSizes, isWorkload, withN } from './sizes.js';
import type { PathName } from './spec.js';

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const [workload, path] = args;
  if (!workload || !isWorkload(workload) || (path !== 'default' && path !== 'fast')) {
    process.stderr.write('usage: child.ts <workload> <default|fast> [--n N] [--dir DIR] [--profile FILE]\n');
    return 2;
  }
  const n = flag(args, '--n');
  const sizes = n === undefined ? defaultSizes() : withN(defaultSizes(), workload, Number(n));
  const { ctx, root } = makeCtx(flag(args, '--dir') ?? tmpdir(), sizes);
  try {
    const profileFile = flag(args, '--profile');
    const profiler = profileFile === undefined ? undefined : inspectorProfiler();
    const r = await runPath(SPECS[workload], path as PathName, ctx, profiler);
    if (profileFile !== undefined) writeFileSync(profileFile, JSON.stringify(profiler?.profiles ?? []));
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return 0;
  } catch (e) {
    const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
    process.stdout.write(`${JSON.stringify({ workload, path, error })}\n`);
    return 1;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code));
