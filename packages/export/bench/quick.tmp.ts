import { mkdirSync, rmSync } from 'node:fs';
import { NodeFs } from '@logspec/core/node';
import { scanWal } from '@logspec/wal/store';
import { openHotLogFile } from '@logspec/frame/store';
import { scanHotLogFile } from '@logspec/frame';
import { exportLog, FileOutput } from '../src/store.js';
import { writeHotLog, writeWal } from './gen.js';
const fs = new NodeFs();
const total = Number(process.argv[2] ?? 256) << 20;
const comp = (process.argv[3] ?? 'snappy') as never;
rmSync('/tmp/wb/wal', { recursive: true, force: true }); mkdirSync('/tmp/wb/wal', { recursive: true }); mkdirSync('/tmp/wb/k/hot', { recursive: true });
const w = writeWal('/tmp/wb/wal', total); const h = writeHotLog('/tmp/wb/k/hot', total);
console.log(w, h);
const t = (name: string, bytes: number, f: () => unknown) => { const a = performance.now(); const r = f(); const ms = performance.now() - a; console.log(name, (bytes / 1e6 / (ms / 1000)).toFixed(0), 'MB/s', ms.toFixed(0), 'ms'); return r; };
const ta = async (name: string, bytes: number, f: () => Promise<unknown>) => { const a = performance.now(); await f(); const ms = performance.now() - a; console.log(name, (bytes / 1e6 / (ms / 1000)).toFixed(0), 'MB/s', ms.toFixed(0), 'ms', 'rss', (process.resourceUsage().maxRSS/1024).toFixed(0)); };
for (let rep = 0; rep < 2; rep++) {
  t('scanWal', w.bytes, () => { let n = 0; scanWal('/tmp/wb/wal', { record() { n++; } }, { fs }); return n; });
  await ta('export wal parquet', w.bytes, () => exportLog('/tmp/wb/wal', { fs, format: 'wal', to: 'parquet', output: new FileOutput(fs, '/tmp/wb/w.parquet'), parquet: { compression: comp } }));
  t('scanHotLogFile', h.bytes, () => { const hh = openHotLogFile(fs, '/tmp/wb/k'); let n = 0; scanHotLogFile(hh, () => { n++; }); hh.close(); return n; });
  await ta('export hot parquet', h.bytes, () => exportLog('/tmp/wb/k', { fs, format: 'hotlog', to: 'parquet', output: new FileOutput(fs, '/tmp/wb/h.parquet'), parquet: { compression: comp } }));
}
