// Runs every ```ts block of README.md in its own `node --import tsx` process (from inside the
// package, so `@logspec/core` resolves to these sources) and checks each
// `console.log(…); // expected` comment against what the block printed, line by line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
// Inside the package directory so the self-reference `@logspec/core` resolves.
const work = mkdtempSync(join(pkg, 'test', '.readme-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('README examples', () => {
  it('has examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
  });
  it.each(blocks.map((b, i) => [i + 1, b] as const))('example %i runs and prints what it says', (i, code) => {
    const file = join(work, `example-${i}.mts`);
    writeFileSync(file, code);
    const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: pkg, encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const expected = [...code.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]);
    expect(r.stdout.trimEnd().split('\n')).toEqual(expected);
  });
});
