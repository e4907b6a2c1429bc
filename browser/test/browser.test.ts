// Every package's codec entry runs in headless Chromium (Debian's chromium, driven by
// playwright-core) and decodes the golden files exactly as the same code does in Node.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { bundleForBrowser } from '../src/bundle.js';
import { type Chromium, launchChromium } from '../src/chromium.js';
import { goldenPaths, REPO_ROOT, readGolden } from '../src/golden.js';
import { type BrowserTarget, type GoldenFiles, runTarget, type TargetResult } from '../src/harness.js';
import { type PageServer, startPageServer } from '../src/server.js';
import { NODE_ONLY_PACKAGES, TARGETS } from '../src/targets.js';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const PACKAGES = join(REPO_ROOT, 'packages');

interface Loaded {
  name: string;
  module: string;
  target: BrowserTarget;
  paths: string[];
}

const loaded: Loaded[] = await Promise.all(
  TARGETS.map(async (t) => {
    const module = join(SRC, t.module);
    const { target } = (await import(module)) as { target: BrowserTarget };
    return { ...t, module, target, paths: goldenPaths(target) };
  }),
);

/** `packages/*` with the browser entry their `exports["."]` points at (the `default` condition). */
function codecEntries(): { name: string; entry: string }[] {
  return readdirSync(PACKAGES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => {
      const dir = join(PACKAGES, d.name);
      let pkg: { name: string; exports?: Record<string, unknown> };
      try {
        pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      } catch {
        return [];
      }
      const dot = pkg.exports?.['.'];
      const entry = typeof dot === 'string' ? dot : (dot as { default?: string } | undefined)?.default;
      return entry ? [{ name: pkg.name, entry: join(dir, entry) }] : [];
    });
}

describe('bundling for the browser', () => {
  const all = codecEntries();
  const entries = all.filter((e) => !(e.name in NODE_ONLY_PACKAGES));

  test('every package under packages/ has a browser target, unless it is listed as Node-only', () => {
    expect(entries.length).toBeGreaterThan(0);
    const covered = new Set(loaded.map((l) => l.target.package));
    expect(entries.map((e) => e.name).filter((n) => !covered.has(n))).toEqual([]);
    // No stale entries either way.
    expect([...covered].filter((n) => !entries.some((e) => e.name === n))).toEqual([]);
    expect(Object.keys(NODE_ONLY_PACKAGES).filter((n) => !all.some((e) => e.name === n))).toEqual([]);
  });

  test.each(entries)('$name: the codec entry bundles with platform browser (no node: imports)', async ({ entry }) => {
    const r = await bundleForBrowser({ file: entry });
    expect(r.ok ? [] : r.errors).toEqual([]);
    // The bundle holds the package's real sources, not a stub.
    expect(r.ok && r.inputs.some((i) => i.endsWith('src/index.ts'))).toBe(true);
  });

  test('a module importing node:fs fails to bundle', async () => {
    const r = await bundleForBrowser({ file: join(SRC, '../test/fixtures/imports-node-fs.ts') });
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.errors.join('\n')).toMatch(/node:fs/);
  });

  test('an entry reaching node: built-ins through a dependency fails to bundle', async () => {
    // @logspec/core/node is the Node-only entry (NodeFs): importing it from a codec would fail here.
    const r = await bundleForBrowser({ contents: "export * from '@logspec/core/node';", resolveDir: SRC });
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.errors.join('\n')).toMatch(/node:/);
  });
});

describe('headless Chromium', () => {
  // Started by the first test that needs it rather than in beforeAll: when Chromium is missing,
  // every browser test then fails with that message instead of being reported as skipped.
  let started: Promise<{ chromium: Chromium; server: PageServer }> | undefined;
  /** What the server answers for /golden/…: the files the current test's Node side read. */
  let snapshot: GoldenFiles = new Map();
  const env = () => {
    started ??= (async () => {
      const bundles = new Map<string, string>();
      for (const l of loaded) {
        const contents = [
          `import { target } from ${JSON.stringify(l.module)};`,
          `import { installPage } from ${JSON.stringify(join(SRC, 'page.ts'))};`,
          'installPage(target);',
        ].join('\n');
        const r = await bundleForBrowser({ contents, resolveDir: SRC });
        if (!r.ok) throw new Error(`bundling the ${l.name} target failed:\n${r.errors.join('\n')}`);
        bundles.set(l.name, r.code);
      }
      const server = await startPageServer(bundles, (path) => snapshot.get(path));
      try {
        return { server, chromium: await launchChromium() };
      } catch (e) {
        await server.close();
        throw e;
      }
    })();
    return started;
  };

  afterAll(async () => {
    const s = await started?.catch(() => undefined);
    await s?.chromium.close();
    await s?.server.close();
  });

  /** Runs the target in a fresh page; uncaught errors and console errors fail the run. */
  async function inChromium(l: Loaded, files: GoldenFiles): Promise<TargetResult> {
    const { chromium, server } = await env();
    snapshot = files;
    const pageErrors: string[] = [];
    const page = await chromium.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(`${l.name}: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(`${l.name}: console: ${m.text()}`);
    });
    try {
      await page.goto(`${server.origin}/${l.name}.html`);
      await page.waitForFunction(() => typeof globalThis.logspecRun === 'function', undefined, { timeout: 20_000 });
      const result = await page.evaluate(
        (paths) => (globalThis.logspecRun as NonNullable<typeof globalThis.logspecRun>)(paths),
        l.paths,
      );
      expect(pageErrors, 'errors in the page').toEqual([]);
      return result;
    } finally {
      await page.close();
    }
  }

  test.each(loaded)('$name: Chromium gives the same results as Node', async (l) => {
    const files = readGolden(l.paths);
    const node = await runTarget(l.target, files);
    const browser = await inChromium(l, files);

    // Something real was compared: every golden file the target loads, and its checks.
    if (l.target.formats.length > 0) {
      expect(l.paths.length, `no golden files for ${l.target.formats.join(', ')}`).toBeGreaterThan(0);
      expect(Object.values(node.files).filter((o) => 'ok' in o).length).toBeGreaterThan(0);
    }
    expect(Object.keys(node.files).length + Object.keys(node.checks).length).toBeGreaterThan(0);

    // Neither side may throw anything but a typed LogspecError.
    const thrown = (r: TargetResult) =>
      Object.entries({ ...r.checks, ...r.files }).flatMap(([k, o]) => ('thrown' in o ? [`${k}: ${o.thrown}`] : []));
    expect(thrown(node), 'Node threw something other than a LogspecError').toEqual([]);
    expect(thrown(browser), 'Chromium threw something other than a LogspecError').toEqual([]);

    expect(Object.keys(browser.checks)).toEqual(Object.keys(node.checks));
    expect(Object.keys(browser.files)).toEqual(Object.keys(node.files));
    for (const k of Object.keys(node.checks)) expect(browser.checks[k], `check ${k}`).toEqual(node.checks[k]);
    for (const k of Object.keys(node.files)) expect(browser.files[k], k).toEqual(node.files[k]);
  });

  test('core: the checksums give their published check values in Chromium', async () => {
    const core = loaded.find((l) => l.name === 'core');
    expect(core).toBeDefined();
    const { checks } = await inChromium(core as Loaded, new Map());
    expect(checks['crc32 check value']).toEqual({ ok: 'cbf43926' });
    expect(checks['crc32c check value']).toEqual({ ok: 'e3069283' });
    // Chromium compiles the kernel (no fallback to the JS loop), and agrees with Node's paths.
    expect(checks['WebAssembly CRC kernel']).toEqual({ ok: 'true' });
    expect((checks['CrcArena in place, 200 B and 100 KiB'] as { ok: string }).ok.startsWith('true ')).toBe(true);
    expect(checks['sha256 check value']).toEqual({
      ok: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    });
    expect(checks['sha256 of nothing']).toEqual({
      ok: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    });
  });
});
