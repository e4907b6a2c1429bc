import { writeFileSync } from 'node:fs';
import { BUDGET_FILE, type Budget, overBudget, readBudget } from './budget.js';
import { measureAll } from './measure.js';

/**
 * `pnpm bundle-size [--check | --update]`: prints the minified and gzipped size of every package
 * entry point (and of the named cases in `measure.ts`), and holds them to the budget in
 * `tools/bundle-budget.json`. `--check` (CI) fails when an entry is over its budget or has none;
 * `--update` writes a budget of each size plus 10 %, rounded up to the KiB.
 */

function kib(n: number): string {
  return `${(n / 1024).toFixed(1)} KiB`;
}

const roundUp = (n: number) => Math.ceil((n * 1.1) / 1024) * 1024;

async function main(args: string[]): Promise<number> {
  const sizes = await measureAll();
  const budget = args.includes('--update') ? {} : readBudget();
  const w = Math.max(...sizes.map((s) => s.name.length));
  console.log(`${'entry'.padEnd(w)}  platform  ${'minified'.padStart(10)}  ${'gzip'.padStart(10)}  budget (min/gzip)`);
  for (const s of sizes) {
    const b = budget[s.name];
    console.log(
      `${s.name.padEnd(w)}  ${s.platform.padEnd(8)}  ${kib(s.minified).padStart(10)}  ${kib(s.gzip).padStart(10)}  ${b ? `${kib(b.minified)} / ${kib(b.gzip)}` : '—'}`,
    );
  }
  if (args.includes('--update')) {
    const next: Budget = {};
    for (const s of sizes) next[s.name] = { minified: roundUp(s.minified), gzip: roundUp(s.gzip) };
    const doc = {
      about:
        'Bundle size budget per entry point (bytes, esbuild minified and gzip -9). Checked by `pnpm bundle-size --check` in CI; `--update` rewrites it (sizes + 10 %).',
      budget: next,
    };
    writeFileSync(BUDGET_FILE, `${JSON.stringify(doc, null, 2)}\n`);
    console.log(`bundle-size: budget written to ${BUDGET_FILE}`);
    return 0;
  }
  const over = overBudget(sizes, budget);
  for (const o of over) console.error(`bundle-size: over budget: ${o}`);
  if (args.includes('--check') && over.length > 0) return 1;
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
