// @logspec/session-store: every golden session file decoded line by line as the original reads
// it (segment frames, index rows, migration events), checkpoints and manifests, and the
// SHA-256 work the store does (payload hashes, the hash chain, the manifest hash).
import {
  canonicalCheckpoint,
  canonicalEvent,
  canonicalManifest,
  chainHashStep,
  decodeCheckpoint,
  decodeManifest,
  decodeMigrationEvent,
  decodeUnit,
  GENESIS_CHAIN_HASH,
  manifestHash,
  payloadHashAndSize,
} from '@logspec/session-store';
import { type BrowserTarget, baseName, utf8 } from '../harness.js';

/** The file's lines, each with its `\n` (a last line without one as it is). */
function lines(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      out.push(bytes.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < bytes.length) out.push(bytes.subarray(start));
  return out;
}

/** One outcome per line, so one bad line does not hide the others. */
function perLine(bytes: Uint8Array, decode: (line: Uint8Array) => unknown): Record<string, () => unknown> {
  const ways: Record<string, () => unknown> = {};
  lines(bytes).forEach((line, i) => {
    ways[`line ${i + 1}`] = () => decode(line);
  });
  return ways;
}

export const target: BrowserTarget = {
  package: '@logspec/session-store',
  formats: ['session'],
  load: (p) =>
    /\/(segments\/[^/]+\.seg|index\/offsets\.jsonl|checkpoints\/[^/]+\.json|manifest\.json|migrations\/ledger\.jsonl)$/.test(
      p,
    ),
  decode: (p, files) => {
    const bytes = files.get(p) as Uint8Array;
    const name = baseName(p);
    if (p.endsWith('.seg')) {
      return {
        ...perLine(bytes, (line) => decodeUnit('frame', line)),
        // SHA-256 (hash-wasm in a browser) of each payload, as the store checks it, and the chain.
        'payload hashes and chain': () => {
          let chain = GENESIS_CHAIN_HASH;
          return lines(bytes).map((line) => {
            const frame = decodeUnit('frame', line) as { payload: string; payload_sha256: string };
            const { sha256, bytes: size } = payloadHashAndSize(utf8(frame.payload));
            chain = chainHashStep(chain, sha256);
            return { sha256, size, matches: sha256 === frame.payload_sha256, chain };
          });
        },
      };
    }
    if (name === 'offsets.jsonl') return perLine(bytes, (line) => decodeUnit('index_row', line));
    if (name === 'ledger.jsonl') {
      return perLine(bytes, (line) => canonicalEvent(decodeMigrationEvent(line, 0, line.length, true)));
    }
    if (name === 'manifest.json') {
      return {
        manifest: () => canonicalManifest(decodeManifest(bytes)),
        hash: () => manifestHash(decodeManifest(bytes)),
      };
    }
    return { checkpoint: () => canonicalCheckpoint(decodeCheckpoint(bytes)) };
  },
  checks: {
    'chain hash of two payloads': () =>
      chainHashStep(chainHashStep(GENESIS_CHAIN_HASH, payloadHashAndSize(utf8('{"a":1}')).sha256), '0'.repeat(64)),
  },
};
