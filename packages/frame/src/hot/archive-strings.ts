/**
 * Turning validated archive bytes into JS strings (and the DataView they are read through).
 * Every function here reads bytes that `checkArchive` has already validated, so none of them
 * validates again; none throws either, even on bytes changed since (they then answer garbage).
 */

/** One DataView per buffer, kept for the next call: decoding a scan's frames reuses it. */
let lastBuffer: Uint8Array | undefined;
let lastView: DataView | undefined;
export function viewOf(b: Uint8Array): DataView {
  if (b !== lastBuffer || lastView === undefined) {
    lastView = new DataView(b.buffer, b.byteOffset, b.byteLength);
    lastBuffer = b;
  }
  return lastView;
}

/**
 * The index of the first byte ≥ 0x80 in `b[s, e)`, or `e`. Eight bytes a step: archive bodies
 * are mostly ASCII, and this is the whole UTF-8 check for them.
 */
export function asciiEnd(b: Uint8Array, v: DataView, s: number, e: number): number {
  let i = s;
  while (i + 8 <= e && ((v.getInt32(i, true) | v.getInt32(i + 4, true)) & 0x80808080) === 0) i += 8;
  while (i < e && (b[i] as number) < 0x80) i++;
  return i;
}

/** Not fatal: the bytes were validated before, and a getter must not throw if they changed since. */
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * The string of an out-of-line body `b[s, s + n)` (`ascii`: no byte ≥ 0x80). Short ASCII
 * strings skip TextDecoder, whose fixed cost dominates below a few dozen bytes.
 */
export function bodyString(b: Uint8Array, s: number, n: number, ascii: boolean): string {
  if (ascii && n <= SHORT_MAX) return asciiString(b, s, n);
  return decoder.decode(b.subarray(s, s + n));
}

/**
 * The text of `b[s, e)` if it is all ASCII, else undefined: one fatal decode does both, since
 * valid UTF-8 has as many UTF-16 units as bytes only if it is ASCII (a lossy decoder would map a
 * lone bad byte to one unit and hide it).
 */
export function asciiText(b: Uint8Array, s: number, e: number): string | undefined {
  let text: string;
  try {
    text = fatalDecoder.decode(b.subarray(s, e));
  } catch {
    return undefined;
  }
  return text.length === e - s ? text : undefined;
}

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The inline string in the 8 bytes at `at` (its bytes up to the first `FF`). Inline strings
 * (kind and source names, tool names, short ids) repeat from event to event: a direct-mapped
 * cache keyed by the field's two words answers them without reading a byte. The key is the
 * whole field, so an entry is exact, never a guess.
 */
export function inlineString(b: Uint8Array, v: DataView, at: number): string {
  const lo = v.getInt32(at, true);
  const hi = v.getInt32(at + 4, true);
  const slot = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) >>> (32 - INLINE_BITS);
  if (inlineLo[slot] === lo && inlineHi[slot] === hi) return inlineStr[slot] as string;
  let n = 0;
  let high = 0;
  while (n < 8) {
    const c = b[at + n] as number;
    if (c === 0xff) break;
    high |= c;
    n++;
  }
  const s = high < 0x80 ? asciiString(b, at, n) : decoder.decode(b.subarray(at, at + n));
  inlineLo[slot] = lo;
  inlineHi[slot] = hi;
  inlineStr[slot] = s;
  return s;
}

/** Longest ASCII string built with one `fromCharCode` call rather than TextDecoder. */
const SHORT_MAX = 16;

const INLINE_BITS = 10;
// Eight FF bytes are the empty string: a correct entry for every slot to start with.
const inlineLo = new Int32Array(1 << INLINE_BITS).fill(-1);
const inlineHi = new Int32Array(1 << INLINE_BITS).fill(-1);
const inlineStr: string[] = new Array<string>(1 << INLINE_BITS).fill('');

/**
 * ASCII bytes (at most {@link SHORT_MAX}) to a string without a TextDecoder call. One
 * `fromCharCode` call with the bytes as arguments: several times faster than `apply` on an array.
 */
// biome-ignore format: one line per length
function asciiString(b: Uint8Array, s: number, n: number): string {
  const f = String.fromCharCode;
  switch (n) {
    case 0: return '';
    case 1: return f(b[s]!);
    case 2: return f(b[s]!, b[s + 1]!);
    case 3: return f(b[s]!, b[s + 1]!, b[s + 2]!);
    case 4: return f(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!);
    case 5: return f(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!);
    case 6: return f(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!);
    case 7: return f(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!);
    case 8: return f(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!);
    case 9: return f(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!);
    case 10: return f(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!);
    case 11: return f(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!);
    case 12: return f(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!);
    case 13: return f(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!);
    case 14: return f(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!, b[s + 13]!);
    case 15: return f(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!, b[s + 13]!, b[s + 14]!);
    case 16: return f(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!, b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!, b[s + 13]!, b[s + 14]!, b[s + 15]!);
    default: return '';
  }
}
