// Every driver, at the check sizes, writes the bytes the conformance suite's recipe writer writes
// for the same inputs (the golden tests tie that writer to the original's bytes; `pnpm
// bench:original` makes the same check against the original itself) and reads back what the
// data implies — and the check catches a driver that does not.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessSubject } from '@logspec/conformance';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkWorkload } from '../../src/bench-original/check.js';
import { SPECS } from '../../src/bench-original/drivers/index.js';
import { compareTrees } from '../../src/bench-original/files.js';
import { WORKLOADS } from '../../src/bench-original/sizes.js';
import type { ReaderSpec, WorkloadSpec, WriterSpec } from '../../src/bench-original/spec.js';

const reference = new InProcessSubject();
beforeAll(() => reference.start());
afterAll(() => reference.stop());
const tmp = mkdtempSync(join(tmpdir(), 'logspec-bench-original-check-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('every driver against the reference writer, at the check sizes', () => {
  test.each(WORKLOADS)('%s', async (w) => {
    const spec = SPECS[w];
    const results = await checkWorkload(spec, reference, tmp);
    expect(results.map((r) => r.path)).toEqual(spec.fast ? ['default', 'fast'] : ['default']);
    for (const r of results) expect(r, `${r.path}: ${r.detail}`).toMatchObject({ ok: true });
  });

  test('the checks left nothing behind', () => {
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('a driver that is wrong fails its check', () => {
  test('a writer whose files differ from the reference’s (one record fewer in the recipe)', async () => {
    const base = SPECS['wal-append-nosync'] as WriterSpec<unknown>;
    const wrong: WorkloadSpec = { ...base, recipe: (s) => base.recipe(s).slice(0, -1) };
    const results = await checkWorkload(wrong, reference, tmp);
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(results[0]?.detail).toMatch(
      /wal_0000000000000000\.log: 60000 vs 59800 bytes, first difference at byte 59800/,
    );
  });

  test('a writer that leaves a file the original does not', async () => {
    const base = SPECS['hotframe-append-nosync'] as WriterSpec<unknown>;
    const wrong: WorkloadSpec = {
      ...base,
      close(s) {
        base.close(s);
        writeFileSync(join(base.dir(s), 'stray.lock'), '');
      },
    };
    const [r] = await checkWorkload(wrong, reference, tmp);
    expect(r).toMatchObject({ ok: false, detail: expect.stringContaining('unexpected stray.lock') });
  });

  test('a reader that loses a record', async () => {
    const base = SPECS['hotframe-replay'] as ReaderSpec<unknown>;
    const spec = base.default;
    const wrong: WorkloadSpec = {
      ...base,
      default: {
        api: spec.api,
        async body(s) {
          const r = await spec.body(s);
          (r.out as { frames: unknown[] }).frames.splice(5, 1);
          return r;
        },
      },
    };
    const results = await checkWorkload(wrong, reference, tmp);
    expect(results.find((r) => r.path === 'default')).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/payload 5/),
    });
    expect(results.find((r) => r.path === 'fast')).toMatchObject({ ok: true });
  });
});

describe('compareTrees', () => {
  const a = join(tmp, 'a');
  const b = join(tmp, 'b');
  const put = (root: string, rel: string, bytes: number[]) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), Uint8Array.from(bytes));
  };

  test('equal trees, a changed byte, a missing and an unexpected file, files only ours writes', () => {
    put(a, 'x/f.log', [1, 2, 3]);
    put(b, 'x/f.log', [1, 2, 3]);
    put(a, 'x/f.timeindex', [9]);
    expect(compareTrees(a, b, /\.timeindex$/)).toEqual([]);
    expect(compareTrees(a, b)).toEqual(['unexpected x/f.timeindex']);
    put(b, 'x/f.log', [1, 7, 3, 4]);
    put(b, 'g', []);
    expect(compareTrees(a, b, /\.timeindex$/)).toEqual([
      'missing g',
      'x/f.log: 3 vs 4 bytes, first difference at byte 1',
    ]);
  });
});
