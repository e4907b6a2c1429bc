import { NodeFs } from '@logspec/core/node';
import { readBatches } from '../src/store.js';
const fs = new NodeFs();
const [path, format] = process.argv.slice(2);
for (let rep = 0; rep < 3; rep++) {
  const a = performance.now(); let rows = 0;
  for (const b of readBatches(path!, { fs, format: format as never })) rows += b.numRows;
  console.log(rows, (performance.now() - a).toFixed(0), 'ms');
}
