import { SessCode } from '../errors.js';
import { type U64, U64_MAX, u64FromBigInt } from '../u64.js';
import { isDigit, JsonLexer } from './lexer.js';
import { JsonF64, type JsonValue } from './writer.js';

/** serde_json's numbers (`parse_integer` and its f64 conversion) and `serde_json::Value`s. */

const POW10: number[] = Array.from({ length: 309 }, (_, i) => Number(`1e${i}`));

/** A parsed number with serde_json's classification. */
export type ParsedNumber =
  | { kind: 'u64'; value: U64 }
  | { kind: 'i64'; value: number | bigint }
  | { kind: 'f64'; value: number };

export class JsonValueReader extends JsonLexer {
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

  protected colon(): void {
    this.ws();
    if (this.pos >= this.end) this.eof('an object');
    if (this.buf[this.pos] !== 0x3a) this.fail(SessCode.JSON_SYNTAX, 'expected `:`');
    this.pos++;
  }
}

function numberValue(n: ParsedNumber): JsonValue {
  if (n.kind === 'f64') return new JsonF64(n.value);
  return n.value;
}
