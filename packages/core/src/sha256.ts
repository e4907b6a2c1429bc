import { CoreCode, LogspecError } from './errors.js';

/** A synchronous SHA-256 returning lower-case hex. */
export type Sha256Hex = (data: Uint8Array) => string;

let backend: Sha256Hex | undefined;
let loading: Promise<void> | undefined;

/** Installs the SHA-256 backend (the Node entry installs `crypto.hash`). */
export function setSha256Backend(f: Sha256Hex): void {
  backend = f;
}

/**
 * Resolves once every checksum is usable synchronously. In Node that is at once; in a
 * browser it loads hash-wasm's SHA-256 (WebAssembly instantiation is async).
 */
export function checksumsReady(): Promise<void> {
  if (backend) return Promise.resolve();
  loading ??= import('hash-wasm').then(async ({ createSHA256 }) => {
    const h = await createSHA256();
    backend ??= (data) => h.init().update(data).digest('hex');
  });
  return loading;
}

/** SHA-256 of `data` as 64 lower-case hex digits; check value sha256("abc") = ba7816bf…. */
export function sha256Hex(data: Uint8Array): string {
  if (!backend) {
    throw new LogspecError('core', CoreCode.NOT_READY, 'SHA-256 backend not loaded: await checksumsReady() first');
  }
  return backend(data);
}
