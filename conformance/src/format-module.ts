import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FormatName } from './protocol/types.js';

/**
 * The `name` export of `<dir>/<format>.ts` (a format's property profile, its recipe generators),
 * or undefined when the format has no such file. A file that exists but exports something else
 * for another format is an error, not an absence.
 */
export async function loadFormatExport<T extends { format: FormatName }>(
  dir: string,
  format: FormatName,
  name: string,
): Promise<T | undefined> {
  const file = join(dir, `${format}.ts`);
  if (!existsSync(file)) return undefined;
  const value = ((await import(pathToFileURL(file).href)) as Record<string, T | undefined>)[name];
  if (!value || value.format !== format) throw new Error(`${file} must export \`${name}\` for format ${format}`);
  return value;
}
