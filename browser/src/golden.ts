import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserTarget, GoldenFiles } from './harness.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const GOLDEN_DIR = join(REPO_ROOT, 'conformance', 'golden');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(join(dir, d.name)) : d.isFile() ? [join(dir, d.name)] : [],
  );
}

/** The golden files a target loads, as paths relative to `conformance/golden/` with `/`, sorted. */
export function goldenPaths(target: BrowserTarget): string[] {
  const load = target.load;
  if (!load) return [];
  return target.formats
    .flatMap((f) => walk(join(GOLDEN_DIR, f)))
    .map((abs) => relative(GOLDEN_DIR, abs).split(sep).join('/'))
    .filter(load)
    .sort();
}

export function readGolden(paths: readonly string[]): GoldenFiles {
  return new Map(paths.map((p) => [p, new Uint8Array(readFileSync(join(GOLDEN_DIR, p)))]));
}
