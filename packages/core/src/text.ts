import { CoreCode, type FormatName, LogspecError } from './errors.js';

/** Bytes as text: UTF-8 (strict, or lossy as Rust's `from_utf8_lossy`) and hex. */

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossyDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
export const encoder = new TextEncoder();

export function utf8Encode(s: string): Uint8Array {
  return encoder.encode(s);
}

/**
 * Decodes UTF-8 (a BOM is kept as U+FEFF, as Rust keeps it). `lossy` maps each maximal
 * invalid subsequence to one U+FFFD, as Rust's `from_utf8_lossy` does; strict decoding
 * throws `CORE_BAD_UTF8` at `opts.offset` with `details.validUpTo` (Rust's `valid_up_to`).
 */
export function utf8Decode(
  bytes: Uint8Array,
  opts: { lossy?: boolean; format?: FormatName; offset?: number } = {},
): string {
  if (opts.lossy) return lossyDecoder.decode(bytes);
  try {
    return strictDecoder.decode(bytes);
  } catch (cause) {
    const validUpTo = utf8ValidUpTo(bytes);
    throw new LogspecError(opts.format ?? 'core', CoreCode.BAD_UTF8, `invalid UTF-8 after ${validUpTo} valid bytes`, {
      offset: opts.offset,
      details: { validUpTo },
      cause,
    });
  }
}

/** Length of the longest valid UTF-8 prefix (Unicode table 3-7); only used on the error path. */
export function utf8ValidUpTo(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    let more: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) more = 1;
    else if (c === 0xe0) [more, lo] = [2, 0xa0];
    else if (c === 0xed) [more, hi] = [2, 0x9f];
    else if (c >= 0xe1 && c <= 0xef) more = 2;
    else if (c === 0xf0) [more, lo] = [3, 0x90];
    else if (c === 0xf4) [more, hi] = [3, 0x8f];
    else if (c >= 0xf1 && c <= 0xf3) more = 3;
    else return i;
    for (let k = 1; k <= more; k++) {
      const x = b[i + k];
      if (x === undefined || x < (k === 1 ? lo : 0x80) || x > (k === 1 ? hi : 0xbf)) return i;
    }
    i += more + 1;
  }
  return n;
}

export function hexEncode(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i] as number];
  return s;
}
const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function hexDecode(hex: string, format: FormatName = 'core'): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new LogspecError(format, CoreCode.OUT_OF_RANGE, 'hex string must have an even number of hex digits');
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
