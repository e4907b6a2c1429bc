/**
 * What the differential properties (cases/differential.ts) need from a format: random recipes in
 * the original implementations' domain, biased to land on, one below and one above every
 * threshold the spec names. Nothing else is per format: the suite replays a recipe through the
 * implementation under test and through the reference and compares every byte and answer.
 */
import type fc from 'fast-check';
import type { FormatName, Op } from '../protocol/types.js';

/** A recipe and what to read once it is written (a path relative to the write directory). */
export interface Recipe {
  ops: Op[];
  read: string;
  /** The recipe's "now" (RFC 3339 with milliseconds); default the reference corpus's. */
  fixedTime?: string;
}

/** Replays ops with the reference in a fresh directory and returns the files (relative path → bytes). */
export type Measure = (ops: readonly Op[]) => Promise<Map<string, Uint8Array>>;

export interface RecipeSize {
  /** `--thorough`: more operations and bigger values. */
  thorough: boolean;
}

export interface DifferentialProfile {
  format: FormatName;
  recipes(size: RecipeSize): fc.Arbitrary<Recipe>;
  /**
   * Turns a generated recipe into the one that is run, where a threshold depends on sizes only a
   * write reveals (a session segment limit set to the exact length of the lines so far, ± 1).
   */
  refine?(recipe: Recipe, measure: Measure): Promise<Recipe>;
  /**
   * Extra damage for the random-file property, beyond the generic truncations, flips, zeroed
   * ranges and stray bytes: e.g. a duplicated JSONL line. Returns the new bytes of one file.
   */
  lineDamage?: boolean;
}

/** Picks from `values` most of the time and from `other` otherwise: how thresholds get hit. */
export function biased<T>(fcLib: typeof fc, values: readonly T[], other: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fcLib.oneof({ weight: 3, arbitrary: fcLib.constantFrom(...values) }, { weight: 1, arbitrary: other });
}
