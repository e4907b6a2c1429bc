/**
 * serde_json's `ignore_value` as a yes/no answer, without building anything or throwing: is
 * `b[p, end)` exactly one JSON value (no whitespace around it) within the recursion limit?
 * The hot paths use it — the payload check of every append, and the payload of every frame
 * read as written (`records/as-written.ts`). When it says no, callers take `JsonReader`,
 * which finds the same answer and names serde's error and its position.
 */

const EMPTY_VIEW = new DataView(new ArrayBuffer(0));
/** The view of the buffer being checked (for four-byte reads); dropped after each call. */
let view: DataView = EMPTY_VIEW;

const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;
const stack = new Uint8Array(130);
/** Bytes that need no attention inside a string: printable ASCII except `"` and `\`. */
const STR_PLAIN = new Uint8Array(256);
for (let c = 0x20; c < 0x80; c++) STR_PLAIN[c] = c === 0x22 || c === 0x5c ? 0 : 1;

/** Set by `isOneJsonValue` when a string held a byte ≥ 0x80 (only then is UTF-8 worth checking). */
export let nonAscii = false;

/** After a string's opening quote: serde's `ignore_str` (escapes checked, not UTF-8). Position after, or -1. */
function skipStr(b: Uint8Array, p: number, end: number): number {
  const wordEnd = Math.min(end, b.length) - 4;
  while (p < end) {
    // Four bytes at a time while none needs attention (SWAR: a byte ≥ 0x80, < 0x20, `"` or `\`).
    while (p <= wordEnd) {
      const x = view.getUint32(p, true);
      const q = x ^ 0x22222222;
      const s = x ^ 0x5c5c5c5c;
      if (
        (x & 0x80808080) |
        ((x - 0x20202020) & ~x & 0x80808080) |
        ((q - 0x01010101) & ~q & 0x80808080) |
        ((s - 0x01010101) & ~s & 0x80808080)
      ) {
        break;
      }
      p += 4;
    }
    if (p >= end) break;
    const c = b[p++] as number;
    if (STR_PLAIN[c] === 1) continue;
    if (c === 0x22) return p;
    if (c < 0x20) return -1;
    if (c >= 0x80) nonAscii = true;
    if (c === 0x5c) {
      if (p >= end) return -1;
      const e = b[p++] as number;
      if (e === 0x75) {
        if (
          p + 4 > end ||
          !HEX[b[p] as number] ||
          !HEX[b[p + 1] as number] ||
          !HEX[b[p + 2] as number] ||
          !HEX[b[p + 3] as number]
        ) {
          return -1;
        }
        p += 4;
      } else if (
        !(e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74)
      ) {
        return -1;
      }
    }
  }
  return -1;
}

function digit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/** A JSON number (serde's `ignore_number` grammar). Position after, or -1. */
function skipNum(b: Uint8Array, p: number, end: number): number {
  if (b[p] === 0x2d) p++;
  if (p >= end) return -1;
  if (b[p] === 0x30) p++;
  else if (digit(b[p])) while (p < end && digit(b[p])) p++;
  else return -1;
  if (p < end && b[p] === 0x2e) {
    p++;
    if (!(p < end && digit(b[p]))) return -1;
    while (p < end && digit(b[p])) p++;
  }
  if (p < end && (b[p] === 0x65 || b[p] === 0x45)) {
    p++;
    if (p < end && (b[p] === 0x2b || b[p] === 0x2d)) p++;
    if (!(p < end && digit(b[p]))) return -1;
    while (p < end && digit(b[p])) p++;
  }
  return p;
}

function word(b: Uint8Array, p: number, end: number, w: number[]): number {
  if (p + w.length > end) return -1;
  for (let i = 0; i < w.length; i++) if (b[p + i] !== w[i]) return -1;
  return p + w.length;
}
const NULL = [0x6e, 0x75, 0x6c, 0x6c];
const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];

function isWs(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * True when `b[p, end)` is exactly one JSON value (no surrounding whitespace) that serde's
 * `ignore_value` accepts with `depth` levels left. Never throws; allocates at most a DataView.
 */
/**
 * True when `b[p, end)` is exactly one JSON value (no surrounding whitespace) that serde's
 * `ignore_value` accepts with `depth` levels left. Never throws. `bView` is a DataView over
 * all of `b` when the caller holds one (else one is made for this call only).
 */
export function isOneJsonValue(b: Uint8Array, p: number, end: number, depth: number, bView?: DataView): boolean {
  view = bView ?? new DataView(b.buffer, b.byteOffset, b.byteLength);
  const ok = oneJsonValue(b, p, end, depth);
  view = EMPTY_VIEW;
  return ok;
}

function oneJsonValue(b: Uint8Array, p: number, end: number, depth: number): boolean {
  // No whitespace before the value: a raw value's bytes start at its first token.
  if (p >= end || isWs(b[p])) return false;
  nonAscii = false;
  let sp = 0;
  for (;;) {
    while (p < end && isWs(b[p])) p++;
    if (p >= end) return false;
    let c = b[p] as number;
    let frame: number;
    let acceptComma: boolean;
    if (c === 0x5b || c === 0x7b) {
      if (--depth === 0) return false;
      p++;
      frame = c;
      acceptComma = false;
    } else {
      if (c === 0x22) p = skipStr(b, p + 1, end);
      else if (c === 0x2d || digit(c)) p = skipNum(b, p, end);
      else if (c === 0x6e) p = word(b, p, end, NULL);
      else if (c === 0x74) p = word(b, p, end, TRUE);
      else if (c === 0x66) p = word(b, p, end, FALSE);
      else return false;
      if (p < 0) return false;
      if (sp === 0) return p === end;
      frame = stack[--sp] as number;
      acceptComma = true;
    }
    for (;;) {
      while (p < end && isWs(b[p])) p++;
      if (p >= end) return false;
      c = b[p] as number;
      if (c === 0x2c && acceptComma) {
        p++;
        break;
      }
      if ((c === 0x5d && frame === 0x5b) || (c === 0x7d && frame === 0x7b)) {
        p++;
        depth++;
        if (sp === 0) return p === end;
        frame = stack[--sp] as number;
        acceptComma = true;
        continue;
      }
      if (acceptComma) return false;
      break;
    }
    if (frame === 0x7b) {
      while (p < end && isWs(b[p])) p++;
      if (b[p] !== 0x22 || p >= end) return false;
      p = skipStr(b, p + 1, end);
      if (p < 0) return false;
      while (p < end && isWs(b[p])) p++;
      if (p >= end || b[p] !== 0x3a) return false;
      p++;
    }
    if (sp >= stack.length) return false;
    stack[sp++] = frame;
  }
}
