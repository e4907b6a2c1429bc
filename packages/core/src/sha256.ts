import { CoreCode, LogspecError } from './errors.js';

/** A synchronous SHA-256 returning lower-case hex. */
export type Sha256Hex = (data: Uint8Array) => string;

let backend: Sha256Hex | undefined;
let loading: Promise<void> | undefined;

/** Installs the SHA-256 backend (the Node entry installs `crypto.hash`). */
export function setSha256Backend(f: Sha256Hex): void {
  backend = f;
}

/** The part of hash-wasm's SHA-256 module used here. */
interface Sha256Module {
  createSHA256(): Promise<{ init(): { update(d: Uint8Array): { digest(f: 'hex'): string } } }>;
}

/**
 * Builds the WebAssembly SHA-256 (hash-wasm) that browsers use, where neither `node:crypto`
 * nor a native binding exists. WebAssembly instantiation is async, hence the promise. Only
 * hash-wasm's SHA-2/256 module is imported (about 18 KB), not the package's index, which
 * carries every algorithm it has (about 200 KB: bundlers cannot drop the others from an
 * `import()` of the whole package).
 */
export async function loadWasmSha256(): Promise<Sha256Hex> {
  // A UMD module without type declarations (hence the `as string`: TypeScript does not look
  // for types of a computed specifier, bundlers still see the literal); its exports arrive as
  // named exports or under `default`, per loader.
  const mod = (await import('hash-wasm/dist/sha256.umd.min.js' as string)) as Partial<Sha256Module> & {
    default?: Sha256Module;
  };
  const createSHA256 = mod.createSHA256 ?? mod.default?.createSHA256;
  if (!createSHA256) throw new Error('hash-wasm/dist/sha256.umd.min.js has no createSHA256');
  const h = await createSHA256();
  return (data) => h.init().update(data).digest('hex');
}

/**
 * Resolves once every checksum is usable synchronously. In Node that is at once; in a
 * browser it loads hash-wasm's SHA-256 module. (The CRCs are plain JS and always ready.)
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
