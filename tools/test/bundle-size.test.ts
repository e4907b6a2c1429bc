import { describe, expect, it } from 'vitest';
import { overBudget, readBudget } from '../src/bundle-size/budget.js';
import { bundleCases, measure, measureAll } from '../src/bundle-size/measure.js';

describe('bundle sizes', () => {
  it('checksumsReady + sha256Hex bundle only SHA-256 of hash-wasm (under 32 KiB minified, not 218 KB)', async () => {
    const c = bundleCases().find((x) => x.name === 'checksumsReady + sha256Hex');
    expect(c).toBeDefined();
    const s = await measure(c as NonNullable<typeof c>);
    expect(s.minified).toBeLessThan(32 * 1024);
    expect(s.gzip).toBeLessThan(12 * 1024);
  });

  it('every entry point of every package has a budget and is within it', async () => {
    const sizes = await measureAll();
    expect(sizes.map((s) => s.name)).toContain('@logspec/core');
    expect(overBudget(sizes, readBudget())).toEqual([]);
  });
});
