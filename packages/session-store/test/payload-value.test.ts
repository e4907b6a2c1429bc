/**
 * A payload given as a value: the serde writer's text is taken without a second check, unless it
 * embeds raw text or nests deeper than a frame allows — the result is the one the check gives.
 */
import { utf8Encode } from '@logspec/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type JsonValue, preparePayload, RawJson, SessCode, writeJson } from '../src/index.js';
import { isOneJsonValue } from '../src/json/value-check.js';
import { codeOf } from './helpers.js';

const nested = (depth: number): JsonValue => {
  let v: JsonValue = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

describe('value payloads', () => {
  it("are the writer's bytes, one JSON value a frame can hold, for any value", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        const got = preparePayload(v as JsonValue);
        expect(got).toEqual(utf8Encode(writeJson(v as JsonValue)));
        expect(isOneJsonValue(got, 0, got.length, 127)).toBe(true);
        expect(got.indexOf(0x0a)).toBe(-1);
      }),
      { numRuns: 300 },
    );
  });

  it('nest at most 126 containers; deeper is PAYLOAD_INVALID, as for raw text', () => {
    expect(preparePayload(nested(126)).length).toBeGreaterThan(0);
    expect(codeOf(() => preparePayload(nested(127)))).toBe(SessCode.PAYLOAD_INVALID);
    expect(codeOf(() => preparePayload(nested(300)))).toBe(SessCode.PAYLOAD_INVALID);
  });

  it('with raw text inside are checked: bad raw text is PAYLOAD_INVALID, good is kept', () => {
    expect(codeOf(() => preparePayload({ a: new RawJson('{"b":') } as unknown as JsonValue))).toBe(
      SessCode.PAYLOAD_INVALID,
    );
    expect(codeOf(() => preparePayload([new RawJson('1\n')] as unknown as JsonValue))).toBe(SessCode.PAYLOAD_INVALID);
    const ok = preparePayload({ a: new RawJson('[1,2]') } as unknown as JsonValue);
    expect(new TextDecoder().decode(ok)).toBe('{"a":[1,2]}');
  });

  it('strings are escaped as serde_json escapes them, short and long', () => {
    for (const s of ['plain', 'q"b\\', 'tab\there', '\u0001', 'é✓😀', `${'x'.repeat(40)}"`, 'x'.repeat(40)]) {
      expect(new TextDecoder().decode(preparePayload(s))).toBe(JSON.stringify(s));
    }
    expect(codeOf(() => preparePayload('lone \ud800'))).toBe(SessCode.INVALID_ARGUMENT);
    expect(codeOf(() => preparePayload(`${'x'.repeat(40)}\udc00`))).toBe(SessCode.INVALID_ARGUMENT);
  });
});
