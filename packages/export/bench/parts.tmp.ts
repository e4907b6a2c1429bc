import { NodeFs } from '@logspec/core/node';
import { Table, tableToIPC } from 'apache-arrow';
import * as pw from 'parquet-wasm';
import { scanWal } from '@logspec/wal/store';
import { readBatches } from '../src/store.js';
const fs = new NodeFs();
const [path, format, comp] = process.argv.slice(2);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (let rep = 0; rep < 3; rep++) {
  let c = cpu(); let n = 0;
  if (format === 'wal') { scanWal(path!, { record() { n++; } }, { fs }); console.log('scan cpu', (cpu() - c).toFixed(0)); }
  let tRead = 0, tIpc = 0, tFrom = 0, tPq = 0, rows = 0;
  c = cpu();
  for (const b of readBatches(path!, { fs, format: format as never })) {
    const t1 = cpu(); tRead += t1 - c;
    rows += b.numRows;
    const ipc = tableToIPC(new Table([b]), 'stream');
    const t2 = cpu(); tIpc += t2 - t1;
    const t = pw.Table.fromIPCStream(ipc);
    const t3 = cpu(); tFrom += t3 - t2;
    pw.writeParquet(t, new pw.WriterPropertiesBuilder().setCompression(pw.Compression[(comp ?? 'SNAPPY') as 'SNAPPY']).setDictionaryEnabled(false).setStatisticsEnabled(pw.EnabledStatistics.Chunk).build());
    const t4 = cpu(); tPq += t4 - t3;
    c = cpu();
  }
  console.log('cpu ms', { rows, tRead: tRead.toFixed(0), tIpc: tIpc.toFixed(0), tFrom: tFrom.toFixed(0), tPq: tPq.toFixed(0) });
}
