/**
 * A small seeded PRNG (mulberry32) so every crash, garbage byte and fault is reproducible
 * from the seed printed in a failing test.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n) (0 when n <= 0). */
  int(n: number): number;
  /** `n` random bytes. */
  bytes(n: number): Uint8Array;
}

export function makeRng(seed: number): Rng {
  let a = seed >>> 0;
  const u32 = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return {
    next: () => u32() / 4294967296,
    int: (n) => (n <= 0 ? 0 : Math.floor((u32() / 4294967296) * n)),
    bytes: (n) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = u32() & 0xff;
      return out;
    },
  };
}

/** Mixes several integers into one 32-bit seed (so point × mode seeds do not collide). */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x01000193) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
    h ^= h >>> 15;
  }
  return h >>> 0;
}
