import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...README.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
// Inside the package, so `@logspec/wal` and `@logspec/core` resolve as they do for a user.
const tmp = fileURLToPath(new URL('./.readme-blocks/', import.meta.url));
mkdirSync(tmp, { recursive: true });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('README examples run', () => {
  it('has examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
  });
  blocks.forEach((code, i) => {
    it(`example ${i + 1}`, async () => {
      const file = `${tmp}block-${i + 1}.ts`;
      writeFileSync(file, `${code}\nexport {};\n`);
      const failed = vi.spyOn(console, 'assert').mockImplementation((cond) => {
        if (!cond) throw new Error(`console.assert failed in README example ${i + 1}`);
      });
      const quiet = [
        vi.spyOn(console, 'log').mockImplementation(() => {}),
        vi.spyOn(console, 'warn').mockImplementation(() => {}),
      ];
      try {
        await import(/* @vite-ignore */ file);
      } finally {
        failed.mockRestore();
        for (const q of quiet) q.mockRestore();
      }
    });
  });
});
