import { NodeFs } from '@logspec/core/node';
import { exportLog, FileOutput } from '../src/store.js';
const fs = new NodeFs();
const [path, format, comp] = process.argv.slice(2);
const a = performance.now();
await exportLog(path!, { fs, format: format as never, to: 'parquet', output: new FileOutput(fs, '/tmp/wb/p.parquet'), parquet: { compression: (comp ?? 'snappy') as never } });
console.log(format, (performance.now() - a).toFixed(0), 'ms', 'rss', (process.resourceUsage().maxRSS / 1024).toFixed(0));
