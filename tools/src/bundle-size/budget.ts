import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BundleSize, REPO } from './measure.js';

/** The committed budget of every entry point's bundle, and the check against it. */

export const BUDGET_FILE = join(REPO, 'tools', 'bundle-budget.json');

export type Budget = Record<string, { minified: number; gzip: number }>;

export function readBudget(): Budget {
  return (JSON.parse(readFileSync(BUDGET_FILE, 'utf8')) as { budget: Budget }).budget;
}

/** What is over budget (or has none), in words; empty when every entry fits. */
export function overBudget(sizes: readonly BundleSize[], budget: Budget): string[] {
  const out: string[] = [];
  for (const s of sizes) {
    const b = budget[s.name];
    if (!b) {
      out.push(`${s.name}: no budget (run 'pnpm bundle-size --update' and commit tools/bundle-budget.json)`);
      continue;
    }
    if (s.minified > b.minified) out.push(`${s.name}: ${s.minified} B minified, budget ${b.minified} B`);
    if (s.gzip > b.gzip) out.push(`${s.name}: ${s.gzip} B gzipped, budget ${b.gzip} B`);
  }
  return out;
}
