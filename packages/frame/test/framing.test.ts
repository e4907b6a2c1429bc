import { ARENA_SCAN_FROM, CoreCode, crc32, createCrcArena, type FileHandle, isLogspecError } from '@logspec/core';
import { concatBytes as concat, thrownBy as errorOf, SimFs } from '@logspec/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeFrames,
  encodeFrame,
  encodeFrameInto,
  FRAME_BATCH_ARENA_FROM,
  FrameBatch,
  FrameDecoder,
  type FrameLayout,
  hotLayout,
  type ScanStop,
  scanFileFrames,
  scanFrames,
  segmentLayout,
} from '../src/index.js';

const layouts: FrameLayout[] = [hotLayout, segmentLayout];
const payloads = fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 });

function scanAll(layout: FrameLayout, bytes: Uint8Array): { frames: [number, number[]][]; stop: ScanStop } {
  const frames: [number, number[]][] = [];
  const stop = scanFrames(layout, bytes, 0, bytes.length, (ps, pe, at) => {
    frames.push([at, [...bytes.subarray(ps, pe)]]);
  });
  return { frames, stop };
}

/** Splits `bytes` at the given cut points (sorted, deduplicated, inside the buffer). */
function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.slice(prev, p));
    prev = p;
  }
  return out;
}

describe('frame layouts', () => {
  it('hot: len LE · payload · crc LE; segment: crc BE · len BE · payload', () => {
    const p = new TextEncoder().encode('123456789');
    expect([...encodeFrame(hotLayout, p)]).toEqual([9, 0, 0, 0, ...p, 0x26, 0x39, 0xf4, 0xcb]);
    expect([...encodeFrame(segmentLayout, p)]).toEqual([0xcb, 0xf4, 0x39, 0x26, 0, 0, 0, 9, ...p]);
  });

  it('encodeFrameInto writes at an offset and returns the end', () => {
    const out = new Uint8Array(32).fill(0xee);
    const end = encodeFrameInto(hotLayout, Uint8Array.of(1, 2, 3), out, 5);
    expect(end).toBe(5 + 8 + 3);
    expect(out[4]).toBe(0xee);
    expect(out[16]).toBe(0xee);
  });

  for (const layout of layouts) {
    describe(layout.name, () => {
      it('round trip: a concatenation of frames scans back to the payloads', () => {
        fc.assert(
          fc.property(payloads, (ps) => {
            const bytes = concat(ps.map((p) => encodeFrame(layout, p)));
            const r = scanAll(layout, bytes);
            expect(r.stop).toEqual({ reason: 'end', offset: bytes.length });
            expect(r.frames.map((f) => f[1])).toEqual(ps.map((p) => [...p]));
          }),
        );
      });

      it('every truncation is a torn tail at the cut frame (never a bogus frame)', () => {
        fc.assert(
          fc.property(
            payloads.filter((p) => p.length > 0),
            fc.nat(),
            (ps, k) => {
              const frames = ps.map((p) => encodeFrame(layout, p));
              const bytes = concat(frames);
              const cut = k % bytes.length;
              const r = scanAll(layout, bytes.subarray(0, cut));
              // The frames wholly inside the cut survive; the stop is at the next frame's start.
              let end = 0;
              let whole = 0;
              while (whole < frames.length && end + (frames[whole] as Uint8Array).length <= cut)
                end += (frames[whole++] as Uint8Array).length;
              expect(r.frames.length).toBe(whole);
              expect(r.stop.offset).toBe(end);
              expect(r.stop.reason).toBe(end === cut ? 'end' : 'torn');
            },
          ),
        );
      });

      it('the CRC catches every single bit flip in a payload or its CRC', () => {
        fc.assert(
          fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(), (p, k) => {
            const f = encodeFrame(layout, p);
            // Bits outside the length field: payload and stored CRC.
            const lenAt = layout === hotLayout ? 0 : 4;
            const candidates = [...Array(f.length * 8).keys()].filter((b) => b >> 3 < lenAt || b >> 3 >= lenAt + 4);
            const bit = candidates[k % candidates.length] as number;
            f[bit >> 3] = (f[bit >> 3] as number) ^ (1 << (bit & 7));
            const r = scanAll(layout, f);
            expect(r.frames).toEqual([]);
            expect(r.stop.reason).toBe('crc_mismatch');
          }),
        );
      });

      it('a flip in the length field gives torn or crc_mismatch, or (documented) a shorter valid frame', () => {
        fc.assert(
          fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(31), (p, bit) => {
            const f = encodeFrame(layout, p);
            const lenAt = layout === hotLayout ? 0 : 4;
            f[lenAt + (bit >> 3)] = (f[lenAt + (bit >> 3)] as number) ^ (1 << (bit & 7));
            const r = scanAll(layout, f);
            if (r.frames.length > 0) {
              // Only possible when a shorter length lands on bytes whose CRC matches (2^-32 per
              // flip): undetectable by the format, listed in spec/hotlog.md.
              const got = Uint8Array.from(r.frames[0]?.[1] ?? []);
              expect(got.length).toBeLessThan(p.length);
              expect(crc32(got)).toBe(layout.storedCrc(new DataView(f.buffer), 0, got.length));
            } else {
              expect(['torn', 'crc_mismatch']).toContain(r.stop.reason);
            }
          }),
        );
      });
    });
  }
});

describe('FrameDecoder (incremental)', () => {
  for (const layout of layouts) {
    it(`${layout.name}: every chunking gives the same frames and end state as one scan`, () => {
      fc.assert(
        fc.property(payloads, fc.array(fc.nat(), { maxLength: 20 }), fc.nat(), fc.boolean(), (ps, cuts, k, damage) => {
          let bytes = concat(ps.map((p) => encodeFrame(layout, p)));
          if (damage && bytes.length > 0) {
            // Either cut the tail or flip a byte: the decoder must agree with the one-shot scan.
            bytes = k % 2 === 0 ? bytes.slice(0, k % bytes.length) : bytes.slice();
            if (k % 2 === 1) bytes[k % bytes.length] = (bytes[k % bytes.length] as number) ^ 0x40;
          }
          const whole = scanAll(layout, bytes);
          const { frames, end } = decodeFrames(layout, chunked(bytes, cuts), { baseOffset: 0 });
          expect(frames.map((f) => [f.offset, [...f.payload]])).toEqual(whole.frames);
          const s = whole.stop;
          if (s.reason === 'end') expect(end).toEqual({ state: 'complete', offset: s.offset });
          else if (s.reason === 'torn')
            expect(end).toMatchObject({ state: 'torn', offset: s.offset, available: s.available });
          else if (s.reason === 'crc_mismatch')
            expect(end).toMatchObject({ state: 'corrupt', reason: 'crc_mismatch', offset: s.offset });
        }),
      );
    });
  }

  it('tells complete, torn and corrupt apart, with offsets', () => {
    const a = encodeFrame(hotLayout, Uint8Array.of(1, 2, 3));
    const b = encodeFrame(hotLayout, Uint8Array.of(4, 5));
    const d = new FrameDecoder(hotLayout, { baseOffset: 12 });
    expect(d.push(a).map((f) => f.offset)).toEqual([12]);
    expect(d.status).toEqual({ state: 'complete', offset: 23 });
    expect(d.push(b.subarray(0, 3))).toEqual([]);
    expect(d.status).toEqual({ state: 'torn', offset: 23, available: 3, needed: 4 });
    expect(d.push(b.subarray(3, 6))).toEqual([]);
    expect(d.status).toEqual({ state: 'torn', offset: 23, available: 6, needed: 10 });
    const bad = b.slice(6);
    bad[0] = (bad[0] as number) ^ 1;
    expect(d.push(bad)).toEqual([]);
    expect(d.status).toMatchObject({ state: 'corrupt', reason: 'crc_mismatch', offset: 23 });
    expect(d.stopped).toBe(true);
    expect(d.push(a)).toEqual([]);
  });

  it('a length over maxPayload stops the decoder before anything is buffered for it', () => {
    const d = new FrameDecoder(hotLayout, { maxPayload: 1000 });
    d.push(Uint8Array.of(0xff, 0xff, 0xff, 0x7f, 1, 2));
    expect(d.status).toMatchObject({ state: 'corrupt', reason: 'too_large', offset: 0, length: 0x7fffffff });
  });

  it('payloads of frames within one chunk are views; frames spanning chunks are copies', () => {
    const f = encodeFrame(hotLayout, Uint8Array.of(9, 9, 9));
    const chunk = concat([f, f.subarray(0, 5)]);
    const d = new FrameDecoder(hotLayout);
    const [first] = d.push(chunk);
    expect(first?.payload.buffer).toBe(chunk.buffer);
    const [second] = d.push(f.subarray(5));
    expect(second?.payload.buffer).not.toBe(chunk.buffer);
    expect([...(second?.payload ?? [])]).toEqual([9, 9, 9]);
  });
});

/** A read-only FileHandle over bytes that counts reads and the largest read. */
function memHandle(bytes: Uint8Array): FileHandle & { reads: number } {
  return {
    path: 'mem',
    reads: 0,
    read(buf, offset, length, position) {
      this.reads++;
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

describe('scanFileFrames (chunked file scanner)', () => {
  for (const layout of layouts) {
    it(`${layout.name}: any chunk size gives the one-shot result`, () => {
      fc.assert(
        fc.property(payloads, fc.integer({ min: 1, max: 64 }), fc.nat(), fc.boolean(), (ps, chunkSize, k, cut) => {
          let bytes = concat(ps.map((p) => encodeFrame(layout, p)));
          if (cut && bytes.length > 0) bytes = bytes.slice(0, k % bytes.length);
          const whole = scanAll(layout, bytes);
          const frames: [number, number[]][] = [];
          const stop = scanFileFrames(
            memHandle(bytes),
            layout,
            (s, e, at, buf) => {
              frames.push([at, [...buf.subarray(s, e)]]);
            },
            { chunkSize },
          );
          expect(frames).toEqual(whole.frames);
          expect(stop).toEqual(whole.stop);
        }),
      );
    });
  }

  it('a frame larger than the chunk gets its own buffer; reads stay large', () => {
    const big = new Uint8Array(70_000).map((_, i) => i & 0xff);
    const bytes = concat([
      encodeFrame(hotLayout, Uint8Array.of(1)),
      encodeFrame(hotLayout, big),
      encodeFrame(hotLayout, Uint8Array.of(2)),
    ]);
    const h = memHandle(bytes);
    const seen: number[] = [];
    const stop = scanFileFrames(
      h,
      hotLayout,
      (s, e) => {
        seen.push(e - s);
      },
      { chunkSize: 4096 },
    );
    expect(seen).toEqual([1, 70_000, 1]);
    expect(stop).toEqual({ reason: 'end', offset: bytes.length });
    expect(h.reads).toBeLessThan(5);
  });

  it('a huge length is a torn tail, decided from the file size without allocating for it', () => {
    const bytes = concat([encodeFrame(hotLayout, Uint8Array.of(1)), Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0)]);
    const stop = scanFileFrames(memHandle(bytes), hotLayout, () => {}, { chunkSize: 8 });
    expect(stop).toEqual({ reason: 'torn', offset: 9, available: 8, needed: 8 + 0xffffffff });
  });

  it('the visitor can stop the scan', () => {
    const bytes = concat([encodeFrame(hotLayout, Uint8Array.of(1)), encodeFrame(hotLayout, Uint8Array.of(2))]);
    const stop = scanFileFrames(memHandle(bytes), hotLayout, () => false);
    expect(stop).toEqual({ reason: 'stopped', offset: 9 });
  });

  it('works over a real Fs handle (SimFs)', () => {
    const fs = new SimFs();
    const bytes = concat([
      encodeFrame(segmentLayout, Uint8Array.of(1, 2)),
      encodeFrame(segmentLayout, Uint8Array.of(3)),
    ]);
    fs.put('/x.log', bytes);
    const h = fs.open('/x.log');
    const seen: number[][] = [];
    scanFileFrames(
      h,
      segmentLayout,
      (s, e, _at, buf) => {
        seen.push([...buf.subarray(s, e)]);
      },
      { chunkSize: 3 },
    );
    expect(seen).toEqual([[1, 2], [3]]);
  });
});

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

  it('reserve/seal write in place; mark/truncate drop a rejected tail; growth past FRAME_BATCH_ARENA_FROM keeps the bytes', () => {
    const batch = new FrameBatch(segmentLayout, 0);
    const parts: Uint8Array[] = [];
    let i = 0;
    while (batch.length < 3 * FRAME_BATCH_ARENA_FROM) {
      const payload = new Uint8Array(100 + (i % 700)).map((_, k) => (k + i) & 0xff);
      const ps = batch.reserve(payload.length + 10);
      batch.buffer.set(payload, ps);
      batch.seal(ps + payload.length);
      parts.push(encodeFrame(segmentLayout, payload));
      i++;
    }
    expect(batch.bytes).toEqual(concat(parts));
    const mark = batch.mark();
    batch.add(new Uint8Array(5000));
    batch.add(new Uint8Array(7));
    batch.truncate(mark);
    expect(batch.count).toBe(parts.length);
    expect(batch.bytes).toEqual(concat(parts));
    expect(
      isLogspecError(
        errorOf(() => batch.seal(0)),
        CoreCode.OUT_OF_RANGE,
      ),
    ).toBe(true);
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
