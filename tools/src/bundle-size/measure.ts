import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * What each package entry point costs an application that bundles it: every entry of every
 * published package (`exports` of `packages/*`), plus the imports the issue tracker measured
 * by name (`checksumsReady` + `sha256Hex`): minified with esbuild as an application bundles it
 * (what an entry loads lazily with `import()` included), and gzipped at level 9.
 */

export const REPO = fileURLToPath(new URL('../../..', import.meta.url));

export interface BundleCase {
  /** `@logspec/core`, `@logspec/core/store`, or a named case. */
  name: string;
  /** The module text bundled (imports from the packages). */
  contents: string;
  platform: 'browser' | 'node';
}

export interface BundleSize {
  name: string;
  platform: 'browser' | 'node';
  /** Bytes of the bundle, minified. */
  minified: number;
  /** The same, gzipped. */
  gzip: number;
}

/** Entries that need Node (they import `node:` modules): measured for Node, externals left out. */
const NODE_ONLY = new Set(['@logspec/core/node', '@logspec/cli', '@logspec/export/store']);

/** Every exported entry point of every package, and the named cases. */
export function bundleCases(): BundleCase[] {
  const out: BundleCase[] = [];
  const pkgs = join(REPO, 'packages');
  for (const dir of readdirSync(pkgs).sort()) {
    const pkg = JSON.parse(readFileSync(join(pkgs, dir, 'package.json'), 'utf8')) as {
      name: string;
      exports?: Record<string, unknown>;
    };
    for (const key of Object.keys(pkg.exports ?? {}).sort()) {
      if (key === './package.json') continue;
      const name = key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`;
      out.push({ name, contents: `export * from '${name}';`, platform: NODE_ONLY.has(name) ? 'node' : 'browser' });
    }
  }
  out.push({
    name: 'checksumsReady + sha256Hex',
    contents: `import { checksumsReady, sha256Hex } from '@logspec/core'; await checksumsReady(); console.log(sha256Hex(new Uint8Array(3)));`,
    platform: 'browser',
  });
  return out;
}

/** Bundles one case and measures it. */
export async function measure(c: BundleCase): Promise<BundleSize> {
  const r = await build({
    stdin: { contents: c.contents, resolveDir: join(REPO, 'packages', 'cli'), loader: 'ts' },
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: c.platform,
    target: 'es2022',
    logLevel: 'silent',
    // The native CRC binding is a platform package, not JavaScript to bundle.
    // parquet-wasm loads its WebAssembly from its own folder at run time (Node only).
    external: c.platform === 'node' ? ['@node-rs/crc32', 'parquet-wasm'] : [],
  });
  const bytes = r.outputFiles.reduce((n, f) => n + f.contents.length, 0);
  const all = new Uint8Array(bytes);
  let at = 0;
  for (const f of r.outputFiles) {
    all.set(f.contents, at);
    at += f.contents.length;
  }
  return { name: c.name, platform: c.platform, minified: bytes, gzip: gzipSync(all, { level: 9 }).length };
}

export async function measureAll(): Promise<BundleSize[]> {
  const out: BundleSize[] = [];
  for (const c of bundleCases()) out.push(await measure(c));
  return out;
}
