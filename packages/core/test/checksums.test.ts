import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CoreCode,
  crc32,
  crc32c,
  crc32cJs,
  crc32Js,
  loadWasmSha256,
  setNativeCrc,
  sha256Hex,
  utf8Encode,
} from '../src/index.node.js';
import { NATIVE_CRC_THRESHOLD } from '../src/native-checksums.js';

const require = createRequire(import.meta.url);
const nodeRs = require('@node-rs/crc32') as {
  crc32: (d: Uint8Array, seed?: number) => number;
  crc32c: (d: Uint8Array, seed?: number) => number;
};
const zlibCrc32 = (zlib as { crc32?: (d: Uint8Array, seed?: number) => number }).crc32;

const CHECK = utf8Encode('123456789');

/** Bytes with a window inside them and a seed (the previous CRC when chaining). */
const windowed = fc
  .uint8Array({ maxLength: 3 * NATIVE_CRC_THRESHOLD })
  .chain((b) =>
    fc.record({
      b: fc.constant(b),
      start: fc.integer({ min: 0, max: b.length }),
      len: fc.nat(b.length),
      seed: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffffffff })),
    }),
  )
  .map(({ b, start, len, seed }) => ({ b, start, end: Math.min(b.length, start + len), seed }));

describe('CRC-32 and CRC-32C', () => {
  it('check values', () => {
    for (const f of [crc32, crc32Js]) expect(f(CHECK)).toBe(0xcbf43926);
    for (const f of [crc32c, crc32cJs]) expect(f(CHECK)).toBe(0xe3069283);
    expect(nodeRs.crc32(Buffer.from(CHECK))).toBe(0xcbf43926);
    expect(nodeRs.crc32c(Buffer.from(CHECK))).toBe(0xe3069283);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
  });

  it('JS, native and the dispatching entry agree on any window and seed', () => {
    fc.assert(
      fc.property(windowed, ({ b, start, end, seed }) => {
        const w = b.subarray(start, end);
        const c = crc32cJs(b, start, end, seed);
        expect(crc32c(b, start, end, seed)).toBe(c);
        expect(nodeRs.crc32c(w, seed) >>> 0).toBe(c);
        const i = crc32Js(b, start, end, seed);
        expect(crc32(b, start, end, seed)).toBe(i);
        expect(nodeRs.crc32(w, seed) >>> 0).toBe(i);
        // zlib.crc32 (Node 20.20) returns 0, not the seed, for an empty Uint8Array: the
        // fallback in native-checksums.ts never sees one (threshold), and guards it anyway.
        if (zlibCrc32 && w.length > 0) expect(zlibCrc32(w, seed) >>> 0).toBe(i);
      }),
      { numRuns: 300 },
    );
  });

  it('chains: crc(a ‖ b) = crc(b, seed = crc(a))', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 9000 }), fc.uint8Array({ maxLength: 9000 }), (a, b) => {
        const ab = new Uint8Array([...a, ...b]);
        for (const f of [crc32, crc32c, crc32Js, crc32cJs]) expect(f(b, 0, b.length, f(a))).toBe(f(ab));
      }),
      { numRuns: 60 },
    );
  });

  it('a window outside the buffer is CORE_OUT_OF_RANGE on both paths', () => {
    const small = new Uint8Array(10);
    const big = new Uint8Array(NATIVE_CRC_THRESHOLD * 2);
    for (const [b, s, e] of [
      [small, -1, 5],
      [small, 0, 11],
      [small, 6, 5],
      [small, 0.5, 4],
      [small, 0, Number.NaN],
      [big, 0, big.length + 1],
      [big, -8, big.length],
    ] as const) {
      for (const f of [crc32, crc32c, crc32Js, crc32cJs]) {
        expect(() => f(b, s, e)).toThrow(expect.objectContaining({ code: CoreCode.OUT_OF_RANGE }));
      }
    }
  });

  describe('native dispatch', () => {
    afterAll(() => {
      setNativeCrc('crc32c', (d, seed) => nodeRs.crc32c(d, seed) >>> 0, NATIVE_CRC_THRESHOLD);
      setNativeCrc('crc32', (d, seed) => nodeRs.crc32(d, seed) >>> 0, NATIVE_CRC_THRESHOLD);
    });
    it('sends windows of at least the threshold to the native backend, with the seed', () => {
      const calls: { len: number; first: number; seed: number }[] = [];
      setNativeCrc(
        'crc32c',
        (d, seed) => {
          calls.push({ len: d.length, first: d[0] as number, seed });
          return nodeRs.crc32c(d, seed) >>> 0;
        },
        100,
      );
      const b = new Uint8Array(300).map((_, i) => i & 0xff);
      expect(crc32c(b, 10, 109, 5)).toBe(crc32cJs(b, 10, 109, 5));
      expect(calls).toEqual([]);
      expect(crc32c(b, 10, 110, 5)).toBe(crc32cJs(b, 10, 110, 5));
      expect(calls).toEqual([{ len: 100, first: 10, seed: 5 }]);
      setNativeCrc('crc32c', undefined, 0);
      expect(crc32c(b)).toBe(crc32cJs(b));
      expect(calls).toHaveLength(1);
    });
  });
});

describe('SHA-256', () => {
  it('check values', () => {
    expect(sha256Hex(utf8Encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('the Node backend and the WebAssembly (browser) backend agree with createHash', async () => {
    const wasm = await loadWasmSha256();
    expect(wasm(utf8Encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (b) => {
        const want = createHash('sha256').update(b).digest('hex');
        expect(sha256Hex(b)).toBe(want);
        expect(wasm(b)).toBe(want);
      }),
      { numRuns: 200 },
    );
  });
});
