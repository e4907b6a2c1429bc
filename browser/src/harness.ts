/**
 * What a browser target is and how one runs. This module is bundled into the page and also
 * imported by the Node side of the test, so both run the very same code; only the platform
 * underneath differs (Node: native CRCs and `node:crypto`; Chromium: JS CRCs and hash-wasm).
 * It must stay browser-safe: no `node:` imports.
 */
import { checksumsReady, hexEncode, isLogspecError } from '@logspec/core';

/** Golden files by path relative to `conformance/golden/` (e.g. `ring/logspec-0.1.0/empty.vrrl`). */
export type GoldenFiles = ReadonlyMap<string, Uint8Array>;

/** One package's codec entry, exercised the same way in Node and in the browser. */
export interface BrowserTarget {
  /** The package whose browser entry (`exports["."].default`) this target imports. */
  readonly package: string;
  /** Golden format folders to look in (`conformance/golden/<format>/`). */
  readonly formats: readonly string[];
  /** Which golden files to load (path relative to `conformance/golden/`); default none. */
  readonly load?: (path: string) => boolean;
  /** Which loaded files to decode (default: every loaded file); others are only read by siblings. */
  readonly decodes?: (path: string) => boolean;
  /**
   * The ways to read one golden file (it may also read the other loaded files), by name: each
   * thunk gives canonical JSON or throws, and each is compared on its own.
   */
  readonly decode?: (path: string, files: GoldenFiles) => Readonly<Record<string, () => unknown>>;
  /** Known-answer and encoding checks that need no files, by name; their JSON is compared too. */
  readonly checks?: Readonly<Record<string, () => unknown>>;
}

/** One decode or check: canonical JSON, a typed error, or something thrown that is not a LogspecError (a bug). */
export type Outcome =
  | { ok: unknown }
  | { error: { code: string; offset: number | null; details: unknown } }
  | { thrown: string };

export interface TargetResult {
  checks: Record<string, Outcome>;
  files: Record<string, Outcome>;
}

/**
 * JSON with the values JSON cannot hold made explicit, so that a bigint or a byte array in a
 * result compares by value instead of vanishing or failing to serialize.
 */
function jsonSafe(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'bigint') return { bigint: v.toString() };
      if (v instanceof Uint8Array) return { hex: hexEncode(v) };
      if (v instanceof Map) return { map: [...v.entries()] };
      return v;
    }) ?? 'null',
  );
}

function outcomeOf(f: () => unknown): Outcome {
  try {
    return { ok: jsonSafe(f()) };
  } catch (e) {
    // Messages are left out on purpose: they may quote engine text that differs between V8
    // versions. Code, offset and the machine-readable details are the contract.
    if (isLogspecError(e)) return { error: { code: e.code, offset: e.offset ?? null, details: jsonSafe(e.details) } };
    return { thrown: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

/** Runs every check and decodes every selected file, in a stable order. */
export async function runTarget(target: BrowserTarget, files: GoldenFiles): Promise<TargetResult> {
  await checksumsReady();
  const checks: Record<string, Outcome> = {};
  for (const [name, check] of Object.entries(target.checks ?? {})) checks[name] = outcomeOf(check);
  const out: Record<string, Outcome> = {};
  const decode = target.decode;
  if (decode) {
    for (const path of [...files.keys()].sort()) {
      if (target.decodes && !target.decodes(path)) continue;
      let ways: Readonly<Record<string, () => unknown>>;
      try {
        ways = decode(path, files);
      } catch (e) {
        out[path] = outcomeOf(() => {
          throw e;
        });
        continue;
      }
      for (const [name, way] of Object.entries(ways)) out[`${path} · ${name}`] = outcomeOf(way);
    }
  }
  return { checks, files: out };
}

/** The sibling `name` of `path` (same folder), if it was loaded. */
export function sibling(files: GoldenFiles, path: string, name: string): Uint8Array | undefined {
  return files.get(`${path.slice(0, path.lastIndexOf('/') + 1)}${name}`);
}

/** The last path segment. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Deterministic pseudo-random bytes (xorshift32), the same on every platform. */
export function pseudoRandomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
