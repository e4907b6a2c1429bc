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
