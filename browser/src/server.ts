import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PageServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  close(): Promise<void>;
}

/**
 * A tiny server on 127.0.0.1: `/<name>.html` loads the bundle `/<name>.js`, and
 * `/golden/<path>` answers `golden(path)`: the very bytes the Node side read (a snapshot, so a
 * golden file rewritten meanwhile cannot make the two sides disagree), nothing from disk.
 */
export async function startPageServer(
  bundles: ReadonlyMap<string, string>,
  golden: (path: string) => Uint8Array | undefined,
): Promise<PageServer> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, type: string, body: string | Uint8Array) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    const page = /^\/([\w-]+)\.(html|js)$/.exec(url.pathname);
    if (page && bundles.has(page[1] as string)) {
      const name = page[1] as string;
      if (page[2] === 'html') {
        send(
          200,
          'text/html',
          `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="/${name}.js"></script>`,
        );
      } else send(200, 'text/javascript', bundles.get(name) as string);
      return;
    }
    const bytes = url.pathname.startsWith('/golden/') ? golden(decodeURIComponent(url.pathname.slice(8))) : undefined;
    if (bytes) {
      send(200, 'application/octet-stream', bytes);
      return;
    }
    send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
