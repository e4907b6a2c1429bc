import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBin, cleanup, PKG } from './helpers.js';

/** The README's `console` blocks: `$ logspec …` lines and the stdout that follows each. */
function examples(): { command: string; args: string[]; output: string }[] {
  const md = readFileSync(join(PKG, 'README.md'), 'utf8');
  const out: { command: string; args: string[]; output: string }[] = [];
  for (const block of md.matchAll(/```console\n([\s\S]*?)```/g)) {
    let cur: { command: string; args: string[]; output: string } | undefined;
    for (const line of (block[1] as string).split('\n')) {
      if (line.startsWith('$ logspec ')) {
        cur = { command: line.slice(2), args: line.slice('$ logspec '.length).split(' '), output: '' };
        out.push(cur);
      } else if (cur && line.length > 0) cur.output += `${line}\n`;
    }
  }
  return out;
}

let bin: string;
beforeAll(async () => {
  bin = await buildBin();
});
afterAll(cleanup);

describe('README examples', () => {
  const all = examples();
  it('has examples', () => {
    expect(all.length).toBeGreaterThanOrEqual(5);
  });
  it.each(all.map((e) => [e.command, e] as const))('%s', (_c, e) => {
    const r = spawnSync(process.execPath, [bin, ...e.args], { cwd: join(PKG, '..', '..'), encoding: 'utf8' });
    expect(r.stdout).toBe(e.output);
  });
});
