/** Small helpers the tests of several packages share (one copy instead of one per test file). */

/** What `f` throws, or `undefined` when it returns. */
export function thrownBy(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
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
