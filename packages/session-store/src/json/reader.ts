import { jsonError, SessCode } from '../errors.js';
import { type U64, U64_MAX, u64FromBigInt } from '../u64.js';
import { JsonF64, type JsonValue } from './writer.js';

/**
 * A JSON reader that accepts and rejects exactly what serde_json 1.x does, over bytes:
 * the same grammar, the 128-level recursion limit, strict escapes, no control characters in
 * strings, surrogate pairing for decoded strings, and serde's number rules (`-0` and
 * anything with `.`/`e` are floats, integers beyond u64 become floats). Two modes, as the
 * original reads through two serde_json front ends:
 * - `str` (`from_str`): the caller has already checked that the whole input is UTF-8;
 * - `slice` (`from_slice`): UTF-8 is checked where serde checks it — decoded strings, keys
 *   and raw values — and not inside skipped (unknown-field) values.
 */

const HEX_VAL = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX_VAL[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_VAL[0x41 + i] = 10 + i;
  HEX_VAL[0x61 + i] = 10 + i;
}

const POW10: number[] = Array.from({ length: 309 }, (_, i) => Number(`1e${i}`));

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes `b[start, end)`; `validate` makes invalid UTF-8 throw instead of mapping to U+FFFD. */
function decodeUtf8(b: Uint8Array, start: number, end: number): string | undefined {
  let ascii = true;
  for (let i = start; i < end; i++) {
    if ((b[i] as number) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii && end - start < 64) {
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(b[i] as number);
    return s;
  }
  try {
    return fatalDecoder.decode(b.subarray(start, end));
  } catch {
    return undefined;
  }
}

/** True when `b[start, end)` is valid UTF-8 (Rust's `str::from_utf8`). */
export function isValidUtf8(b: Uint8Array, start = 0, end = b.length): boolean {
  let i = start;
  while (i < end) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    let cp: number;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      min = 0x80;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      min = 0x800;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      min = 0x10000;
      cp = c & 0x07;
    } else return false;
    if (i + n >= end) return false;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k] as number;
      if ((d & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

/** A parsed number with serde_json's classification. */
export type ParsedNumber =
  | { kind: 'u64'; value: U64 }
  | { kind: 'i64'; value: number | bigint }
  | { kind: 'f64'; value: number };

export type FieldKind = 'str' | 'u64' | 'u8' | 'bool' | 'raw' | StructSpec;

export interface FieldSpec {
  /** The JSON key (serde's renamed field name). */
  readonly key: string;
  readonly kind: FieldKind;
  /** `Option<T>`: `null` or a missing key reads as `undefined`. */
  readonly optional?: boolean;
}

/** A Rust struct as serde derive reads it: a JSON object (any key order) or a JSON array (field order). */
export interface StructSpec {
  /** The Rust type name, for messages. */
  readonly name: string;
  readonly fields: readonly FieldSpec[];
}

/** A raw JSON value's byte range (`Box<RawValue>`). */
export interface RawRange {
  start: number;
  end: number;
}

export type FieldValue = string | U64 | number | boolean | RawRange | FieldValue[] | undefined;

interface CompiledSpec {
  spec: StructSpec;
  keys: Uint8Array[];
}
const compiled = new WeakMap<StructSpec, CompiledSpec>();
const utf8 = new TextEncoder();
function compile(spec: StructSpec): CompiledSpec {
  let c = compiled.get(spec);
  if (!c) {
    c = { spec, keys: spec.fields.map((f) => utf8.encode(f.key)) };
    compiled.set(spec, c);
  }
  return c;
}

export class JsonReader {
  pos: number;
  /** serde_json's `remaining_depth` (128 at the top of a document). */
  private depth: number;

  constructor(
    readonly buf: Uint8Array,
    readonly start: number,
    readonly end: number,
    /** `slice` mode: check UTF-8 where serde_json's SliceRead does. */
    readonly checkUtf8: boolean,
    /** Containers already open around this text (1 for a frame's payload). */
    enclosingDepth = 0,
  ) {
    this.pos = start;
    this.depth = 128 - enclosingDepth;
  }

  // ---- errors ------------------------------------------------------------------------

  /** serde's `position_of_index`: 1-based line, column = bytes since the last newline. */
  private where(index: number): { line: number; column: number } {
    let line = 1;
    let col = 0;
    const stop = Math.min(index, this.end);
    for (let i = this.start; i < stop; i++) {
      if (this.buf[i] === 0x0a) {
        line++;
        col = 0;
      } else col++;
    }
    return { line, column: col };
  }

  /** An error at the byte just consumed (`error`) or the next one (`peek_error`). */
  fail(code: string, what: string, peek = true, at = this.pos): never {
    const { line, column } = this.where(peek ? Math.min(at + 1, this.end) : at);
    throw jsonError(code as never, `${what} at line ${line} column ${column}`, {
      offset: at - this.start,
      details: { line, column },
    });
  }

  private eof(what: string): never {
    return this.fail(SessCode.JSON_SYNTAX, `EOF while parsing ${what}`, false);
  }

  // ---- scanning ----------------------------------------------------------------------

  ws(): void {
    const b = this.buf;
    let p = this.pos;
    while (p < this.end) {
      const c = b[p] as number;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      p++;
    }
    this.pos = p;
  }

  /** After the top-level value: only whitespace may follow. */
  expectEnd(): void {
    this.ws();
    if (this.pos < this.end) this.fail(SessCode.JSON_TRAILING, 'trailing characters');
  }

  private enter(): void {
    if (--this.depth === 0) this.fail(SessCode.JSON_DEPTH, 'recursion limit exceeded');
  }

  private leave(): void {
    this.depth++;
  }

  private ident(rest: string): void {
    for (let i = 0; i < rest.length; i++) {
      if (this.pos >= this.end) this.eof('a value');
      if (this.buf[this.pos] !== rest.charCodeAt(i))
        this.fail(SessCode.JSON_SYNTAX, 'expected ident', false, this.pos + 1);
      this.pos++;
    }
  }

  /** serde's `ignore_str` (after the opening quote): escapes are checked, UTF-8 is not. */
  private ignoreStr(): void {
    const b = this.buf;
    for (;;) {
      if (this.pos >= this.end) this.eof('a string');
      const c = b[this.pos] as number;
      if (c === 0x22) {
        this.pos++;
        return;
      }
      if (c === 0x5c) {
        this.pos++;
        if (this.pos >= this.end) this.eof('a string');
        const e = b[this.pos++] as number;
        if (e === 0x75) this.hex4();
        else if (!isSimpleEscape(e)) this.fail(SessCode.JSON_SYNTAX, 'invalid escape', false);
        continue;
      }
      if (c < 0x20)
        this.fail(
          SessCode.JSON_SYNTAX,
          'control character (\\u0000-\\u001F) found while parsing a string',
          false,
          this.pos + 1,
        );
      this.pos++;
    }
  }

  private hex4(): number {
    if (this.pos + 4 > this.end) {
      this.pos = this.end;
      this.eof('a string');
    }
    let n = 0;
    for (let i = 0; i < 4; i++) {
      const v = HEX_VAL[this.buf[this.pos++] as number] as number;
      if (v < 0) this.fail(SessCode.JSON_SYNTAX, 'invalid escape', false);
      n = (n << 4) | v;
    }
    return n;
  }

  /** serde's `parse_str` (after the opening quote): the decoded, validated string. */
  parseStrBody(): string {
    const b = this.buf;
    const s = this.pos;
    let p = s;
    for (;;) {
      if (p >= this.end) {
        this.pos = p;
        this.eof('a string');
      }
      const c = b[p] as number;
      if (c === 0x22) {
        this.pos = p + 1;
        return this.slice(s, p);
      }
      if (c === 0x5c) break;
      if (c < 0x20) {
        this.pos = p;
        this.fail(
          SessCode.JSON_SYNTAX,
          'control character (\\u0000-\\u001F) found while parsing a string',
          false,
          p + 1,
        );
      }
      p++;
    }
    // Slow path: escapes.
    let out = this.slice(s, p);
    this.pos = p;
    for (;;) {
      const runStart = this.pos;
      let q = runStart;
      while (q < this.end) {
        const c = b[q] as number;
        if (c === 0x22 || c === 0x5c) break;
        if (c < 0x20) {
          this.pos = q;
          this.fail(
            SessCode.JSON_SYNTAX,
            'control character (\\u0000-\\u001F) found while parsing a string',
            false,
            q + 1,
          );
        }
        q++;
      }
      if (q >= this.end) {
        this.pos = q;
        this.eof('a string');
      }
      out += this.slice(runStart, q);
      this.pos = q + 1;
      if (b[q] === 0x22) return out;
      if (this.pos >= this.end) this.eof('a string');
      const e = b[this.pos++] as number;
      switch (e) {
        case 0x22:
          out += '"';
          break;
        case 0x5c:
          out += '\\';
          break;
        case 0x2f:
          out += '/';
          break;
        case 0x62:
          out += '\b';
          break;
        case 0x66:
          out += '\f';
          break;
        case 0x6e:
          out += '\n';
          break;
        case 0x72:
          out += '\r';
          break;
        case 0x74:
          out += '\t';
          break;
        case 0x75:
          out += this.unicodeEscape();
          break;
        default:
          this.fail(SessCode.JSON_SYNTAX, 'invalid escape', false);
      }
    }
  }

  /** `\uXXXX` in a decoded string: surrogates must pair (serde's `validate = true`). */
  private unicodeEscape(): string {
    const n = this.hex4();
    if (n >= 0xdc00 && n <= 0xdfff) this.fail(SessCode.JSON_SYNTAX, 'lone leading surrogate in hex escape', false);
    if (n < 0xd800 || n > 0xdbff) return String.fromCharCode(n);
    if (this.pos >= this.end) this.eof('a string');
    if (this.buf[this.pos] !== 0x5c || this.buf[this.pos + 1] !== 0x75) {
      this.pos++;
      this.fail(SessCode.JSON_SYNTAX, 'unexpected end of hex escape', false);
    }
    this.pos += 2;
    const n2 = this.hex4();
    if (n2 < 0xdc00 || n2 > 0xdfff) this.fail(SessCode.JSON_SYNTAX, 'lone leading surrogate in hex escape', false);
    return String.fromCharCode(n, n2);
  }

  private slice(s: number, e: number): string {
    const str = decodeUtf8(this.buf, s, e);
    if (str === undefined) {
      this.pos = e;
      this.fail(SessCode.BAD_UTF8, 'invalid unicode code point', false);
    }
    return str;
  }

  /** serde's `ignore_integer`/`ignore_decimal`/`ignore_exponent` (first byte is `-` or a digit). */
  private ignoreNumber(): void {
    const b = this.buf;
    if (b[this.pos] === 0x2d) this.pos++;
    if (this.pos >= this.end) this.fail(SessCode.JSON_SYNTAX, 'invalid number', false, this.pos);
    const c = b[this.pos++] as number;
    if (c === 0x30) {
      if (this.pos < this.end && isDigit(b[this.pos])) this.fail(SessCode.JSON_SYNTAX, 'invalid number');
    } else if (c >= 0x31 && c <= 0x39) {
      while (this.pos < this.end && isDigit(b[this.pos])) this.pos++;
    } else this.fail(SessCode.JSON_SYNTAX, 'invalid number', false);
    if (this.pos < this.end && b[this.pos] === 0x2e) {
      this.pos++;
      let any = false;
      while (this.pos < this.end && isDigit(b[this.pos])) {
        this.pos++;
        any = true;
      }
      if (!any) this.fail(SessCode.JSON_SYNTAX, 'invalid number');
    }
    if (this.pos < this.end && (b[this.pos] === 0x65 || b[this.pos] === 0x45)) {
      this.pos++;
      if (this.pos < this.end && (b[this.pos] === 0x2b || b[this.pos] === 0x2d)) this.pos++;
      if (!(this.pos < this.end && isDigit(b[this.pos]))) {
        this.pos = Math.min(this.pos + 1, this.end);
        this.fail(SessCode.JSON_SYNTAX, 'invalid number', false);
      }
      while (this.pos < this.end && isDigit(b[this.pos])) this.pos++;
    }
  }

  /** serde's `ignore_value`: skips one value, checking syntax and depth. Iterative. */
  skipValue(): void {
    const b = this.buf;
    const stack: number[] = [];
    for (;;) {
      this.ws();
      if (this.pos >= this.end) this.eof('a value');
      let c = b[this.pos] as number;
      let frame: number;
      let acceptComma: boolean;
      if (c === 0x5b || c === 0x7b) {
        this.enter();
        this.pos++;
        frame = c;
        acceptComma = false;
      } else {
        if (c === 0x22) {
          this.pos++;
          this.ignoreStr();
        } else if (c === 0x2d || isDigit(c)) this.ignoreNumber();
        else if (c === 0x6e) {
          this.pos++;
          this.ident('ull');
        } else if (c === 0x74) {
          this.pos++;
          this.ident('rue');
        } else if (c === 0x66) {
          this.pos++;
          this.ident('alse');
        } else this.fail(SessCode.JSON_SYNTAX, 'expected value');
        const top = stack.pop();
        if (top === undefined) return;
        frame = top;
        acceptComma = true;
      }
      for (;;) {
        this.ws();
        if (this.pos >= this.end) this.eof(frame === 0x5b ? 'a list' : 'an object');
        c = b[this.pos] as number;
        if (c === 0x2c && acceptComma) {
          this.pos++;
          break;
        }
        if ((c === 0x5d && frame === 0x5b) || (c === 0x7d && frame === 0x7b)) {
          this.pos++;
          this.leave();
          const top = stack.pop();
          if (top === undefined) return;
          frame = top;
          acceptComma = true;
          continue;
        }
        if (acceptComma) {
          this.fail(SessCode.JSON_SYNTAX, frame === 0x5b ? 'expected `,` or `]`' : 'expected `,` or `}`');
        }
        break;
      }
      if (frame === 0x7b) {
        this.ws();
        if (this.pos >= this.end) this.eof('an object');
        if (b[this.pos] !== 0x22) this.fail(SessCode.JSON_SYNTAX, 'key must be a string');
        this.pos++;
        this.ignoreStr();
        this.ws();
        if (this.pos >= this.end) this.eof('an object');
        if (b[this.pos] !== 0x3a) this.fail(SessCode.JSON_SYNTAX, 'expected `:`');
        this.pos++;
      }
      stack.push(frame);
    }
  }

  /** A raw value (`Box<RawValue>`): skips it and returns its byte range (UTF-8 checked in slice mode). */
  rawValue(): RawRange {
    this.ws();
    const start = this.pos;
    this.skipValue();
    const end = this.pos;
    if (this.checkUtf8 && !isValidUtf8(this.buf, start, end))
      this.fail(SessCode.BAD_UTF8, 'invalid unicode code point', false);
    return { start, end };
  }

  // ---- numbers -----------------------------------------------------------------------

  /** serde's `parse_integer` and friends (the `-` is already consumed when `!positive`). */
  parseNumber(positive: boolean): ParsedNumber {
    const b = this.buf;
    if (this.pos >= this.end) this.eof('a value');
    const first = b[this.pos++] as number;
    let sig: bigint;
    if (first === 0x30) {
      if (this.pos < this.end && isDigit(b[this.pos])) this.fail(SessCode.JSON_SYNTAX, 'invalid number');
      sig = 0n;
    } else if (first >= 0x31 && first <= 0x39) {
      const ds = this.pos - 1;
      while (this.pos < this.end && isDigit(b[this.pos])) this.pos++;
      const n = this.pos - ds;
      if (n <= 15) {
        let v = 0;
        for (let i = ds; i < this.pos; i++) v = v * 10 + ((b[i] as number) - 0x30);
        const next = this.pos < this.end ? (b[this.pos] as number) : 0;
        if (positive && next !== 0x2e && next !== 0x65 && next !== 0x45) return { kind: 'u64', value: v };
        return this.finishNumber(positive, BigInt(v), v);
      }
      // Keep digits while they fit u64, as serde does; the rest become a decimal exponent.
      sig = 0n;
      let i = ds;
      for (; i < this.pos; i++) {
        const next = sig * 10n + BigInt((b[i] as number) - 0x30);
        if (next > U64_MAX) break;
        sig = next;
      }
      if (i < this.pos) {
        const extra = this.pos - i;
        return { kind: 'f64', value: this.longInteger(positive, sig, extra) };
      }
    } else {
      this.fail(SessCode.JSON_SYNTAX, 'invalid number', false);
    }
    return this.finishNumber(positive, sig, undefined);
  }

  private finishNumber(positive: boolean, sig: bigint, small: number | undefined): ParsedNumber {
    const b = this.buf;
    const c = this.pos < this.end ? (b[this.pos] as number) : 0;
    if (c === 0x2e) return { kind: 'f64', value: this.decimal(positive, sig, 0) };
    if (c === 0x65 || c === 0x45) return { kind: 'f64', value: this.exponent(positive, sig, 0) };
    if (positive) return { kind: 'u64', value: small ?? u64FromBigInt(sig) };
    // Negative: i64 unless it underflows, and `-0` is a float.
    if (sig === 0n) return { kind: 'f64', value: -0 };
    if (sig > 1n << 63n) return { kind: 'f64', value: -Number(sig) };
    const neg = -sig;
    return { kind: 'i64', value: neg >= -9007199254740991n ? Number(neg) : neg };
  }

  private longInteger(positive: boolean, sig: bigint, exponent: number): number {
    const b = this.buf;
    const c = this.pos < this.end ? (b[this.pos] as number) : 0;
    if (c === 0x2e) return this.decimal(positive, sig, exponent);
    if (c === 0x65 || c === 0x45) return this.exponent(positive, sig, exponent);
    return this.fromParts(positive, sig, exponent);
  }

  private decimal(positive: boolean, sig: bigint, expBefore: number): number {
    const b = this.buf;
    this.pos++; // '.'
    let after = 0;
    let overflowed = false;
    while (this.pos < this.end && isDigit(b[this.pos])) {
      if (!overflowed) {
        const next = sig * 10n + BigInt((b[this.pos] as number) - 0x30);
        if (next > U64_MAX) overflowed = true;
        else {
          sig = next;
          after--;
        }
      }
      this.pos++;
      if (overflowed) {
        while (this.pos < this.end && isDigit(b[this.pos])) this.pos++;
        break;
      }
    }
    if (!overflowed && after === 0) {
      if (this.pos >= this.end) this.eof('a value');
      this.fail(SessCode.JSON_SYNTAX, 'invalid number');
    }
    const exp = expBefore + after;
    const c = this.pos < this.end ? (b[this.pos] as number) : 0;
    if (c === 0x65 || c === 0x45) return this.exponent(positive, sig, exp);
    return this.fromParts(positive, sig, exp);
  }

  private exponent(positive: boolean, sig: bigint, startExp: number): number {
    const b = this.buf;
    this.pos++; // 'e'
    let positiveExp = true;
    if (this.pos < this.end && b[this.pos] === 0x2b) this.pos++;
    else if (this.pos < this.end && b[this.pos] === 0x2d) {
      this.pos++;
      positiveExp = false;
    }
    if (this.pos >= this.end) this.eof('a value');
    const first = b[this.pos++] as number;
    if (!isDigit(first)) this.fail(SessCode.JSON_SYNTAX, 'invalid number', false);
    let exp = first - 0x30;
    while (this.pos < this.end && isDigit(b[this.pos])) {
      const digit = (b[this.pos] as number) - 0x30;
      this.pos++;
      if (exp >= 214748364 && (exp > 214748364 || digit > 7)) {
        // i32 overflow: serde gives +/-0 or "number out of range".
        if (sig !== 0n && positiveExp) this.fail(SessCode.JSON_NUMBER_RANGE, 'number out of range', false);
        while (this.pos < this.end && isDigit(b[this.pos])) this.pos++;
        return positive ? 0 : -0;
      }
      exp = exp * 10 + digit;
    }
    const finalExp = positiveExp ? Math.min(startExp + exp, 2147483647) : Math.max(startExp - exp, -2147483648);
    return this.fromParts(positive, sig, finalExp);
  }

  /** serde_json's `f64_from_parts` (the default, non-`float_roundtrip` algorithm). */
  private fromParts(positive: boolean, sig: bigint, exponent: number): number {
    let f = Number(sig);
    for (;;) {
      const abs = Math.abs(exponent);
      if (abs <= 308) {
        const pow = POW10[abs] as number;
        if (exponent >= 0) {
          f *= pow;
          if (!Number.isFinite(f)) this.fail(SessCode.JSON_NUMBER_RANGE, 'number out of range', false);
        } else f /= pow;
        break;
      }
      if (f === 0) break;
      if (exponent >= 0) this.fail(SessCode.JSON_NUMBER_RANGE, 'number out of range', false);
      f /= 1e308;
      exponent += 308;
    }
    return positive ? f : -f;
  }

  // ---- values ------------------------------------------------------------------------

  /** A `serde_json::Value` (objects as insertion-ordered `Map`s, floats as `JsonF64`). */
  parseValue(): JsonValue {
    this.ws();
    if (this.pos >= this.end) this.eof('a value');
    const b = this.buf;
    const c = b[this.pos] as number;
    switch (c) {
      case 0x6e:
        this.pos++;
        this.ident('ull');
        return null;
      case 0x74:
        this.pos++;
        this.ident('rue');
        return true;
      case 0x66:
        this.pos++;
        this.ident('alse');
        return false;
      case 0x22:
        this.pos++;
        return this.parseStrBody();
      case 0x2d: {
        this.pos++;
        return numberValue(this.parseNumber(false));
      }
      case 0x5b: {
        this.enter();
        this.pos++;
        const arr: JsonValue[] = [];
        this.ws();
        if (this.pos < this.end && b[this.pos] === 0x5d) {
          this.pos++;
          this.leave();
          return arr;
        }
        for (;;) {
          arr.push(this.parseValue());
          this.ws();
          if (this.pos >= this.end) this.eof('a list');
          const d = b[this.pos] as number;
          if (d === 0x2c) {
            this.pos++;
            this.ws();
            if (this.pos < this.end && b[this.pos] === 0x5d) this.fail(SessCode.JSON_SYNTAX, 'trailing comma');
            continue;
          }
          if (d === 0x5d) {
            this.pos++;
            this.leave();
            return arr;
          }
          this.fail(SessCode.JSON_SYNTAX, 'expected `,` or `]`');
        }
      }
      case 0x7b: {
        this.enter();
        this.pos++;
        const map = new Map<string, JsonValue>();
        this.ws();
        if (this.pos < this.end && b[this.pos] === 0x7d) {
          this.pos++;
          this.leave();
          return map;
        }
        for (;;) {
          this.ws();
          if (this.pos >= this.end) this.eof('an object');
          if (b[this.pos] !== 0x22) this.fail(SessCode.JSON_SYNTAX, 'key must be a string');
          this.pos++;
          const key = this.parseStrBody();
          this.colon();
          map.set(key, this.parseValue());
          this.ws();
          if (this.pos >= this.end) this.eof('an object');
          const d = b[this.pos] as number;
          if (d === 0x2c) {
            this.pos++;
            this.ws();
            if (this.pos < this.end && b[this.pos] === 0x7d) this.fail(SessCode.JSON_SYNTAX, 'trailing comma');
            continue;
          }
          if (d === 0x7d) {
            this.pos++;
            this.leave();
            return map;
          }
          this.fail(SessCode.JSON_SYNTAX, 'expected `,` or `}`');
        }
      }
      default:
        if (isDigit(c)) return numberValue(this.parseNumber(true));
        return this.fail(SessCode.JSON_SYNTAX, 'expected value');
    }
  }

  private colon(): void {
    this.ws();
    if (this.pos >= this.end) this.eof('an object');
    if (this.buf[this.pos] !== 0x3a) this.fail(SessCode.JSON_SYNTAX, 'expected `:`');
    this.pos++;
  }

  // ---- structs -----------------------------------------------------------------------

  /** A struct as serde derive reads it; values in field order. */
  decodeStruct(spec: StructSpec): FieldValue[] {
    const cs = compile(spec);
    this.ws();
    if (this.pos >= this.end) this.eof('a value');
    const c = this.buf[this.pos] as number;
    if (c === 0x7b) {
      this.enter();
      this.pos++;
      const out = this.visitMap(cs);
      this.leave();
      return out;
    }
    if (c === 0x5b) {
      this.enter();
      this.pos++;
      const out = this.visitSeq(cs);
      this.leave();
      return out;
    }
    return this.invalidType(`struct ${spec.name}`);
  }

  /** serde's `peek_invalid_type`: describes the value found (which may itself fail to parse). */
  private invalidType(expected: string): never {
    const at = this.pos;
    const c = this.buf[at] as number;
    let found: string;
    if (c === 0x22) {
      this.pos++;
      found = `string ${JSON.stringify(this.parseStrBody())}`;
    } else if (c === 0x5b) found = 'sequence';
    else if (c === 0x7b) found = 'map';
    else if (c === 0x6e) {
      this.pos++;
      this.ident('ull');
      found = 'null';
    } else if (c === 0x74 || c === 0x66) {
      const v = this.parseValue();
      found = `boolean \`${String(v)}\``;
    } else if (c === 0x2d || isDigit(c)) {
      const neg = c === 0x2d;
      if (neg) this.pos++;
      const n = this.parseNumber(!neg);
      found = n.kind === 'f64' ? `floating point \`${n.value}\`` : `integer \`${n.value}\``;
    } else return this.fail(SessCode.JSON_SYNTAX, 'expected value', true, at);
    return this.fail(SessCode.JSON_TYPE, `invalid type: ${found}, expected ${expected}`, false);
  }

  private visitMap(cs: CompiledSpec): FieldValue[] {
    const b = this.buf;
    const fields = cs.spec.fields;
    const n = fields.length;
    const out: FieldValue[] = [];
    for (let i = 0; i < n; i++) out.push(undefined);
    const seen = new Uint8Array(n);
    let first = true;
    let expect = 0;
    for (;;) {
      this.ws();
      if (this.pos >= this.end) this.eof('an object');
      let c = b[this.pos] as number;
      if (!first) {
        if (c === 0x2c) {
          this.pos++;
          this.ws();
          if (this.pos >= this.end) this.eof('a value');
          c = b[this.pos] as number;
          if (c === 0x7d) this.fail(SessCode.JSON_SYNTAX, 'trailing comma');
        } else if (c === 0x7d) {
          this.pos++;
          break;
        } else this.fail(SessCode.JSON_SYNTAX, 'expected `,` or `}`');
      } else if (c === 0x7d) {
        this.pos++;
        break;
      }
      first = false;
      if (c !== 0x22) this.fail(SessCode.JSON_SYNTAX, 'key must be a string');
      this.pos++;
      const idx = this.matchKey(cs, expect);
      if (idx >= 0 && seen[idx]) {
        // serde's derive refuses the key before reading its colon; serde_json then reports the
        // position after the whitespace that follows the key (its `end_map` runs anyway).
        this.ws();
        this.fail(SessCode.JSON_DUPLICATE_FIELD, `duplicate field \`${(fields[idx] as FieldSpec).key}\``, false);
      }
      this.colon();
      if (idx < 0) {
        this.skipValue();
        continue;
      }
      seen[idx] = 1;
      out[idx] = this.field(fields[idx] as FieldSpec);
      expect = idx + 1;
    }
    for (let i = 0; i < n; i++) {
      const f = fields[i] as FieldSpec;
      if (!seen[i] && !f.optional) this.fail(SessCode.JSON_MISSING_FIELD, `missing field \`${f.key}\``, false);
    }
    return out;
  }

  /** Reads a key (after its opening quote) and returns the field index, or -1 if unknown. */
  private matchKey(cs: CompiledSpec, expect: number): number {
    const b = this.buf;
    const s = this.pos;
    let p = s;
    while (p < this.end) {
      const c = b[p] as number;
      if (c === 0x22 || c === 0x5c || c < 0x20 || c >= 0x80) break;
      p++;
    }
    if (p < this.end && b[p] === 0x22) {
      this.pos = p + 1;
      const len = p - s;
      const keys = cs.keys;
      for (
        let k = 0, i = expect < keys.length ? expect : 0;
        k < keys.length;
        k++, i = i + 1 === keys.length ? 0 : i + 1
      ) {
        const key = keys[i] as Uint8Array;
        if (key.length !== len) continue;
        let j = 0;
        while (j < len && key[j] === b[s + j]) j++;
        if (j === len) return i;
      }
      return -1;
    }
    const key = this.parseStrBody();
    return cs.spec.fields.findIndex((f) => f.key === key);
  }

  private visitSeq(cs: CompiledSpec): FieldValue[] {
    const b = this.buf;
    const fields = cs.spec.fields;
    const out: FieldValue[] = [];
    for (let i = 0; i < fields.length; i++) {
      this.ws();
      if (this.pos >= this.end) this.eof('a list');
      let c = b[this.pos] as number;
      if (c === 0x5d) {
        this.fail(
          SessCode.JSON_TYPE,
          `invalid length ${i}, expected struct ${cs.spec.name} with ${fields.length} elements`,
          false,
        );
      }
      if (i > 0) {
        if (c !== 0x2c) this.fail(SessCode.JSON_SYNTAX, 'expected `,` or `]`');
        this.pos++;
        this.ws();
        if (this.pos >= this.end) this.eof('a value');
        c = b[this.pos] as number;
        if (c === 0x5d) this.fail(SessCode.JSON_SYNTAX, 'trailing comma');
      }
      out.push(this.field(fields[i] as FieldSpec));
    }
    this.ws();
    if (this.pos >= this.end) this.eof('a list');
    const c = b[this.pos] as number;
    if (c === 0x5d) {
      this.pos++;
      return out;
    }
    if (c === 0x2c) {
      this.pos++;
      this.ws();
      if (this.pos < this.end && b[this.pos] === 0x5d) this.fail(SessCode.JSON_SYNTAX, 'trailing comma');
    }
    return this.fail(SessCode.JSON_TRAILING, 'trailing characters');
  }

  private field(f: FieldSpec): FieldValue {
    this.ws();
    if (this.pos >= this.end) this.eof('a value');
    const b = this.buf;
    const c = b[this.pos] as number;
    if (f.optional && c === 0x6e) {
      this.pos++;
      this.ident('ull');
      return undefined;
    }
    const kind = f.kind;
    switch (kind) {
      case 'str':
        if (c !== 0x22) return this.invalidType('a string');
        this.pos++;
        return this.parseStrBody();
      case 'u64':
      case 'u8': {
        if (c >= 0x31 && c <= 0x39) {
          // Fast path: a short plain integer.
          let p = this.pos;
          let v = 0;
          while (p < this.end && isDigit(b[p]) && p - this.pos < 15) v = v * 10 + ((b[p++] as number) - 0x30);
          const next = p < this.end ? (b[p] as number) : 0;
          if (!isDigit(next) && next !== 0x2e && next !== 0x65 && next !== 0x45 && (kind === 'u64' || v <= 255)) {
            this.pos = p;
            return v;
          }
        }
        if (!(c === 0x2d || isDigit(c))) return this.invalidType(kind);
        const neg = c === 0x2d;
        if (neg) this.pos++;
        const n = this.parseNumber(!neg);
        if (n.kind === 'f64')
          this.fail(
            SessCode.JSON_TYPE,
            `invalid type: floating point \`${formatFloatForMessage(n.value)}\`, expected ${kind}`,
            false,
          );
        if (n.kind === 'i64')
          this.fail(SessCode.JSON_TYPE, `invalid value: integer \`${n.value}\`, expected ${kind}`, false);
        if (kind === 'u8' && n.value > 255)
          this.fail(SessCode.JSON_TYPE, `invalid value: integer \`${n.value}\`, expected u8`, false);
        return n.value;
      }
      case 'bool':
        if (c === 0x74) {
          this.pos++;
          this.ident('rue');
          return true;
        }
        if (c === 0x66) {
          this.pos++;
          this.ident('alse');
          return false;
        }
        return this.invalidType('a boolean');
      case 'raw':
        return this.rawValue();
      default:
        return this.decodeStruct(kind);
    }
  }
}

function formatFloatForMessage(v: number): string {
  if (Object.is(v, -0)) return '-0.0';
  return Number.isInteger(v) ? `${v}.0` : String(v);
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

function isSimpleEscape(e: number): boolean {
  return e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74;
}

function numberValue(n: ParsedNumber): JsonValue {
  if (n.kind === 'f64') return new JsonF64(n.value);
  return n.value;
}

const encoder = new TextEncoder();

function toBytes(input: Uint8Array | string): Uint8Array {
  return typeof input === 'string' ? encoder.encode(input) : input;
}

/**
 * Parses one JSON document as `serde_json::from_slice::<Value>` (bytes) or `from_str`
 * (a JS string, always valid UTF-8 once encoded).
 */
export function parseJson(input: Uint8Array | string): JsonValue {
  const bytes = toBytes(input);
  const r = new JsonReader(bytes, 0, bytes.length, true);
  const v = r.parseValue();
  r.expectEnd();
  return v;
}

/**
 * Checks that `bytes[start, end)` is exactly one JSON value, optionally surrounded by
 * whitespace, as `RawValue::from_string` accepts it; returns the value's trimmed range.
 */
export function checkRawJson(bytes: Uint8Array, start = 0, end = bytes.length, enclosingDepth = 0): RawRange {
  const r = new JsonReader(bytes, start, end, true, enclosingDepth);
  const range = r.rawValue();
  r.expectEnd();
  return range;
}

/** Decodes one struct document (`from_slice` when `checkUtf8`, else `from_str` on checked input). */
export function decodeStructAt(
  bytes: Uint8Array,
  start: number,
  end: number,
  spec: StructSpec,
  checkUtf8: boolean,
): FieldValue[] {
  const r = new JsonReader(bytes, start, end, checkUtf8);
  const v = r.decodeStruct(spec);
  r.expectEnd();
  return v;
}
