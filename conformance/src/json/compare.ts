import type { Vocabulary } from '../cases/case.js';
import type { FormatName } from '../protocol/types.js';
import { loadRegistry } from '../spec/registry.js';

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

/**
 * `v` with every `<dir>/` taken out of its strings: answers may name the path they were given
 * (the original embeds it in messages), and the runner's temporary directory is not part of the
 * answer — the golden readings were taken with paths relative to their corpus directory.
 */
export function withoutDir<T>(v: T, dir: string): T {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const strip = (x: unknown): unknown => {
    if (typeof x === 'string') return x.includes(prefix) ? x.split(prefix).join('') : x;
    if (Array.isArray(x)) return x.map(strip);
    if (x !== null && typeof x === 'object') {
      return Object.fromEntries(Object.entries(x as Record<string, unknown>).map(([k, y]) => [k, strip(y)]));
    }
    return x;
  };
  return strip(v) as T;
}

export function jsonEqual(expected: unknown, actual: unknown): boolean {
  return firstDifference(expected, actual) === null;
}

/** A number, or a u64/i64 carried as a decimal string: the extras that identify an error. */
export function isNumericExtra(v: unknown): boolean {
  return (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && /^-?[0-9]+$/.test(v));
}

const NOT_EXTRAS = new Set(['code', 'error', 'message']);
const LOGSPEC_CODE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/;

export interface ErrorJudgement {
  /** null when the answer agrees with the expectation. */
  difference: string | null;
  /** The vocabulary the answer's code is in. */
  vocabulary: Vocabulary;
}

/**
 * Compares an error answer with an expected error (spec/conformance.md § 4, CONF-R-006/-008).
 * The code may be given in either vocabulary: a logspec code where the original's kind is
 * expected, or the reverse, is accepted when the chapter's table of original error kinds maps the
 * one to the other unambiguously (and the kind's narrowing fields, e.g. `postcard`, agree). Every
 * numeric extra of the expectation (numbers or decimal strings, e.g. `count`, `max`, `position`,
 * `offset`; a number and its decimal string are equal) must be present with the same value —
 * except logspec's positions when the answer is in the original's vocabulary, which has none.
 */
export function judgeError(
  format: FormatName,
  expectedCode: string,
  expectedExtras: Record<string, unknown>,
  actual: { code?: unknown; [k: string]: unknown },
): ErrorJudgement {
  const got = typeof actual.code === 'string' ? actual.code : '';
  const vocabulary: Vocabulary = LOGSPEC_CODE.test(got) ? 'logspec' : 'original';
  const fail = (difference: string): ErrorJudgement => ({ difference, vocabulary });
  let translatedToOriginal = false;
  if (got !== expectedCode) {
    const reg = loadRegistry();
    const wantLogspec = LOGSPEC_CODE.test(expectedCode);
    const mapped = wantLogspec ? reg.kindOfCode(format, expectedCode) : reg.kindOfCode(format, got);
    const kind = wantLogspec ? got : expectedCode;
    const fields = (wantLogspec ? actual : expectedExtras) as Record<string, unknown>;
    if (wantLogspec === (vocabulary === 'logspec') || mapped === undefined || mapped.kind !== kind) {
      return fail(`error code: expected ${expectedCode}, got ${show(actual.code)}${mappingNote(format, expectedCode)}`);
    }
    for (const [field, value] of Object.entries(mapped.when)) {
      if (fields[field] !== value) {
        return fail(
          `error ${kind} stands for ${wantLogspec ? expectedCode : got} only with ${field} = ${value}, got ${show(fields[field])}`,
        );
      }
    }
    translatedToOriginal = wantLogspec;
  }
  for (const [k, v] of Object.entries(expectedExtras)) {
    if (NOT_EXTRAS.has(k) || !isNumericExtra(v)) continue;
    const g = actual[k];
    if (translatedToOriginal && g === undefined) continue;
    if (!isNumericExtra(g) || String(g) !== String(v)) {
      return fail(`error field ${k}: expected ${show(v)}, got ${show(g)}`);
    }
  }
  return { difference: null, vocabulary };
}

function mappingNote(format: FormatName, expectedCode: string): string {
  if (!LOGSPEC_CODE.test(expectedCode)) return '';
  const k = loadRegistry().kindOfCode(format, expectedCode);
  return k ? ` (the original's kind for it: ${k.kind})` : '';
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
