// `pnpm --filter @logspec/inspector build [--outdir DIR] [--no-minify]`: builds the page and prints its sizes.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BUDGET_GZIP, buildInspector } from './build.js';

const { values } = parseArgs({ options: { outdir: { type: 'string' }, 'no-minify': { type: 'boolean' } } });
const report = await buildInspector({
  outdir: values.outdir ? resolve(values.outdir) : undefined,
  minify: values['no-minify'] !== true,
});
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
for (const f of report.files) {
  const budget = BUDGET_GZIP[f.file];
  console.log(
    `${f.file.padEnd(22)} ${kib(f.bytes).padStart(10)} ${kib(f.gzip).padStart(10)} gzip${budget ? ` (budget ${kib(budget)})` : ''}`,
  );
}
console.log(`code: ${kib(report.codeBytes)}, ${kib(report.codeGzip)} gzipped → ${report.outdir}`);
if (report.overBudget.length) {
  console.error(`over budget: ${report.overBudget.join(', ')}`);
  process.exit(1);
}
