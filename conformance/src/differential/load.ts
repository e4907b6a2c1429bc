import { loadFormatExport } from '../format-module.js';
import { DIFFERENTIAL_DIR } from '../paths.js';
import type { FormatName } from '../protocol/types.js';
import type { DifferentialProfile } from './profile.js';

/** The format's recipe generators, if `conformance/src/differential/<format>.ts` exists. */
export function loadDifferentialProfile(
  format: FormatName,
  dir = DIFFERENTIAL_DIR,
): Promise<DifferentialProfile | undefined> {
  return loadFormatExport<DifferentialProfile>(dir, format, 'differential');
}
