import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIFFERENTIAL_DIR } from '../paths.js';
import type { FormatName } from '../protocol/types.js';
import type { DifferentialProfile } from './profile.js';

/** The format's recipe generators, if `conformance/src/differential/<format>.ts` exists. */
export async function loadDifferentialProfile(
  format: FormatName,
  dir = DIFFERENTIAL_DIR,
): Promise<DifferentialProfile | undefined> {
  const file = join(dir, `${format}.ts`);
  if (!existsSync(file)) return undefined;
  const mod = (await import(pathToFileURL(file).href)) as { differential?: DifferentialProfile };
  if (!mod.differential || mod.differential.format !== format) {
    throw new Error(`${file} must export \`differential: DifferentialProfile\` for format ${format}`);
  }
  return mod.differential;
}
