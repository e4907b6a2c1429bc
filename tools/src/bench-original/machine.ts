/** What the figures were measured on, recorded with every result line. */
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, release } from 'node:os';

export interface Machine {
  nproc: number;
  cpu: string;
  kernel: string;
  node: string;
  rustc: string | null;
}

export function machine(): Machine {
  const rustc = spawnSync('rustc', ['--version'], { encoding: 'utf8' });
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    kernel: release(),
    node: process.version,
    rustc: rustc.status === 0 ? rustc.stdout.trim() : null,
  };
}

/** The 1-minute load average now (what `uptime` prints first). */
export function load1(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}
