// The page as a keyboard user, an offline user and a repairer uses it: keys move through the
// records and the bytes, a clicked byte names its field, the page works offline once loaded,
// the theme switches, and a repaired copy is downloaded only after the cut was shown.
import { readFileSync } from 'node:fs';
import { type Chromium, launchChromium } from '@logspec/browser-tests/chromium';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ensureBuilt } from '../src/build/build.js';
import { dropFiles, goldenFiles, readGolden, type StaticServer, scanned, startStatic } from './harness.js';

let chromium: Chromium;
let server: StaticServer;

beforeAll(async () => {
  await ensureBuilt();
  server = await startStatic();
  chromium = await launchChromium();
}, 300_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

async function open(path: string): Promise<Page> {
  const page = await chromium.context.newPage();
  await page.setViewportSize({ width: 1440, height: 1100 });
  await page.goto(`${server.origin}/index.html`);
  await page.waitForFunction(() => document.body.dataset.state === 'empty');
  await dropFiles(page, goldenFiles(path));
  expect(await scanned(page)).toBe('scanned');
  return page;
}

const status = (page: Page) => page.textContent('#status');

test('keyboard: rows with the arrows, bytes with the cursor, Enter names the field under it', async () => {
  const page = await open('wal/original-xerv/all_types.log');
  await page.keyboard.press('r');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(
    () => document.querySelector('#records-grid [aria-selected="true"]')?.getAttribute('data-index') === '2',
  );
  await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('record #2'));
  await page.keyboard.press('End');
  const last = Number(await page.getAttribute('#records-grid', 'data-rows')) - 1;
  await page.waitForFunction(
    (n) => document.querySelector('#records-grid [aria-selected="true"]')?.getAttribute('data-index') === String(n),
    last,
  );
  // The hex view: Home, four bytes right, Enter: byte 4 is the first record's crc32.
  await page.keyboard.press('x');
  await page.keyboard.press('Home');
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('status')?.textContent?.includes('› crc32'));
  expect(await status(page)).toMatch(/^bytes \[4, 5\) are in record #0 › crc32 = 0x[0-9a-f]{8}$/);
  await page.close();
});

test('a clicked byte names its field and selects its record; a dragged range too', async () => {
  const page = await open('hotlog/original-kaizen-rkyv-0.8.16/hot/log.bin');
  // The first frame starts at 12; its archive's root begins 16 bytes in (one 11-byte body + pad).
  await page.click('#hex-view [data-at="200"]');
  await page.waitForFunction(() => document.getElementById('status')?.textContent?.includes('frame #0 ›'));
  expect(await status(page)).toMatch(/frame #0 › payload › root › /);
  expect(await page.getAttribute('#records-grid [aria-selected="true"]', 'data-index')).toBe('1');
  const picked = await page.$$eval('#hex-view .bytes .b.in-field', (els) =>
    els.map((e) => Number((e as HTMLElement).dataset.at)),
  );
  expect(picked).toContain(200);
  // Drag over bytes 16…20 (the body of payload_json): the range and the field it starts in.
  const a = await page.locator('#hex-view .bytes [data-at="16"]').boundingBox();
  const b = await page.locator('#hex-view .bytes [data-at="20"]').boundingBox();
  if (!a || !b) throw new Error('bytes not drawn');
  await page.mouse.move(a.x + 2, a.y + 2);
  await page.mouse.down();
  await page.mouse.move(b.x + 2, b.y + 2, { steps: 4 });
  await page.mouse.up();
  await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('bytes [16, 21)'));
  expect(await status(page)).toMatch(
    /^bytes \[16, 21\) are in frame #0 › payload › payload_json_body = \{"ok":true\}$/,
  );
  await page.close();
});

test('light and dark themes, remembered', async () => {
  const page = await open('ring/logspec-0.1.0/cap3_wrap.vrrl');
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const before = await page.evaluate(() => document.documentElement.dataset.theme);
  const light = await bg();
  await page.keyboard.press('t');
  const after = await page.evaluate(() => document.documentElement.dataset.theme);
  expect(after).not.toBe(before);
  expect(await bg()).not.toBe(light);
  await page.reload();
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(after);
  await page.keyboard.press('t');
  await page.close();
});

test('works offline once loaded (service worker)', async () => {
  const page = await chromium.context.newPage();
  await page.goto(`${server.origin}/index.html`);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const bytes = [...readGolden('wal/logspec-0.1.0/all_types.log')];
  await chromium.context.setOffline(true);
  try {
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.state === 'empty');
    await page.evaluate((b) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(b)], 'all_types.log'));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, bytes);
    expect(await scanned(page)).toBe('scanned');
    expect(await page.textContent('#format')).toBe('wal');
    // The spec pages are cached too.
    const rule = await page.evaluate(async () => (await fetch('spec/wal.html')).status);
    expect(rule).toBe(200);
  } finally {
    await chromium.context.setOffline(false);
    await page.close();
  }
});

test('repair: the cut is shown first, then the repaired copy is downloaded', async () => {
  const page = await open('wal/logspec-0.1.0/torn_length.log');
  await page.click('[data-tab="repair"]');
  expect(await page.isDisabled('#repair-download')).toBe(true);
  await page.click('#repair-run');
  const row = page.locator('#repair-plan tr[data-kind="truncated"]');
  await row.waitFor();
  expect(await row.textContent()).toContain('[69, 72)');
  expect(await page.textContent('#repair-plan')).toContain('After repair: no problems.');
  const download = page.waitForEvent('download');
  await page.click('#repair-download');
  const d = await download;
  expect(d.suggestedFilename()).toBe('torn_length.log');
  const got = readFileSync((await d.path()) as string);
  expect(Buffer.compare(got, Buffer.from(readGolden('wal/logspec-0.1.0/torn_length.log').subarray(0, 69)))).toBe(0);
  await page.close();
});

test('repair refuses to cut valid records after damage unless forced, and shows what force cuts', async () => {
  const page = await open('hotframe/original-kaizen/crc_mismatch/hot/log.bin');
  await page.click('[data-tab="repair"]');
  await page.click('#repair-run');
  await page.locator('#repair-plan .refused').waitFor();
  expect(await page.textContent('#repair-plan .refused')).toContain('HOT_CORRUPT_BEFORE_TAIL');
  expect(await page.isDisabled('#repair-download')).toBe(true);
  await page.check('#repair-force');
  await page.click('#repair-run');
  const row = page.locator('#repair-plan tr[data-kind="truncated"]');
  await row.waitFor();
  expect(await row.textContent()).toMatch(/\[25, 53\)/);
  expect(await page.isDisabled('#repair-download')).toBe(false);
  await page.close();
});
