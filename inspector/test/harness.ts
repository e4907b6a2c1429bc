import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, relative, sep } from 'node:path';
import type { Page } from 'playwright-core';
import { DEFAULT_OUTDIR, REPO_ROOT } from '../src/build/build.js';

/**
 * The e2e tests' side: a plain static server for the built page (as any static host would
 * serve it) plus the golden files, and helpers that drive the page as a user does — dropping
 * files on it, clicking rows, fields and bytes.
 */

export const GOLDEN = join(REPO_ROOT, 'conformance', 'golden');
export const REPORTS = join(REPO_ROOT, 'reports', 'inspector');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
};

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

/**
 * Serves `root` (the built page) at `/`, the golden tree at `/golden/`, and `extra` paths
 * (a generated big file) by name. Files are streamed, so a gigabyte costs no memory.
 */
export async function startStatic(root = DEFAULT_OUTDIR, extra: Record<string, string> = {}): Promise<StaticServer> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let path = decodeURIComponent(url.pathname);
    if (path.endsWith('/')) path += 'index.html';
    let file: string | undefined;
    const named = extra[path];
    if (named) file = named;
    else if (path.startsWith('/golden/')) file = join(GOLDEN, normalize(path.slice(8)));
    else file = join(root, normalize(path));
    const base = path.startsWith('/golden/') ? GOLDEN : root;
    if (!named && relative(base, file).split(sep)[0] === '..') file = undefined;
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': statSync(file).size,
      'cache-control': 'no-cache',
    });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** Golden files under `conformance/golden/<dir>`, as `{ path (relative to dir), url }`, recursively. */
export function goldenFiles(dir: string): { path: string; url: string }[] {
  const abs = join(GOLDEN, dir);
  const walk = (d: string): string[] =>
    statSync(d).isDirectory()
      ? readdirSync(d)
          .sort()
          .flatMap((n) => walk(join(d, n)))
      : [d];
  return walk(abs).map((f) => ({
    path: relative(statSync(abs).isDirectory() ? abs : join(abs, '..'), f)
      .split(sep)
      .join('/'),
    url: `/golden/${relative(GOLDEN, f).split(sep).join('/')}`,
  }));
}

/**
 * Drops files on the page as a drag from the desktop does: the page fetches them from the
 * server into `File`s, puts them in a `DataTransfer` and dispatches `drop` on the document.
 * Files dropped this way carry bare names (no folder), as loose files do.
 */
export async function dropFiles(page: Page, files: { path: string; url: string }[]): Promise<void> {
  await page.evaluate(async (list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const blob = await (await fetch(f.url)).blob();
      dt.items.add(new File([blob], f.path.split('/').pop() as string));
    }
    document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, files);
}

/** Waits until a scan has finished (or failed); returns the page's state. */
export async function scanned(page: Page, since = 0, timeout = 120_000): Promise<string> {
  await page.waitForFunction(
    (t) =>
      document.body.dataset.state === 'failed' ||
      // Scanned, and the problem list (which loads the spec's rule index) drawn.
      (Number(document.body.dataset.scanned ?? 0) > t && document.querySelector('#problems > *') !== null),
    since,
    { timeout, polling: 50 },
  );
  return page.evaluate(() => document.body.dataset.state ?? '');
}

export function reportsDir(): string {
  mkdirSync(REPORTS, { recursive: true });
  return REPORTS;
}

export function readGolden(path: string): Uint8Array {
  return new Uint8Array(readFileSync(join(GOLDEN, path)));
}
