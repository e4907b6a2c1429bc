// The browser entry: no node:crypto backend is installed, so SHA-256 waits for hash-wasm.
// (Vitest isolates modules per file, so nothing from the Node entry leaks in here.)
import { describe, expect, it } from 'vitest';
import { CoreCode, checksumsReady, crc32, crc32c, isLogspecError, sha256Hex, utf8Encode } from '../src/index.js';

describe('checksums without the Node backend', () => {
  it('SHA-256 is NOT_READY until checksumsReady() has loaded WebAssembly; CRCs are always ready', async () => {
    let caught: unknown;
    try {
      sha256Hex(utf8Encode('abc'));
    } catch (e) {
      caught = e;
    }
    expect(isLogspecError(caught, CoreCode.NOT_READY)).toBe(true);
    expect(crc32(utf8Encode('123456789'))).toBe(0xcbf43926);
    expect(crc32c(utf8Encode('123456789'))).toBe(0xe3069283);
    await checksumsReady();
    await checksumsReady(); // idempotent
    expect(sha256Hex(utf8Encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
