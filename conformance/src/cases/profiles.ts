/**
 * Which profile a case belongs to (spec/conformance.md § 1.1). A case is `logspec` when it checks
 * any rule that is logspec's own: a requirement the chapter marks (logspec), an error code only
 * logspec reports (the registry's origin), or a `strict` decode; otherwise it is `original`, and a
 * faithful implementation of the original formats must pass it.
 */
import type { VectorTest } from '../schemas/vectors.js';
import { loadRegistry } from '../spec/registry.js';
import type { Case, SuiteProfile } from './case.js';

/** `original` only when every cited requirement is marked (original); CONF-* IDs are neutral. */
export function requirementsProfile(requirements: readonly string[]): SuiteProfile {
  const reg = loadRegistry();
  return requirements.some((id) => !id.startsWith('CONF-') && reg.requirementOrigin(id) !== 'original')
    ? 'logspec'
    : 'original';
}

export function vectorProfile(t: VectorTest): SuiteProfile {
  if (t.profile !== undefined) return t.profile;
  if (t.input.mode === 'strict') return 'logspec';
  if (t.expectedError !== undefined && loadRegistry().codeOrigin(t.expectedError) === 'logspec') return 'logspec';
  return requirementsProfile(t.requirements);
}

/** The cases a `--profile` selects: `original` its own, `logspec` every case. */
export function inProfile(c: Pick<Case, 'profile'>, profile: SuiteProfile | undefined): boolean {
  return profile === undefined || profile === 'logspec' || c.profile === 'original';
}
