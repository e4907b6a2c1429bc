// The built inspector in headless Chromium (Debian's, through playwright-core), served by a
// plain static server: golden files of every format, from the original programs and from
// logspec, are dropped on the page; the record counts, a selected field's bytes, the damage
// map and the problems are checked against the golden expectations, the bytes on disk and
// `logspec verify`. Screenshots go to reports/inspector/ (CI artefacts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Chromium, launchChromium } from '@logspec/browser-tests/chromium';
import { main } from '@logspec/cli';
import { crc32 } from '@logspec/core';
import { NodeFs } from '@logspec/core/node';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureBuilt } from '../src/build/build.js';
import {
  dropFiles,
  GOLDEN,
  goldenFiles,
  readGolden,
  reportsDir,
  type StaticServer,
  scanned,
  startStatic,
} from './harness.js';

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

/** A fresh page with the inspector loaded; page errors and console errors fail the test. */
async function inspector(width = 1440, height = 1100): Promise<{ page: Page; errors: string[] }> {
  const page = await chromium.context.newPage();
  await page.setViewportSize({ width, height });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(`${server.origin}/index.html`);
  await page.waitForFunction(() => document.body.dataset.state === 'empty');
  return { page, errors };
}

async function drop(page: Page, dir: string): Promise<void> {
  const since = Number((await page.evaluate(() => document.body.dataset.scanned)) ?? 0);
  await dropFiles(page, goldenFiles(dir));
  expect(await scanned(page, since)).toBe('scanned');
}

const rows = (page: Page) => page.getAttribute('#records-grid', 'data-rows').then(Number);
const format = (page: Page) => page.textContent('#format');

/** Selects row `i` of the current file, then the field at `path`; returns the highlighted bytes. */
async function selectField(
  page: Page,
  i: number,
  path: string,
): Promise<{ offset: number; length: number; hex: string }> {
  await page.click(`#records-grid [data-index="${i}"]`);
  const field = page.locator(`#fields .fld[data-path="${path}"]`);
  await field.waitFor();
  await field.click();
  await page.waitForFunction(() => (document.getElementById('hex-selection')?.textContent ?? '') !== '');
  return page.evaluate(() => {
    const el = document.getElementById('hex-selection') as HTMLElement;
    return { offset: Number(el.dataset.offset), length: Number(el.dataset.length), hex: el.textContent ?? '' };
  });
}

const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');
const le32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b.toString('hex');
};
const be32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b.toString('hex');
};
const expectJson = (path: string) => JSON.parse(readFileSync(join(GOLDEN, path), 'utf8'));

describe('every format, from the original programs and from logspec', () => {
  test.each([['ring/original-vyre-runtime-0.6.1/cap4_two.vrrl'], ['ring/logspec-0.1.0/cap64_many.vrrl']])(
    'ring: %s',
    async (path) => {
      const { page, errors } = await inspector();
      await drop(page, path);
      expect(await format(page)).toBe('ring');
      const records = expectJson(`${path}.expect.json`).records as { timestamp_ns: string }[];
      expect(await rows(page)).toBe(records.length + 1); // the header, then the records
      // Row 1 is the oldest record (replay order): its timestamp field's bytes are its u64 LE.
      const sel = await selectField(page, 1, 'timestamp_ns');
      const file = readGolden(path);
      expect(sel.length).toBe(8);
      expect(sel.hex).toBe(hexOf(file.subarray(sel.offset, sel.offset + 8)));
      expect(Buffer.from(sel.hex, 'hex').readBigUInt64LE()).toBe(BigInt(records[0]?.timestamp_ns ?? -1));
      expect(errors).toEqual([]);
      await page.close();
    },
  );

  test.each([
    ['wal/original-xerv/all_types.log', 'wal/original-xerv/all_types.log.expect.json'],
    ['wal/logspec-0.1.0/multi_dir', 'wal/logspec-0.1.0/multi_dir.expect.json'],
  ])('wal: %s', async (path, expectPath) => {
    const { page, errors } = await inspector();
    await drop(page, path);
    expect(await format(page)).toBe('wal');
    const records = expectJson(expectPath).records as { file?: string; offset: string; total_len: number }[];
    const files = await page.$$eval('.file-tab', (t) => t.length);
    let total = 0;
    for (let f = 0; f < files; f++) {
      await page.click(`.file-tab[data-file="${f}"]`);
      total += await rows(page);
    }
    expect(total).toBe(records.length);
    // The CRC field of the first record of the last file: the CRC-32 of its payload, LE.
    const r = records.filter((x) => x.file === records.at(-1)?.file)[0] ?? records[0];
    const sel = await selectField(page, 0, 'crc32');
    const bytes = readGolden(files > 1 ? `${path}/${r?.file}` : path);
    const at = Number(r?.offset);
    expect(sel.offset).toBe(at + 4);
    expect(sel.hex).toBe(le32(crc32(bytes, at + 29, at + (r?.total_len ?? 0))));
    expect(errors).toEqual([]);
    await page.close();
  });

  test.each([['segment/original-rivven-core-0.0.10/partition_two'], ['segment/logspec-0.1.0/partition_two']])(
    'segment: %s',
    async (path) => {
      const { page, errors } = await inspector();
      await drop(page, path);
      expect(await format(page)).toBe('segment');
      const exp = expectJson(`${path}.expect.json`) as { messages: unknown[]; segments: { index: unknown[] }[] };
      const tabs = await page.$$eval('.file-tab', (t) => t.map((x) => x.getAttribute('title') ?? ''));
      let messages = 0;
      let entries = 0;
      for (let f = 0; f < tabs.length; f++) {
        await page.click(`.file-tab[data-file="${f}"]`);
        if (tabs[f]?.includes('.log')) messages += await rows(page);
        else entries += await rows(page);
      }
      expect(messages).toBe(exp.messages.length);
      expect(entries).toBe(exp.segments.reduce((n, s) => n + s.index.length, 0));
      // The first frame's CRC: CRC-32 of its payload, big-endian, in front of its length.
      await page.click('.file-tab[data-file="0"]');
      const sel = await selectField(page, 0, 'crc');
      const log = readGolden(`${path}/00000000000000000000.log`);
      const len = new DataView(log.buffer, log.byteOffset).getUint32(4, false);
      expect(sel.offset).toBe(0);
      expect(sel.hex).toBe(be32(crc32(log, 8, 8 + len)));
      expect(errors).toEqual([]);
      await page.close();
    },
  );

  test.each([
    ['hotframe/original-kaizen/basic/hot/log.bin', 'hotframe/original-kaizen/basic.expect.json'],
    ['hotframe/logspec-0.1.0/basic/hot/log.bin', 'hotframe/logspec-0.1.0/basic.expect.json'],
  ])('hotframe: %s', async (path, expectPath) => {
    const { page, errors } = await inspector();
    await drop(page, path);
    expect(await format(page)).toBe('hotframe');
    const frames = expectJson(expectPath).records as { offset: string; len: number; payload: string }[];
    expect(await rows(page)).toBe(frames.length + 1);
    const last = frames.length; // the header is row 0
    const f = frames.at(-1) as { offset: string; len: number; payload: string };
    const sel = await selectField(page, last, 'crc');
    expect(sel.offset).toBe(Number(f.offset) + 4 + f.len);
    expect(sel.hex).toBe(le32(crc32(Buffer.from(f.payload, 'hex'))));
    expect(errors).toEqual([]);
    await page.close();
  });

  test.each([
    ['hotlog/original-kaizen-rkyv-0.8.16/hot/log.bin', 'hotlog/original-kaizen-rkyv-0.8.16/log.json'],
    ['hotlog/logspec-0.1.0/session_10/hot/log.bin', 'hotlog/logspec-0.1.0/session_10.expect.json'],
  ])('hotlog: %s', async (path, expectPath) => {
    const { page, errors } = await inspector();
    await drop(page, path);
    expect(await format(page)).toBe('hotlog');
    const events = expectJson(expectPath).events as { seq: string }[];
    expect(await rows(page)).toBe(events.length + 1);
    // The archive's root field `seq` of the first event: u64 LE, inside the rkyv root.
    const sel = await selectField(page, 1, 'payload.root.seq');
    expect(sel.length).toBe(8);
    expect(Buffer.from(sel.hex, 'hex').readBigUInt64LE()).toBe(BigInt(events[0]?.seq ?? -1));
    expect(sel.hex).toBe(hexOf(readGolden(path).subarray(sel.offset, sel.offset + 8)));
    expect(errors).toEqual([]);
    await page.close();
  });

  test.each([['session/original-pi_agent_rust-0.1.11/branching'], ['session/logspec-0.1.0/branching']])(
    'session: %s',
    async (path) => {
      const { page, errors } = await inspector();
      await drop(page, path);
      expect(await format(page)).toBe('session');
      const exp = expectJson(`${path}.expect.json`) as { index: { entry_id: string; segment_seq: string }[] };
      const tabs = await page.$$eval('.file-tab', (t) => t.map((x) => x.getAttribute('title') ?? ''));
      let frames = 0;
      for (let f = 0; f < tabs.length; f++) {
        if (!tabs[f]?.startsWith('segments/')) continue;
        await page.click(`.file-tab[data-file="${f}"]`);
        frames += await rows(page);
      }
      expect(frames).toBe(exp.index.length);
      // The first frame's entryId member: `"entryId":"<the index's first id>"`.
      const seg = tabs.findIndex((t) => t.startsWith('segments/'));
      await page.click(`.file-tab[data-file="${seg}"]`);
      const sel = await selectField(page, 0, 'entryId');
      expect(Buffer.from(sel.hex, 'hex').toString()).toBe(`"entryId":"${exp.index[0]?.entry_id}"`);
      // The summary draws the branch tree with the active path from the head.
      await page.click('[data-tab="summary"]');
      expect(await page.locator('.branch-tree .tnode').count()).toBe(exp.index.length);
      expect(await page.locator('.branch-tree .tnode.active').count()).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      await page.close();
    },
  );
});

/** `logspec verify --json` of a golden path, in process: the problems' codes and offsets. */
async function verify(path: string): Promise<{ code: string; offset: number | null }[]> {
  let out = '';
  // A hot log of opaque payloads is verified as frames (the page shows it so too).
  const format = path.startsWith('hotframe/') ? ['--format', 'hotframe'] : [];
  await main(['verify', '--json', ...format, join(GOLDEN, path)], {
    stdout: (t) => {
      out += t;
    },
    stderr: () => {},
    stderrIsTTY: false,
    env: {},
    fs: new NodeFs(),
    onInterrupt: () => () => {},
  });
  const doc = JSON.parse(out) as { problems: { code: string; offset: number | null }[] };
  return doc.problems.map((p) => ({ code: p.code, offset: p.offset }));
}

async function pageProblems(page: Page): Promise<{ code: string; offset: number | null }[]> {
  return page.$$eval('#problems .problem', (els) =>
    els.map((e) => ({
      code: (e as HTMLElement).dataset.code ?? '',
      offset: (e as HTMLElement).dataset.offset === '' ? null : Number((e as HTMLElement).dataset.offset),
    })),
  );
}

async function ranges(page: Page, name?: string) {
  const file = name
    ? await page.$$eval(
        '#map .map-row',
        (rows, n) =>
          rows.find((r) => r.querySelector('.map-name')?.getAttribute('title')?.endsWith(n))?.getAttribute('data-file'),
        name,
      )
    : '0';
  return page.$$eval(`#map .map-row[data-file="${file}"] li`, (els) =>
    els.map((e) => ({
      state: (e as HTMLElement).dataset.state,
      from: Number((e as HTMLElement).dataset.from),
      to: Number((e as HTMLElement).dataset.to),
    })),
  );
}

const byCodeOffset = (a: { code: string; offset: number | null }, b: { code: string; offset: number | null }) =>
  a.code < b.code ? -1 : a.code > b.code ? 1 : (a.offset ?? -1) - (b.offset ?? -1);

describe('damaged files: the damage map and the problems, as logspec verify finds them', () => {
  test.each([
    ['wal/logspec-0.1.0/torn_length.log', 'torn', 69, undefined],
    ['segment/original-rivven-core-0.0.10/torn_tail', 'torn', 122, undefined],
    ['hotframe/original-kaizen/crc_mismatch/hot/log.bin', 'crc', 25, undefined],
    ['hotlog/logspec-0.1.0/undecodable_frame/hot/log.bin', 'undecodable', 256, undefined],
    ['ring/original-vyre-runtime-0.6.1/neg_bad_record_magic.vrrl', 'undecodable', 32, undefined],
    ['session/original-pi_agent_rust-0.1.11/rec_torn_frame', 'torn', 387, '0000000000000002.seg'],
  ])('%s', async (path, state, at, file) => {
    const { page, errors } = await inspector();
    await drop(page, path);
    const got = (await pageProblems(page)).sort(byCodeOffset);
    const cliPath = path.replace(/\/hot\/log\.bin$/, '');
    expect(got).toEqual((await verify(cliPath)).sort(byCodeOffset));
    expect(got.length).toBeGreaterThan(0);
    // The map has the damage where verify reports it, in the right state.
    const hit = (await ranges(page, file)).find((r) => at >= r.from && at < r.to);
    expect(hit?.state).toBe(state);
    // Each problem links the spec: a rule or the chapter's error table.
    const links = await page.$$eval('#problems .problem .rule-id', (a) => a.map((x) => x.getAttribute('href') ?? ''));
    expect(links.length).toBeGreaterThan(0);
    for (const l of links) expect(l).toMatch(/^spec\/[a-z]+\.html#/);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('the linked spec text is served with the page, anchored at the rule', async () => {
    const { page } = await inspector();
    await drop(page, 'wal/logspec-0.1.0/torn_length.log');
    const href = (await page.getAttribute('#problems .rule-id', 'href')) as string;
    const res = await page.request.get(`${server.origin}/${href.split('#')[0]}`);
    expect(res.status()).toBe(200);
    expect(await res.text()).toContain(`id="${decodeURIComponent(href.split('#')[1] ?? '')}"`);
    await page.close();
  });
});

describe('screenshots (reports/inspector/)', () => {
  test('records table, hex view with a highlighted field, and the damage map of a damaged file', async () => {
    const dir = reportsDir();
    const { page, errors } = await inspector(1600, 1250);
    await drop(page, 'hotlog/original-kaizen-rkyv-0.8.16/hot/log.bin');
    await selectField(page, 1, 'payload.root.payload_json.ptr');
    await page.locator('.records-card').screenshot({ path: join(dir, 'records-table.png') });
    await page.locator('.hex-card').screenshot({ path: join(dir, 'hex-field.png') });
    await page.screenshot({ path: join(dir, 'hotlog-page.png'), fullPage: true });
    // A damaged log: the map, and the problems under it.
    await drop(page, 'segment/original-rivven-core-0.0.10/torn_tail');
    await page.click('[data-tab="repair"]');
    await page.click('#repair-run');
    await page.locator('#repair-plan table').waitFor();
    await page.locator('.map-card').screenshot({ path: join(dir, 'damage-map.png') });
    await page.click('[data-tab="problems"]');
    await page.screenshot({ path: join(dir, 'damaged-page.png'), fullPage: true });
    await page.keyboard.press('t');
    await page.screenshot({ path: join(dir, 'damaged-page-dark.png'), fullPage: true });
    for (const f of ['records-table', 'hex-field', 'damage-map']) {
      expect(readFileSync(join(dir, `${f}.png`)).length).toBeGreaterThan(5000);
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
