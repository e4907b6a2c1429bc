import { type BuiltinHandlers, brokenVerbs, loadBuiltinHandlers } from '../builtin/registry.js';
import type { FormatHandler, FormatName, Outcome, Request } from '../protocol/types.js';
import { describeThrown, erroredOutcome, type Hello, type Subject } from './subject.js';

export const IMPLEMENTATION = 'logspec';
export const IMPLEMENTATION_VERSION = '0.1.0';

/** Turns a handler's answer into an outcome, catching what it must not do (throw, answer nonsense). */
export async function runHandler(
  handler: FormatHandler | undefined,
  loadError: string | undefined,
  req: Request,
): Promise<Outcome> {
  if (loadError !== undefined) return erroredOutcome(`handler for ${req.format} failed to load: ${loadError}`);
  if (!handler) return { skipped: { reason: `format ${req.format} is not implemented` } };
  if (!handler.verbs.includes(req.verb)) {
    return { skipped: { reason: `verb ${req.verb} is not implemented for ${req.format}` } };
  }
  try {
    const out = await handler.run(req);
    if (out === null || typeof out !== 'object') return erroredOutcome(`handler answered ${String(out)}`);
    // Outcomes must survive the wire unchanged: in-process answers go through JSON too, so a
    // bigint or undefined that an adapter could not send fails here as well.
    return JSON.parse(JSON.stringify(out)) as Outcome;
  } catch (e) {
    return erroredOutcome(`handler threw: ${describeThrown(e)}`);
  }
}

/** Built-in handlers answered in this process: the fast path, and what vitest runs. */
export class InProcessSubject implements Subject {
  readonly name = 'builtin (in-process)';
  private loaded: BuiltinHandlers | undefined;

  constructor(private readonly load: () => Promise<BuiltinHandlers> = () => loadBuiltinHandlers()) {}

  async start(): Promise<Hello> {
    this.loaded = await this.load();
    const capabilities: Hello['capabilities'] = {};
    for (const [format, h] of this.loaded.handlers) capabilities[format] = [...h.verbs];
    for (const b of this.loaded.broken) capabilities[b.format] = brokenVerbs();
    return { implementation: IMPLEMENTATION, version: IMPLEMENTATION_VERSION, capabilities };
  }

  async run(req: Request, timeoutMs: number): Promise<Outcome> {
    if (!this.loaded) throw new Error('InProcessSubject.run before start');
    const h = this.loaded.handlers.get(req.format as FormatName);
    const loadError = this.loaded.broken.find((b) => b.format === req.format)?.loadError;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Outcome>((resolve) => {
      timer = setTimeout(() => resolve(erroredOutcome(`timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([runHandler(h, loadError, req), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async stop(): Promise<void> {
    this.loaded = undefined;
  }
}
