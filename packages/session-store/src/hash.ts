import { crc32c, sha256Hex } from '@logspec/core';

/** The chain hash before any entry: 64 `'0'` characters. */
export const GENESIS_CHAIN_HASH = '0'.repeat(64);
/** `last_crc32c` of an empty store. */
export const EMPTY_CRC32C = '00000000';

const HEX_UPPER: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

/** CRC-32C of `data[start, end)` as 8 upper-case hex digits (`{:08X}`). */
export function crc32cUpper(data: Uint8Array, start = 0, end = data.length): string {
  const c = crc32c(data, start, end);
  return (
    (HEX_UPPER[c >>> 24] as string) +
    (HEX_UPPER[(c >>> 16) & 0xff] as string) +
    (HEX_UPPER[(c >>> 8) & 0xff] as string) +
    (HEX_UPPER[c & 0xff] as string)
  );
}

/** SHA-256 (lower-case hex) and byte count of a payload's exact bytes. */
export function payloadHashAndSize(data: Uint8Array, start = 0, end = data.length): { sha256: string; bytes: number } {
  const view = start === 0 && end === data.length ? data : data.subarray(start, end);
  return { sha256: sha256Hex(view), bytes: end - start };
}

const chainBuf = new Uint8Array(128);

/** One chain step: sha256_hex(prev_hex_ascii ‖ payload_sha256_hex_ascii). */
export function chainHashStep(prev: string, payloadSha256: string): string {
  if (prev.length === 64 && payloadSha256.length === 64) {
    let high = 0;
    for (let i = 0; i < 64; i++) {
      const a = prev.charCodeAt(i);
      const b = payloadSha256.charCodeAt(i);
      chainBuf[i] = a;
      chainBuf[64 + i] = b;
      high |= a | b;
    }
    if (high < 0x80) return sha256Hex(chainBuf);
  }
  // A hand-made frame can carry any string as its payloadSha256: hash its UTF-8 bytes.
  return sha256Hex(new TextEncoder().encode(prev + payloadSha256));
}
