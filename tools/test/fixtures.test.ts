import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { allowedPluginPath, runFixtures } from '../src/fixtures/main.js';

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A throwaway repo: a reference corpus, a plugins dir, and the repo root they write into. */
function sandbox(plugin: string) {
  const base = mkdtempSync(join(tmpdir(), 'logspec-fixtures-'));
  made.push(base);
  const root = join(base, 'repo');
  const reference = join(base, 'shared/reference');
  const plugins = join(base, 'plugins');
  mkdirSync(join(root, 'conformance/golden'), { recursive: true });
  mkdirSync(join(reference, 'ring/nested'), { recursive: true });
  writeFileSync(join(reference, 'ring/a.vrrl'), 'A');
  writeFileSync(join(reference, 'ring/nested/b.expect.json'), '{}\n');
  writeFileSync(join(reference, 'README.md'), '# reference\n');
  mkdirSync(plugins);
  writeFileSync(join(plugins, 'ring.ts'), plugin);
  return { root, reference, plugins, opts: { root, referenceDir: reference, pluginsDir: plugins, replay: false } };
}

const goodPlugin = `
export default async function generate(out) {
  out.json('conformance/vectors/ring/slot-decode.json', { schema: 'logspec-vectors/1', n: 1 });
  out.bytes('conformance/golden/ring/logspec-0.1.0/x.vrrl', new Uint8Array([1, 2, 3]));
}`;

describe('pnpm fixtures', () => {
  test('writes the reference copies and the plugins’ files; --check is then clean', async () => {
    const s = sandbox(goodPlugin);
    const first = await runFixtures({ ...s.opts, check: false });
    expect(first.added).toEqual([
      'conformance/golden/REFERENCE-README.md',
      'conformance/golden/ring/logspec-0.1.0/x.vrrl',
      'conformance/golden/ring/original-vyre-runtime-0.6.1/a.vrrl',
      'conformance/golden/ring/original-vyre-runtime-0.6.1/nested/b.expect.json',
      'conformance/vectors/ring/slot-decode.json',
    ]);
    expect(readFileSync(join(s.root, 'conformance/vectors/ring/slot-decode.json'), 'utf8')).toBe(
      '{\n  "schema": "logspec-vectors/1",\n  "n": 1\n}\n',
    );
    const again = await runFixtures({ ...s.opts, check: true });
    expect([again.added, again.changed, again.stale]).toEqual([[], [], []]);
  });

  test('--check lists changed, added and stale files without touching anything', async () => {
    const s = sandbox(goodPlugin);
    await runFixtures({ ...s.opts, check: false });
    writeFileSync(join(s.root, 'conformance/golden/ring/logspec-0.1.0/x.vrrl'), 'edited');
    rmSync(join(s.root, 'conformance/vectors/ring/slot-decode.json'));
    writeFileSync(join(s.root, 'conformance/vectors/ring/hand-written.json'), '{}');
    writeFileSync(join(s.root, 'conformance/golden/ring/original-vyre-runtime-0.6.1/extra'), '');
    const r = await runFixtures({ ...s.opts, check: true });
    expect(r.changed).toEqual(['conformance/golden/ring/logspec-0.1.0/x.vrrl']);
    expect(r.added).toEqual(['conformance/vectors/ring/slot-decode.json']);
    expect(r.stale).toEqual([
      'conformance/golden/ring/original-vyre-runtime-0.6.1/extra',
      'conformance/vectors/ring/hand-written.json',
    ]);
    expect(readFileSync(join(s.root, 'conformance/golden/ring/logspec-0.1.0/x.vrrl'), 'utf8')).toBe('edited');
    // Regenerating repairs all three kinds of drift.
    await runFixtures({ ...s.opts, check: false });
    const clean = await runFixtures({ ...s.opts, check: true });
    expect([clean.added, clean.changed, clean.stale]).toEqual([[], [], []]);
    expect(existsSync(join(s.root, 'conformance/vectors/ring/hand-written.json'))).toBe(false);
  });

  test('without ../shared/reference the original copies are left alone (CI has no reference)', async () => {
    const s = sandbox(goodPlugin);
    mkdirSync(join(s.root, 'conformance/golden/ring/original-vyre-runtime-0.6.1'), { recursive: true });
    writeFileSync(join(s.root, 'conformance/golden/ring/original-vyre-runtime-0.6.1/kept'), 'k');
    const r = await runFixtures({ ...s.opts, referenceDir: join(s.root, 'nope'), check: false });
    expect(r.referenceCopied).toBe(false);
    expect(r.stale).toEqual([]);
    expect(readFileSync(join(s.root, 'conformance/golden/ring/original-vyre-runtime-0.6.1/kept'), 'utf8')).toBe('k');
  });

  test('a plugin may write only its vectors and logspec golden files, and never one file two ways', async () => {
    for (const bad of [
      '../x',
      'conformance/golden/ring/original-x/y',
      'spec/ring.md',
      'conformance/vectors/nope/x.json',
    ]) {
      const s = sandbox(`export default async (out) => out.bytes(${JSON.stringify(bad)}, new Uint8Array(1));`);
      await expect(runFixtures({ ...s.opts, check: true })).rejects.toThrow(/may not write/);
    }
    const s = sandbox(
      `export default async (out) => { out.json('conformance/vectors/ring/a.json', 1); out.json('conformance/vectors/ring/a.json', 2); };`,
    );
    await expect(runFixtures({ ...s.opts, check: true })).rejects.toThrow(/written twice with different content/);
    expect(readdirSync(s.root)).toEqual(['conformance']);
  });

  test.each([
    ['conformance/vectors/ring/slot-decode.json', true],
    ['conformance/golden/hotlog/logspec-0.1.0/hot/log.bin', true],
    ['conformance/golden/hotlog/logspec-0.1.0', false],
    ['conformance/golden/ring/original-vyre-runtime-0.6.1/a', false],
    ['conformance/vectors/ring/../../x', false],
    ['/abs/conformance/vectors/ring/x', false],
  ])('allowedPluginPath(%s) = %s', (p, ok) => {
    expect(allowedPluginPath(p)).toBe(ok);
  });

  test('the real plugins are deterministic and stay inside their directories', async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const pluginsDir = resolve(here, '../src/fixtures/formats');
    const root = mkdtempSync(join(tmpdir(), 'logspec-fixtures-real-'));
    made.push(root);
    const opts = { root, referenceDir: join(root, 'no-reference'), pluginsDir, check: false };
    const first = await runFixtures(opts);
    const second = await runFixtures({ ...opts, check: true });
    expect(second.changed).toEqual([]);
    expect(second.added).toEqual([]);
    expect(second.stale).toEqual([]);
    expect(first.added.length).toBeGreaterThanOrEqual(first.plugins.length);
  });
});
