import { jsonError, SessCode } from '../errors.js';
import { decodeUtf8, isValidUtf8 } from './utf8.js';

/**
 * A JSON reader that accepts and rejects exactly what serde_json 1.x does, over bytes:
 * the same grammar, the 128-level recursion limit, strict escapes, no control characters in
 * strings, surrogate pairing for decoded strings, and serde's number rules (`-0` and
 * anything with `.`/`e` are floats, integers beyond u64 become floats). Two modes, as the
 * original reads through two serde_json front ends:
 * - `str` (`from_str`): the caller has already checked that the whole input is UTF-8;
 * - `slice` (`from_slice`): UTF-8 is checked where serde checks it — decoded strings, keys
 *   and raw values — and not inside skipped (unknown-field) values.
 *
 * The reader is one class in three layers, each in its own module: `JsonLexer` (this one:
 * the cursor, serde's error positions, whitespace, strings and skipping values),
 * `JsonValueReader` (numbers and `serde_json::Value`s) and `JsonReader` (structs as serde
 * derive reads them, and the entry points).
 */

const HEX_VAL = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX_VAL[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_VAL[0x41 + i] = 10 + i;
  HEX_VAL[0x61 + i] = 10 + i;
}

/** A raw JSON value's byte range (`Box<RawValue>`). */
export interface RawRange {
  start: number;
  end: number;
}

export class JsonLexer {
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

  protected eof(what: string): never {
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

  protected enter(): void {
    if (--this.depth === 0) this.fail(SessCode.JSON_DEPTH, 'recursion limit exceeded');
  }

  protected leave(): void {
    this.depth++;
  }

  protected ident(rest: string): void {
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
}

export function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

function isSimpleEscape(e: number): boolean {
  return e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74;
}
