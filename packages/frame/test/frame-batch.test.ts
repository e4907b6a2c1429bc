import { CoreCode, isLogspecError } from '@logspec/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameBatch, hotLayout, scanFrames, segmentLayout } from '../src/index.js';

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('FrameBatch', () => {
  it('writes the same bytes as encodeFrame, frame after frame, growing past its capacity', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(hotLayout, segmentLayout),
        fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 300 }),
        (layout, payloads, capacity) => {
          const batch = new FrameBatch(layout, capacity);
          const offsets = payloads.map((p) => batch.add(p));
          const want = concat(payloads.map((p) => encodeFrame(layout, p)));
          expect(batch.bytes).toEqual(want);
          expect(batch.length).toBe(want.length);
          expect(batch.count).toBe(payloads.length);
          // The scanner reads back every payload at its offset, CRC checked.
          const seen: number[] = [];
          const stop = scanFrames(layout, batch.bytes, 0, batch.length, (_ps, _pe, at) => {
            seen.push(at);
          });
          expect(stop.reason).toBe('end');
          expect(seen).toEqual(offsets);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('clear starts a new batch in the same buffer', () => {
    const batch = new FrameBatch(hotLayout, 64);
    batch.add(new Uint8Array([1, 2, 3]));
    batch.clear();
    expect(batch.length).toBe(0);
    expect(batch.add(new Uint8Array([9]))).toBe(0);
    expect(batch.bytes).toEqual(encodeFrame(hotLayout, new Uint8Array([9])));
  });

  it('addEncoded seals what the encoder wrote in place, and refuses an encoder that overruns its bound', () => {
    const batch = new FrameBatch(segmentLayout, 16);
    const text = new TextEncoder().encode('hello, frames');
    batch.addEncoded(64, (out, at) => {
      out.set(text, at);
      return at + text.length;
    });
    expect(batch.bytes).toEqual(encodeFrame(segmentLayout, text));
    let caught: unknown;
    try {
      batch.addEncoded(2, (_out, at) => at + 3);
    } catch (e) {
      caught = e;
    }
    expect(isLogspecError(caught, CoreCode.OUT_OF_RANGE)).toBe(true);
    expect(batch.count).toBe(1);
  });
});
