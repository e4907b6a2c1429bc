/**
 * The page side: the bundle for one target calls `installPage(target)`, and the test then calls
 * `globalThis.logspecRun(paths)`, which fetches those golden files from the test's server and
 * runs the target exactly as the Node side does.
 */
import { type BrowserTarget, runTarget, type TargetResult } from './harness.js';

declare global {
  var logspecRun: ((paths: readonly string[]) => Promise<TargetResult>) | undefined;
}

async function fetchGolden(path: string): Promise<Uint8Array> {
  const res = await fetch(`/golden/${path.split('/').map(encodeURIComponent).join('/')}`);
  if (!res.ok) throw new Error(`GET /golden/${path}: ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

export function installPage(target: BrowserTarget): void {
  globalThis.logspecRun = async (paths) => {
    const files = new Map<string, Uint8Array>();
    for (const p of paths) files.set(p, await fetchGolden(p));
    return runTarget(target, files);
  };
}
