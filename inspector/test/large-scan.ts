/**
 * A 256 MiB WAL generated with the package's encoder, picked in the page and scanned by the
 * worker, then scrolled across all its rows. Shared by the e2e test (what the page shows) and the
 * long-task benchmark (how long the main thread was busy): one procedure, two judges.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Chromium } from '@logspec/browser-tests/chromium';
import { encodeRecordInto, type WalRecordType } from '@logspec/wal';
import { type StaticServer, scanned } from './harness.js';
import { type MainThreadTask, traceMainThread } from './main-thread-trace.js';

export const LARGE_SIZE = 256 * 1024 * 1024;
const TORN = 5;

/** Writes records of 90–140 bytes until 256 MiB − 5 bytes, then 5 bytes of a torn record; returns the record count. */
export function generateLargeWal(path: string, size = LARGE_SIZE): number {
  const fd = openSync(path, 'w');
  const chunk = new Uint8Array(8 << 20);
  const view = new DataView(chunk.buffer);
  let written = 0;
  let at = 0;
  let records = 0;
  const trace = new Uint8Array(16).fill(7);
  try {
    for (let i = 0; written + at < size - TORN; i++) {
      const meta = i % 7 === 0 ? `{"step":${i},"note":"generated for the long-task test"}` : null;
      const r = {
        recordType: (i % 10) as WalRecordType,
        traceId: trace,
        nodeId: i % 97,
        timestampNs: 1_760_000_000_000_000_000n + BigInt(i) * 1_000_000n,
        outputOffset: BigInt(i),
        outputSize: i % 4096,
        schemaHash: 0xfeedn,
        iteration: i % 3,
        errorMessage: i % 50 === 0 ? 'simulated failure' : null,
        metadata: meta,
      };
      if (at + 256 > chunk.length) {
        writeSync(fd, chunk, 0, at);
        written += at;
        at = 0;
      }
      const end = encodeRecordInto(r, chunk, at, view);
      if (written + end > size - TORN) break;
      at = end;
      records++;
    }
    writeSync(fd, chunk, 0, at);
    written += at;
    // A torn append: the first 5 bytes of a record, and zeros up to the size.
    const tail = new Uint8Array(size - written);
    tail.set([0x45, 0, 0, 0, 0x11].slice(0, tail.length));
    writeSync(fd, tail);
  } finally {
    closeSync(fd);
  }
  return records;
}

export interface LongTask {
  start: number;
  duration: number;
}

export interface LargeScan {
  /** The grid's row count once scanned. */
  rows: number;
  /** States of the damage map's entries. */
  mapStates: string[];
  /** The row shown at the top after scrolling back to 0. */
  topRowAfterScroll: number;
  /** Progress seen while the worker was still scanning. */
  midScan: { state: string | undefined; progress: number };
  pageErrors: string[];
  scanMs: number;
  scrollMs: number;
  /** Main-thread long tasks (> 50 ms) from the pick to the worker's result, and after it. */
  duringScan: LongTask[];
  afterScan: LongTask[];
  /** Every main-thread task from the pick to the worker's result, with its CPU time (Chromium's trace). */
  scanTasks: MainThreadTask[];
}

/** Opens the page, picks `file`, waits for the scan, scrolls the table across all its rows. */
export async function scanAndScroll(chromium: Chromium, server: StaticServer, file: string): Promise<LargeScan> {
  const page = await chromium.context.newPage();
  try {
    await page.setViewportSize({ width: 1440, height: 1000 });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.addInitScript(() => {
      const w = window as unknown as { longTasks: LongTask[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(`${server.origin}/index.html`);
    await page.waitForFunction(() => document.body.dataset.state === 'empty');
    let t0 = 0;
    let midScan = { state: undefined as string | undefined, progress: 0 };
    const scanTasks = await traceMainThread(page, 'logspec-pick', 'logspec-scanned', async () => {
      t0 = await page.evaluate(() => performance.mark('logspec-pick').startTime);
      // Picked through the file input, as "Open files" does: the browser reads the file itself.
      await page.setInputFiles('#pick-files', file);
      // The page answers while the worker scans: the progress bar moves.
      await page.waitForFunction(
        () => Number(document.getElementById('progress')?.getAttribute('aria-valuenow')) > 0,
        undefined,
        { timeout: 60_000 },
      );
      midScan = await page.evaluate(() => ({
        state: document.body.dataset.state,
        progress: Number(document.getElementById('progress')?.getAttribute('aria-valuenow')),
      }));
      if ((await scanned(page, 0, 240_000)) !== 'scanned') throw new Error('the page did not finish the scan');
    });
    const t1 = await page.evaluate(() => performance.now());
    const rows = Number(await page.getAttribute('#records-grid', 'data-rows'));
    const mapStates = await page.$$eval('#map li', (els) => els.map((e) => (e as HTMLElement).dataset.state ?? ''));
    // Scroll: keyboard through the table, then jumps across the whole range, each rendered.
    await page.focus('#records-grid');
    for (let i = 0; i < 20; i++) await page.keyboard.press('PageDown');
    await page.keyboard.press('End');
    for (const p of [0.5, 0.1, 0.9, 0.33, 0.66, 0.999, 0]) {
      await page.evaluate((f) => {
        const vp = document.getElementById('records-grid') as HTMLElement;
        vp.scrollTop = f * (vp.scrollHeight - vp.clientHeight);
      }, p);
      await page.waitForFunction(
        () => {
          const cells = [...document.querySelectorAll('#records-grid .vt-row .c1')];
          return cells.length > 10 && cells.every((c) => c.textContent !== '…');
        },
        undefined,
        { timeout: 30_000 },
      );
    }
    const topRowAfterScroll = await page.$eval('#records-grid .vt-row', (r) =>
      Number((r as HTMLElement).dataset.index),
    );
    const t2 = await page.evaluate(() => performance.now());
    const tasks = await page.evaluate(() => (window as unknown as { longTasks: LongTask[] }).longTasks);
    const done = await page.evaluate(() => performance.getEntriesByName('logspec-scanned')[0]?.startTime ?? 0);
    if (!(done > t0)) throw new Error('the page did not mark logspec-scanned after the pick');
    return {
      rows,
      mapStates,
      topRowAfterScroll,
      midScan,
      pageErrors,
      scanMs: done - t0,
      scrollMs: t2 - t1,
      duringScan: tasks.filter((t) => t.start >= t0 && t.start < done).map((t) => ({ ...t, start: t.start - t0 })),
      afterScan: tasks.filter((t) => t.start >= done).map((t) => ({ ...t, start: t.start - t0 })),
      scanTasks,
    };
  } finally {
    await page.close();
  }
}

/** Count, longest and total of a list of long tasks, rounded to milliseconds. */
export function longTaskStats(list: readonly LongTask[]) {
  return {
    count: list.length,
    max_ms: Math.round(Math.max(0, ...list.map((t) => t.duration))),
    total_ms: Math.round(list.reduce((n, t) => n + t.duration, 0)),
    each: list.map((t) => `${Math.round(t.duration)} ms at +${Math.round(t.start)} ms`),
  };
}
