/** Plain ASCII strings (no escapes) as bytes: built into strings, checked, compared. */

const fromCode = String.fromCharCode;

/**
 * `b[p, q)` (ASCII) as a string. Eight fixed arguments per `fromCharCode` call: several times
 * faster than `fromCharCode.apply` on a `subarray` for the short ids and hex strings here.
 */
export function asciiString(b: Uint8Array, p: number, q: number): string {
  let s = '';
  let i = p;
  for (; i + 8 <= q; i += 8) {
    s += fromCode(
      b[i] as number,
      b[i + 1] as number,
      b[i + 2] as number,
      b[i + 3] as number,
      b[i + 4] as number,
      b[i + 5] as number,
      b[i + 6] as number,
      b[i + 7] as number,
    );
  }
  if (i < q && i + 8 <= b.length) {
    s += fromCode(
      b[i] as number,
      b[i + 1] as number,
      b[i + 2] as number,
      b[i + 3] as number,
      b[i + 4] as number,
      b[i + 5] as number,
      b[i + 6] as number,
      b[i + 7] as number,
    ).slice(0, q - i);
  } else {
    for (; i < q; i++) s += fromCode(b[i] as number);
  }
  return s;
}

/** `b[p, q)` is plain ASCII: printable, no quote and no backslash (a JSON string's bytes without escapes). */
export function isPlainAscii(b: Uint8Array, p: number, q: number): boolean {
  for (let i = p; i < q; i++) {
    const c = b[i] as number;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7f) return false;
  }
  return true;
}

/** Bytes `b[p, q)` equal the ASCII string `s`. */
export function bytesEqual(b: Uint8Array, p: number, q: number, s: string): boolean {
  if (q - p !== s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[p + i] !== s.charCodeAt(i)) return false;
  return true;
}
