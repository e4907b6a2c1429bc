import { crc32c, sha256Hex } from '@logspec/core';
import { wordsEqualAt } from './records/as-written.js';

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

/** `crc32cUpper(data, start, end) === hex`, without building the string. */
export function crc32cMatches(data: Uint8Array, start: number, end: number, hex: string): boolean {
  if (hex.length !== 8) return false;
  const c = crc32c(data, start, end);
  for (let k = 0; k < 8; k++) {
    const d = (c >>> (28 - 4 * k)) & 0xf;
    if (hex.charCodeAt(k) !== (d < 10 ? 0x30 + d : 0x37 + d)) return false;
  }
  return true;
}

/** SHA-256 (lower-case hex) and byte count of a payload's exact bytes. */
export function payloadHashAndSize(data: Uint8Array, start = 0, end = data.length): { sha256: string; bytes: number } {
  const view = start === 0 && end === data.length ? data : data.subarray(start, end);
  return { sha256: sha256Hex(view), bytes: end - start };
}

const chainBuf = new Uint8Array(128);

/** `chainBuf`'s halves, and the encoder that fills them (far cheaper than `charCodeAt` loops). */
const chainLo = chainBuf.subarray(0, 64);
const chainHi = chainBuf.subarray(64, 128);
const chainHiView = new DataView(chainBuf.buffer, 64, 64);
const utf8Encoder = new TextEncoder();

/** Writes `s` into `out` (64 bytes); true when `s` is 64 ASCII characters. */
function put64(s: string, out: Uint8Array): boolean {
  if (s.length !== 64) return false;
  const r = utf8Encoder.encodeInto(s, out);
  return r.read === 64 && r.written === 64;
}

/** One chain step: sha256_hex(prev_hex_ascii ‖ payload_sha256_hex_ascii). */
export function chainHashStep(prev: string, payloadSha256: string): string {
  if (put64(prev, chainLo) && put64(payloadSha256, chainHi)) return sha256Hex(chainBuf);
  // A hand-made frame can carry any string as its payloadSha256: hash its UTF-8 bytes.
  return sha256Hex(utf8Encoder.encode(prev + payloadSha256));
}

/**
 * For the open scan: when the 64 bytes at `b[at, at+64)` spell `sha` (a payload's computed
 * hash, 64 lower-case hex digits), `chainHashStep(prev, sha)`; otherwise `undefined`. The
 * hash goes into the chain step's input first and is compared from there, four bytes at a time.
 */
export function chainStepIfClaimed(prev: string, sha: string, b: Uint8Array, at: number): string | undefined {
  if (!put64(sha, chainHi) || !wordsEqualAt(b, at, chainHiView, 64)) return undefined;
  return put64(prev, chainLo) ? sha256Hex(chainBuf) : chainHashStep(prev, sha);
}
