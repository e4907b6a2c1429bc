import type { ByteRange, PropertyProfile } from './profile.js';

/**
 * spec/wal.md § 10: a record's CRC-32 covers its payload only. The type, trace id and node id
 * (record bytes 8..28) are outside it: a flip there that leaves a known type is a valid record.
 * A file is a stream: a prefix cut at a record boundary is a clean shorter file, and damage
 * inside it is reported in the value (skipped records, a torn or corrupt end), not as an error.
 */
const RECORD_HEADER_UNCHECKED = (at: number): ByteRange => [at + 8, at + 29];

/** Record starts of a well-formed file (the samples are valid files). */
function recordStarts(file: Uint8Array): number[] {
  const starts: number[] = [];
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  for (let at = 0; at + 4 <= file.length; ) {
    const len = view.getUint32(at, true);
    if (len < 29 || at + len > file.length) break;
    starts.push(at);
    at += len;
  }
  return starts;
}

const reportsDamage = (v: unknown): boolean => {
  const f = v as { skipped?: unknown[]; end?: { kind?: string } } | null;
  return (f?.skipped?.length ?? 0) > 0 || (f?.end?.kind !== undefined && f.end.kind !== 'clean');
};

export const profile: PropertyProfile = {
  format: 'wal',
  kinds: {
    record: { undetectableFlips: () => [RECORD_HEADER_UNCHECKED(0)] },
    file: {
      prefixes: 'error-or-different',
      reportsDamage,
      undetectableFlips: (file) => recordStarts(file).map(RECORD_HEADER_UNCHECKED),
    },
  },
};
