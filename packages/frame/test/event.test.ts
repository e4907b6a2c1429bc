import { errorCodeOf } from '@logspec/core/testing';
import { describe, expect, it } from 'vitest';
import {
  decodeRecord,
  EVENT_KINDS,
  EVENT_SOURCES,
  encodeRecord,
  HotCode,
  makeEvent,
  parseKind,
  parsePayload,
  parseSource,
  toEvent,
} from '../src/index.js';

const code = errorCodeOf;

describe('event model', () => {
  it('kind and source names: strict refuses unknown, compatible maps like the original', () => {
    for (const k of EVENT_KINDS) expect(parseKind(k, 'strict')).toBe(k);
    for (const s of EVENT_SOURCES) expect(parseSource(s, 'strict')).toBe(s);
    expect(code(() => parseKind('SomethingElse', 'strict'))).toBe(HotCode.UNKNOWN_KIND);
    expect(code(() => parseSource('', 'strict'))).toBe(HotCode.UNKNOWN_SOURCE);
    expect(parseKind('SomethingElse', 'compatible')).toBe('Message');
    expect(parseKind('toolcall', 'compatible')).toBe('Message');
    expect(parseSource('Elsewhere', 'compatible')).toBe('Tail');
  });

  it('toEvent checks the payload is JSON (where the original into_event fails)', () => {
    const ev = makeEvent({ sessionId: 's', seq: 1n, tsMs: 2n, kind: 'Hook', payload: { a: [1, 2] } });
    expect(ev.payloadJson).toBe('{"a":[1,2]}');
    expect(toEvent(decodeRecord(encodeRecord(ev)), 'strict')).toEqual(ev);
    expect(code(() => toEvent({ ...ev, payloadJson: '' }))).toBe(HotCode.PAYLOAD_JSON);
    expect(code(() => parsePayload({ payloadJson: '{' }))).toBe(HotCode.PAYLOAD_JSON);
    expect(toEvent({ ...ev, kind: 'Nope', source: 'Nope' } as never, 'compatible')).toMatchObject({
      kind: 'Message',
      source: 'Tail',
    });
  });

  it('makeEvent fills options with null and refuses payloads without JSON form', () => {
    const ev = makeEvent({ sessionId: 's', seq: 1n, tsMs: 2n, kind: 'Cost' });
    expect(ev).toMatchObject({ source: 'Tail', tsExact: true, tool: null, costUsdE6: null, payloadJson: 'null' });
    expect(code(() => makeEvent({ sessionId: 's', seq: 1n, tsMs: 2n, kind: 'Cost', payload: 1n }))).toBe(
      HotCode.INVALID_VALUE,
    );
    expect(code(() => makeEvent({ sessionId: 's', seq: 1n, tsMs: 2n, kind: 'Cost', payload: () => 1 }))).toBe(
      HotCode.INVALID_VALUE,
    );
  });
});
