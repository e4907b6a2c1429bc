import { SessCode } from '../errors.js';
import type { U64 } from '../u64.js';
import { isDigit, type RawRange } from './lexer.js';
import { JsonValueReader } from './values.js';
import type { JsonValue } from './writer.js';

/**
 * `JsonReader`: serde_json's reader complete — structs as serde derive reads them (any key
 * order, unknown keys skipped, duplicate and missing fields refused, or a sequence in field
 * order) on top of values (`values.ts`) and the lexer (`lexer.ts`), and the entry points
 * `parseJson`, `checkRawJson` and `decodeStructAt`.
 */

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

export class JsonReader extends JsonValueReader {
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
