import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rng, writeFromPool } from '../src/data.js';

const tmp = mkdtempSync(join(tmpdir(), 'logspec-bench-data-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('bench data', () => {
  it('rng: a seed gives the same picks, in range, and another seed other picks', () => {
    const a = rng(7);
    const b = rng(7);
    const picks = Array.from({ length: 100 }, () => a(13));
    expect(Array.from({ length: 100 }, () => b(13))).toEqual(picks);
    expect(picks.every((p) => Number.isInteger(p) && p >= 0 && p < 13)).toBe(true);
    const c = rng(8);
    expect(Array.from({ length: 100 }, () => c(13))).not.toEqual(picks);
  });

  it('writeFromPool: the head, then chunks in the picked order until the size is reached', () => {
    const pool = [Uint8Array.of(1), Uint8Array.of(2, 2), Uint8Array.of(3, 3, 3)];
    const path = join(tmp, 'small.bin');
    const order = [2, 0, 1, 1, 0];
    let i = 0;
    const r = writeFromPool(path, Uint8Array.of(9, 9), pool, 8, () => order[i++] as number, { fsync: true });
    expect(readFileSync(path)).toEqual(Buffer.from([9, 9, 3, 3, 3, 1, 2, 2]));
    expect(r).toEqual({ size: 8, chunks: 3 });
  });

  it('writeFromPool: a file larger than its write buffer holds every chunk once, in order', () => {
    const chunk = Buffer.alloc(3 << 20);
    for (let k = 0; k < chunk.length; k += 4096) chunk.writeUInt32LE(k, k);
    const path = join(tmp, 'large.bin');
    const r = writeFromPool(path, new Uint8Array(0), [chunk], 20 << 20, () => 0);
    const bytes = readFileSync(path);
    expect(r).toEqual({ size: 7 * chunk.length, chunks: 7 });
    expect(bytes.length).toBe(r.size);
    // Compared as buffers: a deep equality over megabytes takes the test runner minutes.
    for (let c = 0; c < r.chunks; c++) {
      expect(chunk.equals(bytes.subarray(c * chunk.length, (c + 1) * chunk.length))).toBe(true);
    }
  });
});
