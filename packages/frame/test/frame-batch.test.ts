import { ARENA_SCAN_FROM, CoreCode, createCrcArena, type FileHandle, isLogspecError } from '@logspec/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeFrame,
  FrameBatch,
  type FrameLayout,
  hotLayout,
  type ScanStop,
  scanFileFrames,
  scanFrames,
  segmentLayout,
} from '../src/index.js';

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

function memHandle(bytes: Uint8Array): FileHandle {
  return {
    path: 'mem',
    read(buf, offset, length, position) {
      const n = Math.max(0, Math.min(length, bytes.length - position));
      buf.set(bytes.subarray(position, position + n), offset);
      return n;
    },
    size: () => bytes.length,
    write: () => 0,
    append: () => 0,
    truncate: () => {},
    fsync: () => {},
    fdatasync: () => {},
    close: () => {},
  };
}

/** Frames of 0 B to 300 KiB (one larger than the scan's chunk), past ARENA_SCAN_FROM in total. */
function bigLog(layout: FrameLayout): Uint8Array {
  const batch = new FrameBatch(layout);
  let i = 0;
  while (batch.length < ARENA_SCAN_FROM + 200_000) {
    const size = i === 7 ? 300_000 : (Math.imul(i, 2654435761) >>> 0) % 5000;
    batch.add(new Uint8Array(size).map((_, k) => (k * 7 + i) & 0xff));
    i++;
  }
  return batch.bytes.slice();
}

/** Each frame's offset, length and first payload byte, and how the scan stopped. */
function frameList(scan: (visit: (s: number, e: number, at: number, b: Uint8Array) => void) => ScanStop): {
  frames: [number, number, number][];
  stop: ScanStop;
} {
  const frames: [number, number, number][] = [];
  const stop = scan((s, e, at, b) => {
    frames.push([at, e - s, b[s] ?? -1]);
  });
  return { frames, stop };
}

describe('scanFileFrames over a CRC arena (scans of ARENA_SCAN_FROM bytes and more)', () => {
  for (const layout of [hotLayout, segmentLayout]) {
    it(`${layout.name}: same frames and stops as the in-memory scan, with chunk cuts, a frame larger than the chunk, and damage`, () => {
      const clean = bigLog(layout);
      const damaged = clean.slice();
      const at = Math.floor(clean.length * 0.7);
      damaged[at] = (damaged[at] as number) ^ 0x10;
      const torn = clean.subarray(0, clean.length - 3);
      for (const bytes of [clean, damaged, torn]) {
        const want = frameList((v) => scanFrames(layout, bytes, 0, bytes.length, v));
        const got = frameList((v) => scanFileFrames(memHandle(bytes), layout, v, { chunkSize: 256 * 1024 }));
        const given = createCrcArena(100_000);
        const viaArena = frameList((v) => scanFileFrames(memHandle(bytes), layout, v, { arena: given }));
        expect(got).toEqual(want);
        expect(viaArena).toEqual(want);
      }
      expect(frameList((v) => scanFrames(layout, damaged, 0, damaged.length, v)).stop.reason).toBe('crc_mismatch');
    });
  }
});
