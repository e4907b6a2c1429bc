import { loadFormatExport } from '../format-module.js';
import { PROPERTY_PROFILES_DIR } from '../paths.js';
import type { FormatName } from '../protocol/types.js';
import type { PropertyProfile } from './profile.js';

/** The format's property profile, if `conformance/src/properties/<format>.ts` exists. */
export function loadPropertyProfile(
  format: FormatName,
  dir = PROPERTY_PROFILES_DIR,
): Promise<PropertyProfile | undefined> {
  return loadFormatExport<PropertyProfile>(dir, format, 'profile');
}
