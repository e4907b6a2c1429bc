import { isLogspecError } from '@logspec/core';
import { describe, expect, it } from 'vitest';
import { decodeEventAt, encodeRecord, HotCode, makeEvent, ROOT_OFFSETS, ROOT_SIZE } from '../src/index.js';

const base = makeEvent({ sessionId: 's1', seq: 7n, tsMs: 1_700_000_007_000n, kind: 'ToolCall', payload: { ok: true } });

function errorOf(f: () => unknown) {
  try {
    f();
  } catch (e) {
    if (isLogspecError(e)) return e;
    throw e;
  }
  throw new Error('expected a LogspecError');
}

describe('decodeEventAt', () => {
  it('decodes a valid archive into an event', () => {
    const bytes = encodeRecord(base);
    expect(decodeEventAt(bytes, 0, bytes.length, { nameMode: 'strict' })).toEqual(base);
  });

  it('points a strict unknown kind, unknown source and bad payload at their root fields', () => {
    const cases = [
      { rec: { ...base, kind: 'Nope' }, code: HotCode.UNKNOWN_KIND, field: ROOT_OFFSETS.kind },
      { rec: { ...base, source: 'Nope' }, code: HotCode.UNKNOWN_SOURCE, field: ROOT_OFFSETS.source },
      { rec: { ...base, payloadJson: '{' }, code: HotCode.PAYLOAD_JSON, field: ROOT_OFFSETS.payloadJson },
    ];
    for (const c of cases) {
      const bytes = encodeRecord(c.rec);
      const e = errorOf(() => decodeEventAt(bytes, 0, bytes.length, { nameMode: 'strict', position: 1000 }));
      expect(e.code).toBe(c.code);
      expect(e.offset).toBe(1000 + bytes.length - ROOT_SIZE + c.field);
    }
  });

  it('maps unknown names as the original does in compatible mode', () => {
    const bytes = encodeRecord({ ...base, kind: 'Nope', source: 'Nope' });
    const ev = decodeEventAt(bytes, 0, bytes.length);
    expect([ev.kind, ev.source]).toEqual(['Message', 'Tail']);
  });
});
