/**
 * Comparison of answers with expectations. Values are compared as parsed JSON (key order is
 * irrelevant, every value and array position is not); errors by code plus numeric extras, because
 * messages mirror another implementation's Display text and are informational only.
 */

/** The first place where `actual` differs from `expected`, as a JSON path and both values; null if equal. */
export function firstDifference(expected: unknown, actual: unknown, path = '$'): string | null {
  if (expected === actual) return null;
  if (typeof expected !== typeof actual || expected === null || actual === null) {
    return `${path}: expected ${show(expected)}, got ${show(actual)}`;
  }
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual)) {
      return `${path}: expected ${show(expected)}, got ${show(actual)}`;
    }
    const n = Math.min(expected.length, actual.length);
    for (let i = 0; i < n; i++) {
      const d = firstDifference(expected[i], actual[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    if (expected.length !== actual.length) {
      return `${path}: expected ${expected.length} items, got ${actual.length}`;
    }
    return null;
  }
  if (typeof expected === 'object') {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    for (const k of Object.keys(e)) {
      if (!(k in a)) return `${path}.${k}: missing (expected ${show(e[k])})`;
      const d = firstDifference(e[k], a[k], `${path}.${k}`);
      if (d !== null) return d;
    }
    for (const k of Object.keys(a)) {
      if (!(k in e)) return `${path}.${k}: unexpected key (value ${show(a[k])})`;
    }
    return null;
  }
  return `${path}: expected ${show(expected)}, got ${show(actual)}`;
}

export function jsonEqual(expected: unknown, actual: unknown): boolean {
  return firstDifference(expected, actual) === null;
}

/** A number, or a u64/i64 carried as a decimal string: the extras that identify an error. */
export function isNumericExtra(v: unknown): boolean {
  return (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && /^-?[0-9]+$/.test(v));
}

const NOT_EXTRAS = new Set(['code', 'error', 'message']);

/**
 * Compares an error answer with an expected error: same code, and every numeric extra field of the
 * expectation (numbers or decimal strings, e.g. `count`, `max`, `position`) present with the same
 * value (a number and its decimal string count as equal). Returns null when they agree.
 */
export function errorDifference(
  expectedCode: string,
  expectedExtras: Record<string, unknown>,
  actual: { code?: unknown; [k: string]: unknown },
): string | null {
  if (actual.code !== expectedCode) return `error code: expected ${expectedCode}, got ${show(actual.code)}`;
  for (const [k, v] of Object.entries(expectedExtras)) {
    if (NOT_EXTRAS.has(k) || !isNumericExtra(v)) continue;
    const got = actual[k];
    if (!isNumericExtra(got) || String(got) !== String(v)) {
      return `error field ${k}: expected ${show(v)}, got ${show(got)}`;
    }
  }
  return null;
}

export function show(v: unknown, max = 160): string {
  let s: string;
  try {
    s =
      v === undefined
        ? 'undefined'
        : JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? `hex:${hexOf(x)}` : x));
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s;
}

function hexOf(b: Uint8Array): string {
  let h = '';
  for (const x of b) h += x.toString(16).padStart(2, '0');
  return h;
}
