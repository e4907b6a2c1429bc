import * as nfs from 'node:fs';
import { join } from 'node:path';
import { NodeFs } from '@logspec/core/node';
import { describe, expect, it } from 'vitest';
import { readPartitionOriginal, readSegmentFileOriginal, runRecipeOps, toOriginalError } from '../src/store.js';
import { corpus, GOLDEN, listFiles, mutate, tempDir } from './helpers.js';

const fs = new NodeFs();

function readAsOriginal(path: string): unknown {
  try {
    return nfs.statSync(path).isDirectory() ? readPartitionOriginal(fs, path) : readSegmentFileOriginal(fs, path);
  } catch (e) {
    const mapped = toOriginalError(e);
    if (!mapped) throw e;
    return mapped;
  }
}

describe('reference corpus (rivven-core 0.0.10)', () => {
  for (const entry of corpus()) {
    it(`reads ${entry.path} as the original does`, () => {
      const expected = JSON.parse(nfs.readFileSync(join(GOLDEN, entry.expect), 'utf8')) as Record<string, unknown>;
      const got = readAsOriginal(join(GOLDEN, entry.path)) as Record<string, unknown>;
      if ('error' in expected) {
        expect(got.error).toBe(expected.error);
        expect(got.postcard).toBe(expected.postcard);
        expect(got.message).toBe(expected.message);
      } else {
        expect(got).toEqual(expected);
      }
    });

    it(`replaying the recipe of ${entry.path} writes the reference bytes`, () => {
      const root = tempDir();
      try {
        runRecipeOps(fs, root, entry.recipe.ops, (op) => mutate(root, op));
        const top = entry.path.split('/')[0] as string;
        const want = listFiles(join(GOLDEN, top)).filter((f) => !f.endsWith('.expect.json'));
        expect(listFiles(join(root, top))).toEqual(want);
        for (const f of want) {
          const a = nfs.readFileSync(join(root, top, f));
          const b = nfs.readFileSync(join(GOLDEN, top, f));
          expect(Buffer.compare(a, b), `${top}/${f}`).toBe(0);
        }
      } finally {
        nfs.rmSync(root, { recursive: true, force: true });
      }
    });
  }
});
