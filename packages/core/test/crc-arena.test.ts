import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CoreCode,
  crc32,
  crc32c,
  crc32cJs,
  crc32cWasm,
  crc32Js,
  crc32Wasm,
  crcKernelAvailable,
  createCrcArena,
  isLogspecError,
  KERNEL_CRC_FROM,
  MAX_CRC_ARENA,
  setKernelCrcThreshold,
  utf8Encode,
} from '../src/index.js';
import { thrownBy as errorOf } from '../src/testing.js';

const CHECK = utf8Encode('123456789');

afterEach(() => setKernelCrcThreshold(KERNEL_CRC_FROM));

describe('the WebAssembly CRC kernel', () => {
  it('is available under Node', () => {
    expect(crcKernelAvailable()).toBe(true);
    expect(createCrcArena(16).wasm).toBe(true);
  });

  it('gives the check values', () => {
    for (const prefer of ['wasm', 'js'] as const) {
      const arena = createCrcArena(64, prefer);
      arena.bytes.set(CHECK, 5);
      expect(arena.crc32(5, 14)).toBe(0xcbf43926);
      expect(arena.crc32c(5, 14)).toBe(0xe3069283);
    }
    expect(crc32Wasm(CHECK)).toBe(0xcbf43926);
    expect(crc32cWasm(CHECK)).toBe(0xe3069283);
  });

  it('arena windows (wasm and js) equal the JS loop, with seeds, at every alignment', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 700 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 0xffffffff }),
        (data, a, b, seed) => {
          const start = data.length === 0 ? 0 : a % (data.length + 1);
          const end = start + (data.length === 0 ? 0 : b % (data.length - start + 1));
          const wasm = createCrcArena(data.length + 3);
          const js = createCrcArena(data.length + 3, 'js');
          wasm.bytes.set(data, 3);
          js.bytes.set(data, 3);
          const want32 = crc32Js(data, start, end, seed);
          const want32c = crc32cJs(data, start, end, seed);
          expect(wasm.crc32(start + 3, end + 3, seed)).toBe(want32);
          expect(js.crc32(start + 3, end + 3, seed)).toBe(want32);
          expect(wasm.crc32c(start + 3, end + 3, seed)).toBe(want32c);
          expect(js.crc32c(start + 3, end + 3, seed)).toBe(want32c);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the one-copy path equals the JS loop, including inputs larger than its 64 KiB scratch', () => {
    const big = new Uint8Array(200_003);
    for (let i = 0; i < big.length; i++) big[i] = (Math.imul(i, 2654435761) >>> 24) & 0xff;
    expect(crc32Wasm(big)).toBe(crc32Js(big));
    expect(crc32cWasm(big, 7, 199_000, 0x1234)).toBe(crc32cJs(big, 7, 199_000, 0x1234));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat(), (data, s) => {
        const start = s % (data.length + 1);
        expect(crc32Wasm(data, start)).toBe(crc32Js(data, start));
        expect(crc32cWasm(data, start)).toBe(crc32cJs(data, start));
      }),
    );
  });

  it('core crc32/crc32c agree with the JS loop on both sides of the kernel threshold', () => {
    const data = new Uint8Array(4096).map((_, i) => i * 31);
    for (const n of [0, 1, KERNEL_CRC_FROM - 1, KERNEL_CRC_FROM, 200, 511, 512, 4000]) {
      expect(crc32(data, 3, 3 + n)).toBe(crc32Js(data, 3, 3 + n));
      expect(crc32c(data, 3, 3 + n)).toBe(crc32cJs(data, 3, 3 + n));
    }
    setKernelCrcThreshold(Number.POSITIVE_INFINITY);
    expect(crc32(data, 3, 303)).toBe(crc32Js(data, 3, 303));
  });

  it('refuses windows outside the arena and non-integer bounds with CORE_OUT_OF_RANGE', () => {
    for (const prefer of ['wasm', 'js'] as const) {
      const arena = createCrcArena(32, prefer);
      for (const [s, e] of [
        [-1, 4],
        [0, 33],
        [5, 4],
        [0.5, 4],
        [0, Number.NaN],
      ] as const) {
        expect(
          isLogspecError(
            errorOf(() => arena.crc32(s, e)),
            CoreCode.OUT_OF_RANGE,
          ),
        ).toBe(true);
        expect(
          isLogspecError(
            errorOf(() => arena.crc32c(s, e)),
            CoreCode.OUT_OF_RANGE,
          ),
        ).toBe(true);
      }
    }
    expect(
      isLogspecError(
        errorOf(() => crc32Wasm(CHECK, 0, 10)),
        CoreCode.OUT_OF_RANGE,
      ),
    ).toBe(true);
  });

  it('refuses arena sizes outside [0, MAX_CRC_ARENA]', () => {
    for (const size of [-1, 1.5, MAX_CRC_ARENA + 1, Number.NaN]) {
      expect(
        isLogspecError(
          errorOf(() => createCrcArena(size)),
          CoreCode.OUT_OF_RANGE,
        ),
      ).toBe(true);
    }
    expect(createCrcArena(0).bytes.length).toBe(0);
  });

  it('arenas have separate memories: creating one never detaches or changes another', () => {
    const a = createCrcArena(1000);
    a.bytes.fill(7);
    const view = a.bytes.subarray(10, 20);
    const b = createCrcArena(5_000_000);
    b.bytes.fill(9);
    expect(view.length).toBe(10);
    expect([...view]).toEqual(new Array(10).fill(7));
    expect(a.crc32(0, 1000)).toBe(crc32Js(new Uint8Array(1000).fill(7)));
  });
});
