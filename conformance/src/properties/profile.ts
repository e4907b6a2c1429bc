import type { FormatName } from '../protocol/types.js';

/** A byte range `[start, end)` of a unit. */
export type ByteRange = readonly [number, number];

/**
 * What the property cases need to know about one decode `kind` of a format beyond its vectors.
 * Everything is optional: the defaults are the strictest reading of the spec.
 */
export interface KindProfile {
  /**
   * Where a single bit flip cannot be detected by the format (the spec chapter's "corruptions the
   * format cannot detect"): byte ranges of the given unit, or `'all'` for a unit with no
   * redundancy at all. Default: none, i.e. every flip must be answered with an error.
   */
  undetectableFlips?: 'all' | ((unit: Uint8Array) => readonly ByteRange[]);
  /**
   * What a strict prefix of a valid unit decodes to. `'error'` (default): a typed error.
   * `'error-or-different'`: for stream kinds that read a torn tail as a clean stop — a value is
   * allowed but must differ from the whole unit's value (the loss is visible, never silent).
   */
  prefixes?: 'error' | 'error-or-different';
  /**
   * How many bytes at the end of a unit its decoder ignores by design (e.g. trailing whitespace
   * of JSON text, bytes after a postcard struct): a prefix that only cuts into them may decode
   * to the same value. Default 0.
   */
  ignoredTail?: (unit: Uint8Array) => number;
  /**
   * For stream kinds that report damage inside their value (skipped records, a corrupt end)
   * instead of failing: true when a decoded value reports damage. Such a value counts as a
   * detected flip, and as a visibly different prefix.
   */
  reportsDamage?: (value: unknown) => boolean;
  /** False for kinds whose decoded values are not meant to be encoded again (diagnostic views). */
  roundTrip?: boolean;
}

/**
 * `conformance/src/properties/<format>.ts` exports `profile: PropertyProfile`. Samples come
 * from the format's valid decode vectors; `extraSamples` adds units the vectors do not cover.
 */
export interface PropertyProfile {
  format: FormatName;
  kinds: Record<string, KindProfile>;
  extraSamples?: ReadonlyArray<{ kind: string; hex: string; mode?: 'original' | 'strict' }>;
}

export function inRanges(at: number, ranges: readonly ByteRange[]): boolean {
  return ranges.some(([s, e]) => at >= s && at < e);
}
