import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { NodeFs } from '@logspec/core/node';
import { makeEvent } from '@logspec/frame';
import { HotLog } from '@logspec/frame/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBin, cleanup, PKG, RING, run, tempDir } from './helpers.js';

/**
 * The progress bar is drawn on stderr only when stderr is a terminal. The terminal is a pty
 * made by util-linux's `script`; the log is large (≈ 30 MiB, 100,000 events) so there is a
 * scan to show. The bar waits 200 ms before it appears; the tests that expect it set that
 * delay to 0 (`LOGSPEC_PROGRESS_DELAY_MS`) so they do not depend on the machine's speed.
 */

let bin: string;
let root: string;
beforeAll(async () => {
  bin = await buildBin();
  root = join(tempDir(), 'kaizen');
  const log = HotLog.open(new NodeFs(), root, { durability: 'manual' });
  for (let b = 0; b < 100; b++) {
    const batch = [];
    for (let i = 0; i < 1000; i++) {
      const seq = b * 1000 + i;
      batch.push(
        makeEvent({
          sessionId: `s${seq % 7}`,
          seq: BigInt(seq),
          tsMs: 1_700_000_000_000n + BigInt(seq),
          kind: 'Message',
          payload: { seq, text: 'x'.repeat(100) },
        }),
      );
    }
    log.appendBatch(batch);
  }
  log.close();
});
afterAll(cleanup);

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs the bin inside a pseudo-terminal; returns everything the terminal showed. */
function inTerminal(args: string[], env: Record<string, string> = {}): { code: number | null; screen: string } {
  const command = [process.execPath, bin, ...args].map(sh).join(' ');
  const r = spawnSync('script', ['-qfec', command, '/dev/null'], {
    encoding: 'utf8',
    cwd: PKG,
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  if (r.error) throw new Error(`script(1) from util-linux is needed for this test: ${r.error.message}`);
  return { code: r.status, screen: r.stdout };
}

const NOW = { LOGSPEC_PROGRESS_DELAY_MS: '0' };
const BAR = /\rscanning log\.bin \[[#.]+\] +\d+% \d+\.\d\/\d+\.\d MiB/;

describe('progress bar', () => {
  it('is drawn on a terminal during a long scan, and erased before the result', () => {
    const r = inTerminal(['inspect', root], NOW);
    expect(r.code).toBe(0);
    expect(r.screen).toMatch(BAR);
    // The line is cleared and the summary follows.
    const cleared = r.screen.lastIndexOf('\r\x1b[2K');
    expect(cleared).toBeGreaterThan(r.screen.search(BAR));
    expect(r.screen.slice(cleared)).toMatch(/events: +100000/);
  });

  it('stays quiet when stderr is not a terminal', () => {
    const r = run(bin, ['inspect', root], NOW);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^events: +100000$/m);
  });

  it('--json output on a terminal: the bar goes to stderr, stdout stays JSON', () => {
    const r = inTerminal(['dump', '--json', '--from', '99999', root], NOW);
    expect(r.code).toBe(0);
    expect(r.screen).toMatch(BAR);
    const json = r.screen.slice(r.screen.lastIndexOf('\x1b[2K') + 4).trim();
    expect(JSON.parse(json)).toMatchObject({ index: 99999, seq: '99999' });
  });

  it('is not drawn for a quick scan, nor with LOGSPEC_PROGRESS=0', () => {
    const quick = inTerminal(['inspect', join(RING, 'varied.vrrl')]);
    expect(quick.code).toBe(0);
    expect(quick.screen).not.toContain('scanning');
    const off = inTerminal(['inspect', root], { ...NOW, LOGSPEC_PROGRESS: '0' });
    expect(off.code).toBe(0);
    expect(off.screen).not.toContain('scanning');
    expect(off.screen).toMatch(/events: +100000/);
  });
});
