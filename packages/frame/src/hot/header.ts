import { HotCode, hotframeError } from './codes.js';

/** `0x4b41495a454e484f` written little-endian: the bytes of "OHNEZIAK". */
export const HOT_MAGIC = Uint8Array.of(0x4f, 0x48, 0x4e, 0x45, 0x5a, 0x49, 0x41, 0x4b);
export const HOT_VERSION = 1;
/** Magic (8) + version u32 LE (4); the first frame starts here. */
export const HOT_HEADER_LEN = 12;
/** The only header logspec (and the original) writes. */
export const HOT_HEADER = Uint8Array.of(...HOT_MAGIC, HOT_VERSION, 0, 0, 0);

export type HeaderCheck =
  /** A full, valid header. */
  | { state: 'valid' }
  /** Empty file: no header yet. */
  | { state: 'empty' }
  /** 1–11 bytes that are a prefix of the header: a crash cut the header's write. */
  | { state: 'torn'; length: number };

/**
 * Checks the first bytes of a hot log (`head` holds `min(size, 12)` bytes of a file of `size`
 * bytes). Throws `HOT_BAD_MAGIC`/`HOT_BAD_VERSION` for anything that is not (a prefix of) the
 * header. Note the original's reader skips this check for files of ≤ 12 bytes (HOT-R-002).
 */
export function checkHotHeader(head: Uint8Array, size: number): HeaderCheck {
  const n = Math.min(size, HOT_HEADER_LEN, head.length);
  for (let i = 0; i < n; i++) {
    if (head[i] !== HOT_HEADER[i]) {
      if (i < 8) {
        throw hotframeError(HotCode.BAD_MAGIC, 'invalid hot log header: bad magic', i, {
          expected: 'OHNEZIAK',
        });
      }
      throw hotframeError(HotCode.BAD_VERSION, 'invalid hot log header: unsupported version', 8, {
        version: n >= 12 ? new DataView(head.buffer, head.byteOffset, 12).getUint32(8, true) : null,
      });
    }
  }
  if (size === 0) return { state: 'empty' };
  if (size < HOT_HEADER_LEN) return { state: 'torn', length: size };
  return { state: 'valid' };
}
