import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { filesFor, inspectorDir, serveInspector } from '../src/web.js';
import { cleanup, GOLDEN, tempDir } from './helpers.js';

afterAll(cleanup);

describe('logspec inspect --web: what is served', () => {
  it('a directory: every regular file under it, with its folder, never through a symlink', () => {
    const d = tempDir();
    const store = join(d, 'store');
    mkdirSync(join(store, 'segments'), { recursive: true });
    writeFileSync(join(store, 'segments', '1.seg'), 'x');
    writeFileSync(join(d, 'secret'), 'outside');
    symlinkSync(join(d, 'secret'), join(store, 'link'));
    const files = filesFor({ adapter: { name: 'session' }, path: store, reason: '' });
    expect(files.map((f) => f.path)).toEqual(['store/segments/1.seg']);
  });

  it("a segment's .index: the segment's .log and .index; a hot log: under hot/", () => {
    const seg = join(GOLDEN, 'segment/logspec-0.1.0/partition_two/00000000000000000011.index');
    expect(filesFor({ adapter: { name: 'segment' }, path: seg, reason: '' }).map((f) => f.path)).toEqual([
      '00000000000000000011.log',
      '00000000000000000011.index',
    ]);
    const hot = join(GOLDEN, 'hotlog/original-kaizen-rkyv-0.8.16/hot/log.bin');
    expect(filesFor({ adapter: { name: 'hotlog' }, path: hot, reason: '' }).map((f) => f.path)).toEqual([
      'hot/log.bin',
    ]);
  });

  it('finds the page by LOGSPEC_INSPECTOR_DIR only when it holds a built page', () => {
    const d = tempDir();
    expect(inspectorDir({ LOGSPEC_INSPECTOR_DIR: d })).not.toBe(d);
    writeFileSync(join(d, 'index.html'), '<!doctype html>');
    writeFileSync(join(d, 'worker.js'), '');
    expect(inspectorDir({ LOGSPEC_INSPECTOR_DIR: d })).toBe(d);
  });

  it('serves the page, the manifest and the listed files, read-only, and nothing outside', async () => {
    const page = tempDir();
    writeFileSync(join(page, 'index.html'), '<!doctype html><title>page</title>');
    const data = join(tempDir(), 'wal_0000000000000001.log');
    writeFileSync(data, 'abc');
    const server = await serveInspector(page, [{ path: 'wal_0000000000000001.log', file: data, size: 3 }], 0);
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await (await fetch(`${origin}/`)).text()).toContain('<title>page</title>');
      expect(await (await fetch(`${origin}/preload/manifest.json`)).json()).toEqual({
        files: [{ path: 'wal_0000000000000001.log', size: 3, url: 'preload/files/0' }],
      });
      expect(await (await fetch(`${origin}/preload/files/0`)).text()).toBe('abc');
      expect((await fetch(`${origin}/preload/files/1`)).status).toBe(404);
      expect((await fetch(`${origin}/%2e%2e/%2e%2e/etc/passwd`)).status).toBe(404);
      expect((await fetch(`${origin}/`, { method: 'PUT', body: 'x' })).status).toBe(405);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });
});
