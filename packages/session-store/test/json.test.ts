import '@logspec/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkRawJson,
  formatF64,
  JsonF64,
  type JsonValue,
  parseJson,
  quoteJsonString,
  RawJson,
  SessCode,
  SessionError,
  writeJson,
} from '../src/index.js';

const enc = new TextEncoder();

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof SessionError) return e.code;
    throw e;
  }
  return 'ok';
}

describe('serde_json string escaping', () => {
  it('escapes only quote, backslash and control characters', () => {
    expect(quoteJsonString('a"b\\c/d')).toBe('"a\\"b\\\\c/d"');
    expect(quoteJsonString('\b\t\n\f\r')).toBe('"\\b\\t\\n\\f\\r"');
    expect(quoteJsonString('\u0000\u0001\u001f\u007f')).toBe('"\\u0000\\u0001\\u001f\u007f"');
    expect(quoteJsonString('é日本語🦀\u2028')).toBe('"é日本語🦀\u2028"');
  });

  it('refuses a lone surrogate with a typed error', () => {
    expect(codeOf(() => quoteJsonString('a\ud800b'))).toBe(SessCode.INVALID_ARGUMENT);
    expect(codeOf(() => quoteJsonString('\udc00'))).toBe(SessCode.INVALID_ARGUMENT);
    expect(quoteJsonString('\ud83e\udd80')).toBe('"🦀"');
  });
});

describe('serde_json numbers', () => {
  it.each([
    [1, '1.0'],
    [0.1, '0.1'],
    [1e21, '1e21'],
    [1e-7, '1e-7'],
    [100, '100.0'],
    [1.5e300, '1.5e300'],
    [-0, '-0.0'],
    [0, '0.0'],
    [1e16, '1e16'],
    [1e15, '1000000000000000.0'],
    [0.00001, '0.00001'],
    [0.000001, '1e-6'],
    [123.456, '123.456'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e308'],
    [-2.5e-10, '-2.5e-10'],
    [2 ** 53 + 2, '9007199254740994.0'],
    [Number.NaN, 'null'],
    [Number.POSITIVE_INFINITY, 'null'],
  ])('formats f64 %s as ryu does: %s', (x, s) => {
    expect(formatF64(x)).toBe(s);
  });

  it('writes integers exactly, u64 and i64 beyond 2^53 as bigint', () => {
    expect(writeJson([0, 5, -7, 2 ** 53 - 1, 18446744073709551615n, -9223372036854775808n])).toBe(
      '[0,5,-7,9007199254740991,18446744073709551615,-9223372036854775808]',
    );
    expect(writeJson([new JsonF64(2), 2.5, 2 ** 60])).toBe('[2.0,2.5,1.152921504606847e18]');
    expect(codeOf(() => writeJson(18446744073709551616n))).toBe(SessCode.INVALID_ARGUMENT);
    expect(codeOf(() => writeJson(-9223372036854775809n))).toBe(SessCode.INVALID_ARGUMENT);
  });

  it('reads numbers as serde_json does', () => {
    expect(
      writeJson(parseJson('[1.0,-0,1E2,18446744073709551615,18446744073709551616,-9223372036854775808,0.1,1e-7,-5]')),
    ).toBe('[1.0,-0.0,100.0,18446744073709551615,1.8446744073709552e19,-9223372036854775808,0.1,1e-7,-5]');
    expect(codeOf(() => parseJson('01'))).toBe(SessCode.JSON_SYNTAX);
    expect(codeOf(() => parseJson('1.'))).toBe(SessCode.JSON_SYNTAX);
    expect(codeOf(() => parseJson('1e'))).toBe(SessCode.JSON_SYNTAX);
    expect(codeOf(() => parseJson('-'))).toBe(SessCode.JSON_SYNTAX);
    expect(codeOf(() => parseJson('+1'))).toBe(SessCode.JSON_SYNTAX);
    expect(codeOf(() => parseJson('1e400'))).toBe(SessCode.JSON_NUMBER_RANGE);
    expect(writeJson(parseJson('1e-400'))).toBe('0.0');
    // serde's default float parser (not float_roundtrip): significand × 10^exp in f64.
    expect(writeJson(parseJson('1.7976931348623157e308'))).toBe('1.7976931348623157e308');
  });
});

describe('serde_json structure', () => {
  it('keeps key order (Map: any order; objects: JS order) and prints pretty as serde', () => {
    const m = new Map<string, JsonValue>([
      ['z', 1],
      ['2', true],
      ['a', [null, 'x', new Map()]],
    ]);
    expect(writeJson(m)).toBe('{"z":1,"2":true,"a":[null,"x",{}]}');
    expect(writeJson(m, { pretty: true })).toBe(
      '{\n  "z": 1,\n  "2": true,\n  "a": [\n    null,\n    "x",\n    {}\n  ]\n}',
    );
    expect(writeJson({ b: [], a: {} }, { pretty: true })).toBe('{\n  "b": [],\n  "a": {}\n}');
    expect(writeJson(new RawJson('{"kept" : 1}'))).toBe('{"kept" : 1}');
  });

  it('parses into ordered maps; a repeated key keeps its first position and last value', () => {
    expect(writeJson(parseJson('{"b":1,"2":2,"b":3}'))).toBe('{"b":3,"2":2}');
  });

  it('enforces serde_json recursion limit of 128', () => {
    expect(codeOf(() => parseJson(`${'['.repeat(127)}${']'.repeat(127)}`))).toBe('ok');
    expect(codeOf(() => parseJson(`${'['.repeat(128)}${']'.repeat(128)}`))).toBe(SessCode.JSON_DEPTH);
    const raw = enc.encode(`${'{"a":'.repeat(127)}1${'}'.repeat(127)}`);
    expect(codeOf(() => checkRawJson(raw))).toBe('ok');
    expect(codeOf(() => checkRawJson(raw, 0, raw.length, 1))).toBe(SessCode.JSON_DEPTH);
  });

  it.each([
    ['{"a":1,}', SessCode.JSON_SYNTAX],
    ['[1,]', SessCode.JSON_SYNTAX],
    ['{a:1}', SessCode.JSON_SYNTAX],
    ['"\\x"', SessCode.JSON_SYNTAX],
    ['"\\ud800"', SessCode.JSON_SYNTAX],
    ['"\\udc00"', SessCode.JSON_SYNTAX],
    ['"a\tb"', SessCode.JSON_SYNTAX],
    ['tru', SessCode.JSON_SYNTAX],
    ['1 2', SessCode.JSON_TRAILING],
    ['', SessCode.JSON_SYNTAX],
  ])('rejects %j with %s', (text, code) => {
    expect(codeOf(() => parseJson(text))).toBe(code);
  });

  it('raw values skip escapes without pairing surrogates, as ignore_str does', () => {
    expect(codeOf(() => checkRawJson(enc.encode('"\\ud800"')))).toBe('ok');
    expect(codeOf(() => checkRawJson(enc.encode('"\\x"')))).toBe(SessCode.JSON_SYNTAX);
    expect(codeOf(() => checkRawJson(new Uint8Array([0x22, 0xff, 0x22])))).toBe(SessCode.BAD_UTF8);
    expect(checkRawJson(enc.encode('  {"a":1}\r\n'))).toEqual({ start: 2, end: 9 });
  });
});

// Values JSON.parse gives back unchanged: finite doubles (-0 is checked apart: JSON.stringify
// drops its sign, serde keeps it as -0.0), strings without lone surrogates.
const jsonish: fc.Arbitrary<JsonValue> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x)),
    fc.integer(),
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }),
    fc.array(tie('v')),
    fc.dictionary(fc.string(), tie('v')),
  ),
})).v as fc.Arbitrary<JsonValue>;

describe('properties', () => {
  it('writeJson output is JSON that JSON.parse reads back as the same value', () => {
    fc.assert(
      fc.property(jsonish, (v) => {
        const text = writeJson(v);
        const back = JSON.parse(text);
        expect(back).toEqual(JSON.parse(JSON.stringify(v)));
        // Pretty output is the same value too.
        expect(JSON.parse(writeJson(v, { pretty: true }))).toEqual(back);
      }),
      { numRuns: 400 },
    );
  });

  it('parse → write is a fixed point (canonical bytes) where serde parses floats exactly', () => {
    // serde_json's default float parser (significand × 10^exp in f64) is exact for these;
    // for arbitrary doubles it can be off by an ulp, as the test below shows.
    const exactish: fc.Arbitrary<JsonValue> = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.integer().map((n) => n / 1000),
        fc.string({ unit: 'grapheme' }),
        fc.array(tie('v')),
        fc.dictionary(fc.string(), tie('v')),
      ),
    })).v as fc.Arbitrary<JsonValue>;
    fc.assert(
      fc.property(exactish, (v) => {
        const text = writeJson(v);
        const once = writeJson(parseJson(text));
        expect(writeJson(parseJson(once))).toBe(once);
      }),
      { numRuns: 300 },
    );
  });

  it('reproduces serde_json default (non-float_roundtrip) float parsing, off by an ulp at times', () => {
    expect(writeJson(parseJson('3.8518991925166916e-163'))).toBe('3.851899192516691e-163');
    expect(Number('3.8518991925166916e-163')).not.toBe((parseJson('3.8518991925166916e-163') as JsonF64).value);
  });

  it('doubles print as the shortest text that round-trips', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const s = formatF64(x);
        expect(Object.is(Number(s), x)).toBe(true);
        expect(s).not.toContain('+');
        expect(s).toMatch(/^-?(\d+\.\d+|\de-?\d+|\d\.\d+e-?\d+)$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('any bytes give a value or a SessionError, never a raw exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          parseJson(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(SessionError);
          expect((e as SessionError).category).toBe('json');
          expect(typeof (e as SessionError).offset).toBe('number');
        }
        try {
          checkRawJson(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(SessionError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts exactly what JSON.parse accepts for shallow ASCII documents', () => {
    const alphabet = fc.constantFrom(...'{}[]",:0123456789-+.eE truefalsn\\u'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 16 }), (chars) => {
        const text = chars.join('');
        let jsOk = true;
        try {
          JSON.parse(text);
        } catch {
          jsOk = false;
        }
        let ours = true;
        try {
          parseJson(text);
        } catch (e) {
          ours = false;
          // The only extra refusal: numbers outside f64 range.
          if (jsOk) expect((e as SessionError).code).toBe(SessCode.JSON_NUMBER_RANGE);
        }
        if (ours) expect(jsOk).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
