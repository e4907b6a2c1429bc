import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The conformance package directory, found from this file so the suite runs from any cwd. */
export const CONFORMANCE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = resolve(CONFORMANCE_DIR, '..');
export const GOLDEN_DIR = join(CONFORMANCE_DIR, 'golden');
export const VECTORS_DIR = join(CONFORMANCE_DIR, 'vectors');
export const BUILTIN_FORMATS_DIR = join(CONFORMANCE_DIR, 'src', 'builtin', 'formats');
export const PROPERTY_PROFILES_DIR = join(CONFORMANCE_DIR, 'src', 'properties');
export const DIFFERENTIAL_DIR = join(CONFORMANCE_DIR, 'src', 'differential');
export const SPEC_DIR = join(REPO_ROOT, 'spec');
export const ADAPTER_MAIN = join(CONFORMANCE_DIR, 'src', 'adapter', 'main.ts');
export const DEFAULT_REPORT = join(REPO_ROOT, 'reports', 'conformance.json');
