/**
 * CPU profiles of the timed repetitions only (V8's sampling profiler through `node:inspector`,
 * started before and stopped after each timed body), and their summary: self time per function,
 * and per source file.
 */
import { Session } from 'node:inspector/promises';
import type { Profiler } from './measure.js';

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  /** Microseconds on the monotonic clock `process.hrtime` reads. */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
  /**
   * The timed body's window on the same clock: samples outside it (the profiler starting, and
   * stopping, which serialises the profile inside V8's `dispatch`) are not counted.
   */
  window?: { from: number; to: number };
}

/** A profiler for `measure` that keeps one profile per timed repetition. */
export function inspectorProfiler(intervalUs = 100): Profiler & { profiles: CpuProfile[] } {
  const session = new Session();
  session.connect();
  const profiles: CpuProfile[] = [];
  const nowUs = () => Number(process.hrtime.bigint() / 1000n);
  let ready = false;
  let from = 0;
  return {
    profiles,
    async start() {
      if (!ready) {
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
        ready = true;
      }
      await session.post('Profiler.start');
      from = nowUs();
    },
    async stop() {
      const to = nowUs();
      const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
      profiles.push({ ...profile, window: { from, to } });
    },
  };
}

export interface SelfTime {
  name: string;
  /** The source file (`file:line` for plain JS), relative to `root` when under it. */
  where: string;
  ms: number;
  share: number;
}

function whereOf(url: string, line: number, root: string): string {
  const path = url.replace(/^file:\/\//, '');
  const rel = root && path.startsWith(root) ? path.slice(root.length).replace(/^\//, '') : path;
  // tsx compiles each file to one line; a line number only means something in plain JS
  return rel ? (line > 0 ? `${rel}:${line + 1}` : rel) : '(native)';
}

/** Self time per function over all `profiles`, largest first; `byFile` sums per source file instead. */
export function selfTimes(profiles: readonly CpuProfile[], root: string, byFile = false): SelfTime[] {
  const acc = new Map<string, { name: string; where: string; us: number }>();
  let total = 0;
  for (const p of profiles) {
    const nodes = new Map(p.nodes.map((n) => [n.id, n]));
    let t = p.startTime;
    p.samples.forEach((id, i) => {
      const dt = p.timeDeltas[i] ?? 0;
      t += dt;
      if (p.window && (t < p.window.from || t > p.window.to)) return;
      total += dt;
      const f = nodes.get(id)?.callFrame;
      const where = f ? whereOf(f.url, f.lineNumber, root) : '(unknown)';
      const name = byFile ? '' : f?.functionName || '(anonymous)';
      const file = where.replace(/:\d+$/, '');
      const key = byFile ? file : `${name} ${where}`;
      const e = acc.get(key) ?? { name, where: byFile ? file : where, us: 0 };
      e.us += dt;
      acc.set(key, e);
    });
  }
  return [...acc.values()]
    .sort((a, b) => b.us - a.us)
    .map((e) => ({ name: e.name, where: e.where, ms: e.us / 1000, share: total ? e.us / total : 0 }));
}
