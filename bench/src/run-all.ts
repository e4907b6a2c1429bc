/**
 * `pnpm bench [filter…]`: runs every benchmark file, each in its own `node --import tsx`
 * process (a fresh JIT and heap per file), one after another. Files: `packages/<pkg>/bench/`,
 * `conformance/bench/`, `tools/bench/` and `inspector/bench/` (`*.bench.ts`). A filter keeps files whose path
 * contains any of the given substrings.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function findBenchFiles(repo: string): string[] {
  const dirs: string[] = [];
  const pkgs = join(repo, 'packages');
  if (existsSync(pkgs)) {
    for (const p of readdirSync(pkgs).sort()) dirs.push(join(pkgs, p, 'bench'));
  }
  dirs.push(join(repo, 'conformance', 'bench'), join(repo, 'tools', 'bench'), join(repo, 'inspector', 'bench'));
  const files: string[] = [];
  for (const d of dirs) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d).sort()) if (f.endsWith('.bench.ts')) files.push(relative(repo, join(d, f)));
  }
  return files;
}

function main(): void {
  const filters = process.argv.slice(2);
  const files = findBenchFiles(root).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
  if (files.length === 0) {
    console.error(`no benchmark files${filters.length ? ` match ${filters.join(', ')}` : ''}`);
    process.exit(1);
  }
  const failed: string[] = [];
  for (const f of files) {
    console.log(`\n# ${f}`);
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', f], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) failed.push(`${f} (${r.signal ?? `exit ${r.status}`})`);
  }
  console.log(
    `\n${files.length - failed.length}/${files.length} benchmark files ran; results appended to bench-results/`,
  );
  if (failed.length) {
    console.error(`failed: ${failed.join(', ')}`);
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) main();
