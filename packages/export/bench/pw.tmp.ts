import { NodeFs } from '@logspec/core/node';
import { Table, tableToIPC } from 'apache-arrow';
import * as pw from 'parquet-wasm';
import { readBatches } from '../src/store.js';
const fs = new NodeFs();
const [path, format] = process.argv.slice(2);
const ipcs: Uint8Array[] = [];
for (const b of readBatches(path!, { fs, format: format as never })) ipcs.push(tableToIPC(new Table([b]), 'stream'));
const configs: [string, () => pw.WriterPropertiesBuilder][] = [
  ['snappy page-stats', () => new pw.WriterPropertiesBuilder().setCompression(pw.Compression.SNAPPY).setDictionaryEnabled(false)],
  ['snappy chunk-stats', () => new pw.WriterPropertiesBuilder().setCompression(pw.Compression.SNAPPY).setDictionaryEnabled(false).setStatisticsEnabled(pw.EnabledStatistics.Chunk)],
  ['none chunk-stats', () => new pw.WriterPropertiesBuilder().setCompression(pw.Compression.UNCOMPRESSED).setDictionaryEnabled(false).setStatisticsEnabled(pw.EnabledStatistics.Chunk)],
  ['lz4 chunk-stats', () => new pw.WriterPropertiesBuilder().setCompression(pw.Compression.LZ4_RAW).setDictionaryEnabled(false).setStatisticsEnabled(pw.EnabledStatistics.Chunk)],
  ['zstd chunk-stats', () => new pw.WriterPropertiesBuilder().setCompression(pw.Compression.ZSTD).setDictionaryEnabled(false).setStatisticsEnabled(pw.EnabledStatistics.Chunk)],
  ['snappy no-stats', () => new pw.WriterPropertiesBuilder().setCompression(pw.Compression.SNAPPY).setDictionaryEnabled(false).setStatisticsEnabled(pw.EnabledStatistics.None)],
];
for (let rep = 0; rep < 2; rep++) for (const [name, mk] of configs) {
  const a = performance.now(); let out = 0, from = 0;
  for (const i of ipcs) { const f0 = performance.now(); const t = pw.Table.fromIPCStream(i); from += performance.now() - f0; out += pw.writeParquet(t, mk().build()).length; }
  console.log(name, (performance.now() - a).toFixed(0), 'ms (fromIPC', from.toFixed(0), ') out', (out / 1e6).toFixed(1), 'MB');
}
