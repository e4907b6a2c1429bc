import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { type BuiltinHandlers, brokenVerbs } from '../builtin/registry.js';
import type { FormatName, Request } from '../protocol/types.js';
import { PROTOCOL_VERSION } from '../schemas/protocol.js';
import { IMPLEMENTATION, IMPLEMENTATION_VERSION, runHandler } from '../subjects/in-process.js';

/**
 * Serves the built-in handlers over the adapter protocol: one JSON line in, one JSON line out,
 * strictly in order. Logs go to stderr only; stdout carries nothing but answers.
 */
export async function serveAdapter(
  load: () => Promise<BuiltinHandlers>,
  input: Readable,
  output: Writable,
): Promise<void> {
  const write = (v: unknown) =>
    new Promise<void>((resolve) => {
      if (!output.write(`${JSON.stringify(v)}\n`)) output.once('drain', resolve);
      else resolve();
    });
  let loaded: BuiltinHandlers | undefined;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let msg: { type?: unknown; seq?: unknown; [k: string]: unknown };
    try {
      msg = JSON.parse(line);
    } catch {
      process.stderr.write(`adapter: not JSON: ${line.slice(0, 200)}\n`);
      continue;
    }
    if (msg.type === 'start') {
      loaded = await load();
      const capabilities: Record<string, string[]> = {};
      for (const [format, h] of loaded.handlers) capabilities[format] = [...h.verbs];
      for (const b of loaded.broken) capabilities[b.format] = brokenVerbs();
      await write({
        implementation: IMPLEMENTATION,
        version: IMPLEMENTATION_VERSION,
        protocolVersion: PROTOCOL_VERSION,
        capabilities,
      });
    } else if (msg.type === 'run') {
      const { type: _t, seq, ...req } = msg;
      const r = req as unknown as Request;
      const h = loaded?.handlers.get(r.format as FormatName);
      const loadError = loaded?.broken.find((b) => b.format === r.format)?.loadError;
      const outcome = loaded ? await runHandler(h, loadError, r) : { errored: { message: 'run before start' } };
      await write({ seq, ...outcome });
    } else if (msg.type === 'stop') {
      break;
    }
  }
  lines.close();
}
