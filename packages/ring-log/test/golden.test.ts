import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeFs } from '@logspec/core/node';
import { describe, expect, it } from 'vitest';
import { handler } from '../../../conformance/src/builtin/formats/ring.js';
import { originalErrorOf, ringToJson } from '../src/index.js';
import { readRingFile } from '../src/store.js';
import { loadCorpus, ORIGINAL_DIR, readJson, withTempDir } from './helpers.js';

const fs = new NodeFs();
const corpus = loadCorpus();

/** Errors compare by kind and numeric extras (decimal strings), as the conformance runner does. */
function expectSameError(got: Record<string, unknown>, want: Record<string, unknown>) {
  expect(got.error ?? got.code).toBe(want.error);
  for (const [k, v] of Object.entries(want)) {
    if (k === 'error' || k === 'message') continue;
    expect(got[k], k).toEqual(v);
  }
}

describe('reading the original reference files', () => {
  it('covers every sample in the directory', () => {
    const samples = readdirSync(ORIGINAL_DIR).filter((n) => n.endsWith('.vrrl'));
    expect(corpus.map((e) => e.path).sort()).toEqual(samples.sort());
  });

  for (const entry of corpus) {
    it(`${entry.path} (${entry.kind}) reads as its .expect.json`, () => {
      const want = readJson(join(ORIGINAL_DIR, entry.expect)) as Record<string, unknown>;
      const path = join(ORIGINAL_DIR, entry.path);
      let got: Record<string, unknown>;
      try {
        got = ringToJson(readRingFile(fs, path)) as unknown as Record<string, unknown>;
      } catch (e) {
        const mapped = originalErrorOf(e, entry.path);
        expect(mapped, String(e)).toBeDefined();
        got = mapped as Record<string, unknown>;
      }
      if ('error' in want) {
        expectSameError(got, want);
        // The Display text is informational, but ours is the original's.
        expect(got.message).toBe(want.message);
      } else {
        expect(got).toEqual(want);
      }
    });
  }

  it('the built-in handler reads every sample as its .expect.json', async () => {
    for (const entry of corpus) {
      const want = readJson(join(ORIGINAL_DIR, entry.expect)) as Record<string, unknown>;
      const out = await handler.run({ verb: 'read', format: 'ring', path: join(ORIGINAL_DIR, entry.path) });
      if ('error' in want) {
        expect('error' in out, entry.path).toBe(true);
        const e = (out as { error: Record<string, unknown> }).error;
        expect(e.code).toBe(want.error);
        expectSameError({ ...e, error: e.code }, want);
      } else {
        expect(out, entry.path).toEqual({ ok: want });
      }
    }
  });

  it('a directory is an io error at open, as for the original (EISDIR)', async () => {
    const out = await handler.run({ verb: 'read', format: 'ring', path: ORIGINAL_DIR });
    expect((out as { error: Record<string, unknown> }).error).toMatchObject({
      code: 'io',
      op: 'open',
      io_kind: 'IsADirectory',
    });
  });

  it('a missing file is not_found', async () => {
    const out = await handler.run({ verb: 'read', format: 'ring', path: join(ORIGINAL_DIR, 'no-such.vrrl') });
    expect((out as { error: { code: string } }).error.code).toBe('not_found');
  });
});

describe('writing: replaying each recipe gives the reference bytes', () => {
  for (const entry of corpus.filter((e) => e.kind !== 'negative')) {
    it(`${entry.path}`, async () => {
      await withTempDir(async (dir) => {
        const out = await handler.run({
          verb: 'write',
          format: 'ring',
          dir,
          ops: entry.recipe.ops,
          fixedTime: '2026-04-15T12:34:56.789Z',
        });
        expect(out).toHaveProperty('ok');
        // Exactly the sample, and nothing else (no lock or temporary file left behind).
        expect(readdirSync(dir)).toEqual([entry.path]);
        expect(readFileSync(join(dir, entry.path))).toEqual(readFileSync(join(ORIGINAL_DIR, entry.path)));
      });
    });
  }

  it('negative recipes (byte mutations only) reproduce their samples too', async () => {
    for (const entry of corpus.filter((e) => e.kind === 'negative')) {
      await withTempDir(async (dir) => {
        const out = await handler.run({ verb: 'write', format: 'ring', dir, ops: entry.recipe.ops, fixedTime: '' });
        expect(out).toHaveProperty('ok');
        expect(readFileSync(join(dir, entry.path))).toEqual(readFileSync(join(ORIGINAL_DIR, entry.path)));
      });
    }
  });
});
