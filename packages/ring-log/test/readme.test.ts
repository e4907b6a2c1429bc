/** The README's examples run as written (the store blocks against a temporary directory). */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withTempDir } from './helpers.js';

const README = fileURLToPath(new URL('../README.md', import.meta.url));

function run(code: string): string {
  // Inside the package, so `@logspec/*` resolve as they do for users of the workspace.
  const file = fileURLToPath(new URL(`./.readme-${process.pid}.mts`, import.meta.url));
  writeFileSync(file, code);
  try {
    const r = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return r.stdout;
  } finally {
    rmSync(file, { force: true });
  }
}

describe('README examples', () => {
  const blocks = [...readFileSync(README, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);

  it('store, columns and visitor', async () => {
    await withTempDir((dir) => {
      const [store, columns] = blocks;
      const code = (store as string)
        .replaceAll('/tmp/replay.vrrl', `${dir}/replay.vrrl`)
        .replace('log.close(); // syncs', `${(columns as string).replace(/^import .*$/m, '')}\nlog.close(); // syncs`);
      const out = run(`import { createRingColumns } from '@logspec/ring-log';\n${code}`);
      expect(out).toContain('[ 2, 3, 4, 5 ]');
      expect(out).toContain('4 1 4');
      expect(out).toContain('1 2 1000002n');
    });
  });

  it('codec', () => {
    const out = run(blocks[2] as string);
    expect(out).toContain('{ version: 1, flags: 0, capacity: 2, cursor: 1n }');
    expect(out).toContain('100 { slot: 1, need: 160, have: 100 }');
  });
});
