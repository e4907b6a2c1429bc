/** Iteration helper: times the open path's phases (index read, scan, full open). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFs } from '@logspec/core/node';
import { RawJson } from '../src/index.js';
import type { StoreContext } from '../src/store/context.js';
import { readIndexFile } from '../src/store/disk.js';
import { readIndexFast, scanStore } from '../src/store/recovery/scan.js';
import { SessionStore } from '../src/store.js';

const N = Number(process.env.N ?? 100_000);
const fs = new NodeFs();
const dir = mkdtempSync(join(tmpdir(), 'logspec-session-iter-'));
const root = join(dir, 'store');
const s0 = SessionStore.open(fs, root, { durability: 'none' });
let parent: string | undefined;
for (let i = 0; i < N; i++) {
  const id = `entry-${i}`;
  s0.appendEntry(
    id,
    parent,
    'message',
    new RawJson(
      `{"type":"message","id":"m${i}","message":{"role":"${i % 2 ? 'assistant' : 'user'}","content":[{"type":"text","text":"turn ${i}: please look at src/module_${i % 97}.ts and tell me what the function does"}]}}`,
    ),
  );
  parent = i % 50 === 49 ? `entry-${i - 10}` : id;
}
s0.close();
const s1 = SessionStore.open(fs, root, { durability: 'none', lock: false });
const ctx = (s1 as unknown as { ctx: StoreContext }).ctx;
const layout = (s1 as unknown as { layout: StoreContext['layout'] }).layout;
const runs = Number(process.env.RUNS ?? 11);
function time(name: string, f: () => unknown): void {
  const t: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const a = performance.now();
    const c = process.cpuUsage();
    f();
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
    t.push(performance.now() - a);
  }
  t.sort((x, y) => x - y);
  cpu.sort((x, y) => x - y);
  console.log(
    `${name}: median ${(t[t.length >> 1] as number).toFixed(1)} ms, best ${(t[0] as number).toFixed(1)} ms; cpu median ${(cpu[cpu.length >> 1] as number).toFixed(1)} best ${(cpu[0] as number).toFixed(1)}`,
  );
}
const rows = readIndexFile(fs, layout, ctx.lineLimit);
if (!process.env.ONLY || process.env.ONLY === 'index') time('readIndexFast', () => readIndexFast(ctx));
if (!process.env.ONLY || process.env.ONLY === 'scan') time('scanStore', () => scanStore(ctx, rows));
if (!process.env.ONLY || process.env.ONLY === 'open')
  time('open', () => SessionStore.open(fs, root, { durability: 'none', lock: false }).close());
s1.close();
rmSync(dir, { recursive: true, force: true });
