/**
 * The generator behind the inputs of `original bench` (its `common::Prng`): SplitMix64 with a
 * stream offset. Re-implemented on 32-bit halves so that building a 1 MiB payload pool takes
 * milliseconds (a bigint per step took about a second); `prng.test.ts` checks it against a
 * bigint SplitMix64 and the published first output for seed 0.
 */

const GAMMA_HI = 0x9e3779b9;
const GAMMA_LO = 0x7f4a7c15;

/** Low 64 bits of (aHi:aLo) × (bHi:bLo), as [hi, lo] unsigned 32-bit words. */
function mul64(aHi: number, aLo: number, bHi: number, bLo: number): [number, number] {
  const a0 = aLo & 0xffff;
  const a1 = aLo >>> 16;
  const b0 = bLo & 0xffff;
  const b1 = bLo >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const lo = ((mid << 16) | (p00 & 0xffff)) >>> 0;
  const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  const hi = (carry + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0;
  return [hi, lo];
}

export class Prng {
  private hi: number;
  private lo: number;
  /** The last output, as two words (`next()` fills them). */
  outHi = 0;
  outLo = 0;

  constructor(seed: number, stream: number) {
    // seed ^ stream * GAMMA (wrapping); both are small integers in the bench
    const [h, l] = mul64(0, stream >>> 0, GAMMA_HI, GAMMA_LO);
    this.hi = h;
    this.lo = (l ^ (seed >>> 0)) >>> 0;
  }

  /** Advances; the output is in `outHi`/`outLo`. */
  next(): void {
    const lo = this.lo + GAMMA_LO;
    this.lo = lo >>> 0;
    this.hi = (this.hi + GAMMA_HI + (lo > 0xffffffff ? 1 : 0)) >>> 0;
    let h = this.hi;
    let l = this.lo;
    // z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
    [h, l] = mul64((h ^ (h >>> 30)) >>> 0, (l ^ ((l >>> 30) | (h << 2))) >>> 0, 0xbf58476d, 0x1ce4e5b9);
    // z = (z ^ (z >> 27)) * 0x94D049BB133111EB
    [h, l] = mul64((h ^ (h >>> 27)) >>> 0, (l ^ ((l >>> 27) | (h << 5))) >>> 0, 0x94d049bb, 0x133111eb);
    // z ^ (z >> 31)
    this.outLo = (l ^ ((l >>> 31) | (h << 1))) >>> 0;
    this.outHi = (h ^ (h >>> 31)) >>> 0;
  }

  /** The next output as a bigint (for tests and the rare caller that wants all 64 bits). */
  nextBig(): bigint {
    this.next();
    return (BigInt(this.outHi) << 32n) | BigInt(this.outLo);
  }

  /** `next_u64() % n`. */
  below(n: number): number {
    if (n === 0) return 0;
    return Number(this.nextBig() % BigInt(n));
  }

  /** `bytes(n)`: the low byte of each of `n` outputs. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      this.next();
      out[i] = this.outLo & 0xff;
    }
    return out;
  }
}
