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
 * Builds the WebAssembly SHA-256 (hash-wasm) that browsers use, where neither `node:crypto`
 * nor a native binding exists. WebAssembly instantiation is async, hence the promise.
 */
export async function loadWasmSha256(): Promise<Sha256Hex> {
  const { createSHA256 } = await import('hash-wasm');
  const h = await createSHA256();
  return (data) => h.init().update(data).digest('hex');
}

/**
 * Resolves once every checksum is usable synchronously. In Node that is at once; in a
 * browser it loads hash-wasm's SHA-256. (The CRCs are plain JS and always ready.)
 */
export function checksumsReady(): Promise<void> {
  if (backend) return Promise.resolve();
  loading ??= loadWasmSha256().then(
    (f) => {
      backend ??= f;
    },
    (cause: unknown) => {
      loading = undefined; // let a later call retry
      throw new LogspecError('core', CoreCode.NOT_READY, 'could not load the WebAssembly SHA-256', { cause });
    },
  );
  return loading;
}

/** SHA-256 of `data` as 64 lower-case hex digits; check value sha256("abc") = ba7816bf…. */
export function sha256Hex(data: Uint8Array): string {
  if (!backend) {
    throw new LogspecError('core', CoreCode.NOT_READY, 'SHA-256 backend not loaded: await checksumsReady() first');
  }
  return backend(data);
}
