import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROPERTY_PROFILES_DIR } from '../paths.js';
import type { FormatName } from '../protocol/types.js';
import type { PropertyProfile } from './profile.js';

/** The format's property profile, if `conformance/src/properties/<format>.ts` exists. */
export async function loadPropertyProfile(
  format: FormatName,
  dir = PROPERTY_PROFILES_DIR,
): Promise<PropertyProfile | undefined> {
  const file = join(dir, `${format}.ts`);
  if (!existsSync(file)) return undefined;
  const mod = (await import(pathToFileURL(file).href)) as { profile?: PropertyProfile };
  if (!mod.profile || mod.profile.format !== format) {
    throw new Error(`${file} must export \`profile: PropertyProfile\` for format ${format}`);
  }
  return mod.profile;
}
