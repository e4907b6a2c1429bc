import { SessCode, SessionError } from '../errors.js';

/**
 * A JSON writer that prints what serde_json prints (compact `to_vec`/`to_string`, and
 * `to_vec_pretty` with two-space indent), so hashes and CRCs over written bytes match the
 * original. Rules (spec/session.md §JSON):
 * - keys in insertion order (serde_json `preserve_order`); a `Map` keeps any key order,
 *   a plain object has JavaScript's key order (integer-like keys first);
 * - strings escape only `"`, `\` and U+0000–U+001F (`\b \t \n \f \r`, else `\u00xx`
 *   lower-case); `/`, U+007F and non-ASCII are written as they are;
 * - integers exactly (`number` safe integers, `bigint` up to u64/i64), floats as ryu's
 *   shortest round-trip form (`1.0`, `0.1`, `1e21`, `1e-7`, `1.5e300`), non-finite as `null`.
 */

/** JSON text written verbatim (serde_json's `RawValue`). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** A number that is printed as a float even when it is integral (`1.0`), as serde's f64. */
export class JsonF64 {
  constructor(readonly value: number) {}
}

export type JsonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | RawJson
  | JsonF64
  | JsonValue[]
  | Map<string, JsonValue>
  | { [key: string]: JsonValue | undefined };

const I64_MIN = -(1n << 63n);
const U64_MAX = (1n << 64n) - 1n;

function badValue(message: string): SessionError {
  return new SessionError(SessCode.INVALID_ARGUMENT, 'session', message);
}

/** ryu's `format64` as serde_json calls it for finite f64 values. */
export function formatF64(x: number): string {
  if (!Number.isFinite(x)) return 'null';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without digits gives the shortest digits that round-trip, like ryu.
  const e = Math.abs(x).toExponential();
  const ePos = e.indexOf('e');
  const digits = e.slice(0, ePos).replace('.', '');
  const sci = Number(e.slice(ePos + 1));
  const length = digits.length;
  const k = sci - (length - 1);
  const kk = length + k;
  if (k >= 0 && kk <= 16) return `${sign}${digits}${'0'.repeat(k)}.0`;
  if (kk > 0 && kk <= 16) return `${sign}${digits.slice(0, kk)}.${digits.slice(kk)}`;
  if (kk > -5 && kk <= 0) return `${sign}0.${'0'.repeat(-kk)}${digits}`;
  if (length === 1) return `${sign}${digits}e${kk - 1}`;
  return `${sign}${digits[0]}.${digits.slice(1)}e${kk - 1}`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: serde_json escapes exactly these characters.
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;
const SURROGATE = /[\uD800-\uDFFF]/;
const SHORT_ESCAPES: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };

/** True when every surrogate in `s` is part of a pair (the string has a UTF-8 form). */
export function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff) return false;
    const d = s.charCodeAt(i + 1);
    if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
    i++;
  }
  return true;
}

/** serde_json's string form: `"` + escaped text + `"`. */
export function quoteJsonString(s: string): string {
  // Short strings (ids, timestamps, keys): one loop instead of two regular expressions.
  if (s.length <= 32) {
    let i = 0;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) break;
    }
    if (i === s.length) return `"${s}"`;
  }
  if (SURROGATE.test(s) && !isWellFormed(s)) {
    throw badValue('string contains a lone surrogate (not representable in UTF-8)');
  }
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c === 0x22) esc = '\\"';
    else if (c === 0x5c) esc = '\\\\';
    else if (c < 0x20) esc = SHORT_ESCAPES[c] ?? `\\u00${c.toString(16).padStart(2, '0')}`;
    if (esc !== undefined) {
      out += s.slice(from, i) + esc;
      from = i + 1;
    }
  }
  return `${out + s.slice(from)}"`;
}

function formatNumber(n: number): string {
  if (Number.isSafeInteger(n) && !Object.is(n, -0)) return String(n);
  return formatF64(n);
}

function formatBigInt(n: bigint): string {
  if (n < I64_MIN || n > U64_MAX) throw badValue(`integer ${n} is outside i64/u64 (serde_json cannot hold it)`);
  return n.toString();
}

export interface WriteJsonOptions {
  /** serde_json's pretty printer (two-space indent, `": "`), as `to_vec_pretty`. */
  pretty?: boolean;
}

/** Serializes `value` as serde_json would print the equivalent `serde_json::Value`. */
export function writeJson(value: JsonValue, opts: WriteJsonOptions = {}): string {
  return opts.pretty ? writePretty(value, '') : writeCompact(value, 0);
}

// What the last compact serialization met: its deepest container nesting, and any `RawJson`.
let deepest = 0;
let sawRaw = false;

/**
 * `writeJson(value)` (compact), and whether the text is, by construction, one JSON value that a
 * payload check accepts (valid UTF-8, no raw line feed, at most `maxDepth` levels of
 * containers): true unless a `RawJson` (the caller's text) is inside or it nests deeper.
 */
export function writeJsonCompact(value: JsonValue, maxDepth: number): { text: string; wellFormed: boolean } {
  deepest = 0;
  sawRaw = false;
  const text = writeCompact(value, 0);
  return { text, wellFormed: !sawRaw && deepest <= maxDepth };
}

function isPlainObject(v: object): v is { [key: string]: JsonValue | undefined } {
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

function scalar(value: JsonValue | undefined): string | undefined {
  switch (typeof value) {
    case 'string':
      return quoteJsonString(value);
    case 'number':
      return formatNumber(value);
    case 'bigint':
      return formatBigInt(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (value instanceof RawJson) {
        sawRaw = true;
        return value.text;
      }
      if (value instanceof JsonF64) return formatF64(value.value);
      return undefined;
    default:
      throw badValue(`cannot serialize a value of type ${typeof value}`);
  }
}

function entriesOf(v: object): Iterable<[string, JsonValue | undefined]> {
  if (v instanceof Map) return v as Map<string, JsonValue>;
  if (isPlainObject(v)) return Object.entries(v);
  throw badValue(`cannot serialize an object of class ${v.constructor?.name ?? 'unknown'}`);
}

function writeCompact(value: JsonValue | undefined, depth: number): string {
  const s = scalar(value);
  if (s !== undefined) return s;
  const v = value as object;
  if (++depth > deepest) deepest = depth;
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out += ',';
      const item = v[i] as JsonValue | undefined;
      out += item === undefined ? 'null' : writeCompact(item, depth);
    }
    return `${out}]`;
  }
  let out = '{';
  let first = true;
  for (const [k, item] of entriesOf(v)) {
    if (item === undefined) continue;
    if (typeof k !== 'string') throw badValue('object keys must be strings');
    out += `${first ? '' : ','}${quoteJsonString(k)}:${writeCompact(item, depth)}`;
    first = false;
  }
  return `${out}}`;
}

function writePretty(value: JsonValue | undefined, indent: string): string {
  const s = scalar(value);
  if (s !== undefined) return s;
  const v = value as object;
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    let out = '[';
    for (let i = 0; i < v.length; i++) {
      const item = v[i] as JsonValue | undefined;
      out += `${i > 0 ? ',' : ''}\n${inner}${item === undefined ? 'null' : writePretty(item, inner)}`;
    }
    return `${out}\n${indent}]`;
  }
  let out = '{';
  let first = true;
  for (const [k, item] of entriesOf(v)) {
    if (item === undefined) continue;
    if (typeof k !== 'string') throw badValue('object keys must be strings');
    out += `${first ? '' : ','}\n${inner}${quoteJsonString(k)}: ${writePretty(item, inner)}`;
    first = false;
  }
  return first ? '{}' : `${out}\n${indent}}`;
}
