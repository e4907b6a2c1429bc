/**
 * How the original cuts JSONL: `read_line` through `take(100 MiB)`, `str::trim()` for blank
 * lines, and `trim_end_matches('\n').trim_end_matches('\r')` before parsing.
 */

/** `MAX_FRAME_READ_BYTES`: the longest line (including `\n`) the original reads. */
export const MAX_LINE_BYTES = 100 * 1024 * 1024;

/** Code points of Unicode `White_Space` (Rust's `char::is_whitespace`, used by `str::trim`). */
function isRustWhitespace(cp: number): boolean {
  if (cp <= 0x20) return cp === 0x20 || (cp >= 0x09 && cp <= 0x0d);
  if (cp < 0x85) return false;
  return (
    cp === 0x85 ||
    cp === 0xa0 ||
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  );
}

/** `line.trim().is_empty()` for valid UTF-8 `b[start, end)`. */
export function isBlankLine(b: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const c = b[i] as number;
    let cp: number;
    let n: number;
    if (c < 0x80) {
      cp = c;
      n = 1;
    } else if (c < 0xe0) {
      cp = ((c & 0x1f) << 6) | ((b[i + 1] as number) & 0x3f);
      n = 2;
    } else if (c < 0xf0) {
      cp = ((c & 0x0f) << 12) | (((b[i + 1] as number) & 0x3f) << 6) | ((b[i + 2] as number) & 0x3f);
      n = 3;
    } else return false; // no 4-byte code point is whitespace
    if (!isRustWhitespace(cp)) return false;
    i += n;
  }
  return true;
}

/** End of the JSON text of a line: without its `\n`, then without trailing `\r`s. */
export function jsonLineEnd(b: Uint8Array, start: number, end: number): number {
  let e = end;
  if (e > start && b[e - 1] === 0x0a) e--;
  while (e > start && b[e - 1] === 0x0d) e--;
  return e;
}

/** End of a frame read by index row: the original pops exactly one trailing `\n`. */
export function frameTextEnd(b: Uint8Array): number {
  return b.length > 0 && b[b.length - 1] === 0x0a ? b.length - 1 : b.length;
}
