// `logspec inspect --web <path>`: the CLI serves the built page with the path's files
// preloaded; the page, opened at the address it prints, scans them as if they were dropped.
import { join } from 'node:path';
import { type Chromium, launchChromium } from '@logspec/browser-tests/chromium';
import { main } from '@logspec/cli';
import { NodeFs } from '@logspec/core/node';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEFAULT_OUTDIR, ensureBuilt } from '../src/build/build.js';
import { GOLDEN, scanned } from './harness.js';

let chromium: Chromium;

beforeAll(async () => {
  await ensureBuilt();
  chromium = await launchChromium();
}, 300_000);

afterAll(async () => {
  await chromium?.close();
});

/** Runs `logspec inspect --web <path>` in process until the test interrupts it. */
function serve(path: string) {
  let out = '';
  let interrupt: (() => void) | undefined;
  let exit: Promise<number> = Promise.resolve(-1);
  const printed = new Promise<string>((ok) => {
    const code = main(['inspect', '--web', path], {
      stdout: (t) => {
        out += t;
        const m = /http:\/\/127\.0\.0\.1:\d+\/\?preload=1/.exec(out);
        if (m) ok(m[0]);
      },
      stderr: (t) => {
        out += t;
      },
      stderrIsTTY: false,
      env: { LOGSPEC_INSPECTOR_DIR: DEFAULT_OUTDIR },
      fs: new NodeFs(),
      onInterrupt(handler) {
        interrupt = handler;
        return () => {
          interrupt = undefined;
        };
      },
    });
    void code.then((c) => {
      if (!out.includes('http://')) ok(`exited ${c}: ${out}`);
    });
    exit = code;
  });
  return { printed, stop: () => interrupt?.(), exited: () => exit, output: () => out };
}

test.each([
  ['wal/original-xerv/multi_dir', 'wal', 3],
  ['segment/logspec-0.1.0/partition_two/00000000000000000000.index', 'segment', 2],
  ['hotlog/original-kaizen-rkyv-0.8.16', 'hotlog', 1],
  ['session/logspec-0.1.0/branching', 'session', 0],
])('logspec inspect --web %s serves the page with the files preloaded', async (rel, format, files) => {
  const s = serve(join(GOLDEN, rel));
  const url = await s.printed;
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?preload=1$/);
  const page = await chromium.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(url);
    expect(await scanned(page)).toBe('scanned');
    expect(await page.textContent('#format')).toBe(format);
    if (files > 0) expect(await page.locator('.file-tab').count()).toBe(files);
    expect(Number(await page.getAttribute('#records-grid', 'data-rows'))).toBeGreaterThan(0);
    // Only GET: the server is read-only; and nothing outside the page and the listed files.
    const origin = new URL(url).origin;
    expect((await page.request.post(`${origin}/preload/manifest.json`)).status()).toBe(405);
    expect((await page.request.get(`${origin}/..%2f..%2fpackage.json`)).status()).toBe(404);
    expect((await page.request.get(`${origin}/preload/files/999`)).status()).toBe(404);
    expect(errors).toEqual([]);
  } finally {
    await page.close();
    s.stop();
  }
  expect(await s.exited()).toBe(0);
});
