import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUILTIN_FORMATS_DIR } from '../paths.js';
import { FORMATS, type FormatHandler, type FormatName, type Verb } from '../protocol/types.js';

const ALL_VERBS: readonly Verb[] = ['read', 'write', 'decode', 'encode'];

/** A handler file that exists but cannot be loaded is kept as a failure, not dropped: it must not look unimplemented-and-fine. */
export interface BrokenHandler {
  readonly format: FormatName;
  readonly loadError: string;
}

export interface BuiltinHandlers {
  handlers: Map<FormatName, FormatHandler>;
  broken: BrokenHandler[];
}

/** The formats that have a handler file in `conformance/src/builtin/formats/` right now. */
export function listBuiltinFormats(dir = BUILTIN_FORMATS_DIR): FormatName[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const found = new Set(
    names
      .filter((n) => n.endsWith('.ts') && !n.endsWith('.d.ts') && !n.endsWith('.test.ts'))
      .map((n) => n.slice(0, -3)),
  );
  return FORMATS.filter((f) => found.has(f));
}

/** Loads every built-in handler (contract 1 of BRIEF.md: `export const handler: FormatHandler`). */
export async function loadBuiltinHandlers(dir = BUILTIN_FORMATS_DIR): Promise<BuiltinHandlers> {
  const handlers = new Map<FormatName, FormatHandler>();
  const broken: BrokenHandler[] = [];
  for (const format of listBuiltinFormats(dir)) {
    try {
      const mod = (await import(pathToFileURL(join(dir, `${format}.ts`)).href)) as { handler?: FormatHandler };
      const h = mod.handler;
      if (!h || typeof h.run !== 'function' || !Array.isArray(h.verbs)) {
        throw new Error(`${format}.ts does not export \`handler: FormatHandler\``);
      }
      if (h.format !== format) throw new Error(`${format}.ts exports a handler for format ${String(h.format)}`);
      handlers.set(format, h);
    } catch (e) {
      broken.push({ format, loadError: e instanceof Error ? e.message : String(e) });
    }
  }
  return { handlers, broken };
}

export function brokenVerbs(): Verb[] {
  return [...ALL_VERBS];
}
