/** Small helpers the tests of several packages share (one copy instead of one per test file). */
import { isLogspecError } from '../errors.js';

/** What `f` throws, or `undefined` when it returns. */
export function thrownBy(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** The code of the `LogspecError` that `f` throws, or `'ok'` when it returns; any other throw is rethrown. */
export function errorCodeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isLogspecError(e)) return e.code;
    throw e;
  }
  return 'ok';
}

/**
 * One entry of a reference corpus index (`conformance/golden/<format>/original-…/corpus.json`,
 * REFERENCE-README.md): the file the original wrote, its expected answer, and the recipe of
 * operations that wrote it.
 */
export interface ReferenceCorpusEntry<Op = { op: string; [k: string]: unknown }> {
  path: string;
  expect: string;
  kind: 'positive' | 'negative' | 'recovery';
  expect_exit: number;
  description: string;
  recipe: { ops: Op[] };
}
