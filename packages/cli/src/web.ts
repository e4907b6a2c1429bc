import { createReadStream, existsSync, lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { segmentLogPath } from '@logspec/detect';
import { CliCode, Exit, UsageError } from './errors.js';
import type { Ctx } from './formats/types.js';

/**
 * `logspec inspect --web <path>`: serves the browser inspector (the static page built from
 * `inspector/`) on 127.0.0.1 with the path's files preloaded, and prints the address. The page
 * fetches `preload/manifest.json` and the files it lists, then scans them in the browser as if
 * they had been dropped on it. Read-only: the server answers GET for the page and those files,
 * nothing else, and runs until Ctrl-C.
 */

export interface WebTarget {
  adapter: { name: string };
  path: string;
  reason: string;
}

/** Where the built page is: `LOGSPEC_INSPECTOR_DIR`, the published package's `web/`, or the repository's build. */
export function inspectorDir(env: Record<string, string | undefined>): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    env.LOGSPEC_INSPECTOR_DIR,
    join(here, '..', 'web'),
    join(here, '..', '..', '..', 'inspector', 'dist'),
  ].filter((d): d is string => typeof d === 'string' && d.length > 0);
  return candidates.find((d) => existsSync(join(d, 'index.html')) && existsSync(join(d, 'worker.js'))) ?? null;
}

interface Served {
  /** Path the page sees (its folder layout kept, so detection works as on disk). */
  path: string;
  file: string;
  size: number;
}

/** Regular files under `dir`, never following a symlink (a link out of the store is not served). */
function filesUnder(dir: string, rel: string, out: Served[], limit: number): void {
  for (const name of readdirSync(dir).sort()) {
    const abs = join(dir, name);
    const st = lstatSync(abs);
    const r = rel ? `${rel}/${name}` : name;
    if (st.isDirectory()) filesUnder(abs, r, out, limit);
    else if (st.isFile()) {
      if (out.length >= limit)
        throw new UsageError(
          CliCode.USAGE,
          `more than ${limit} files under ${dir}`,
          'pass the store itself, not a folder above it',
        );
      out.push({ path: r, file: abs, size: st.size });
    }
  }
}

/** The files the page needs for the detected target, with the paths it should see. */
export function filesFor(t: WebTarget): Served[] {
  const path = resolve(t.path);
  const st = lstatSync(path);
  const out: Served[] = [];
  if (st.isDirectory()) {
    filesUnder(path, basename(path), out, 100_000);
    return out;
  }
  const file = (p: string, as: string) => {
    const s = statSync(p);
    if (s.isFile()) out.push({ path: as, file: p, size: s.size });
  };
  if (t.adapter.name === 'hotlog' || t.adapter.name === 'hotframe') {
    // The page knows a hot log by its layout as well as by its magic.
    file(path, basename(path) === 'log.bin' ? 'hot/log.bin' : basename(path));
  } else if (t.adapter.name === 'segment') {
    const log = segmentLogPath(path);
    for (const ext of ['log', 'index', 'timeindex']) {
      const p = log.replace(/\.log$/, `.${ext}`);
      if (existsSync(p)) file(p, basename(p));
    }
  } else file(path, basename(path));
  return out;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
};

/** Starts the server; resolves with it once it listens. */
export async function serveInspector(root: string, files: Served[], port: number): Promise<Server> {
  const pageRoot = realpathSync(root);
  const manifest = JSON.stringify({
    files: files.map((f, i) => ({ path: f.path, size: f.size, url: `preload/files/${i}` })),
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'read-only');
    const p = decodeURIComponent(url.pathname);
    if (p === '/preload/manifest.json') return send(200, 'application/json', manifest);
    const m = /^\/preload\/files\/(\d+)$/.exec(p);
    if (m) {
      const f = files[Number(m[1])];
      if (!f) return send(404, 'text/plain', 'not found');
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': f.size,
        'cache-control': 'no-store',
      });
      createReadStream(f.file).pipe(res);
      return;
    }
    const file = resolve(pageRoot, `.${p.endsWith('/') ? `${p}index.html` : p}`);
    if (relative(pageRoot, file).split(sep)[0] === '..' || !existsSync(file) || !statSync(file).isFile()) {
      return send(404, 'text/plain', 'not found');
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
    });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  return server;
}

export async function runInspectWeb(
  t: WebTarget,
  ctx: Ctx,
  values: Record<string, string | boolean | undefined>,
): Promise<number> {
  const root = inspectorDir(ctx.io.env);
  if (!root) {
    throw new UsageError(
      CliCode.UNSUPPORTED,
      'the browser inspector is not built',
      "run 'pnpm --filter @logspec/inspector build' (or set LOGSPEC_INSPECTOR_DIR to a built inspector)",
    );
  }
  const portArg = values.port;
  const port = typeof portArg === 'string' ? Number(portArg) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(
      CliCode.USAGE,
      `--port must be 0 … 65535, got '${String(portArg)}'`,
      "run 'logspec inspect --help'",
    );
  }
  const files = filesFor(t);
  const server = await serveInspector(root, files, port);
  const { port: bound } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${bound}/?preload=1`;
  const bytes = files.reduce((n, f) => n + f.size, 0);
  ctx.io.stdout(
    `logspec inspector: ${url}\n  ${t.adapter.name} (${t.reason}), ${files.length} file${files.length === 1 ? '' : 's'}, ${bytes} bytes, served read-only on 127.0.0.1\n  open the address in a browser; Ctrl-C stops the server\n`,
  );
  await new Promise<void>((ok) => {
    const off = ctx.io.onInterrupt(() => {
      off();
      ok();
    });
  });
  await new Promise<void>((ok) => {
    server.closeAllConnections();
    server.close(() => ok());
  });
  return Exit.OK;
}
