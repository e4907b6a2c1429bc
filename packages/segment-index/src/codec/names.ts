/** File names of a partition directory: `{base_offset:020}.log`, `.index`, and logspec's `.timeindex`. */
export const LOG_SUFFIX = 'log';
export const INDEX_SUFFIX = 'index';
export const TIME_INDEX_SUFFIX = 'timeindex';
/** The single-writer lock file (no extension, so the original's `*.log` listing skips it). */
export const LOCK_FILE = 'LOCK';

const U64_MAX = (1n << 64n) - 1n;

/** `format!("{:020}.{suffix}", base)`. */
export function segmentFileName(base: bigint, suffix: string = LOG_SUFFIX): string {
  return `${base.toString().padStart(20, '0')}.${suffix}`;
}

/** Rust's `Path::extension`/`file_stem`: split at the last dot, unless the name is a dot-file with no other dot. */
export function splitExtension(name: string): { stem: string; extension: string | undefined } {
  const i = name.lastIndexOf('.');
  if (i <= 0) return { stem: name, extension: undefined };
  return { stem: name.slice(0, i), extension: name.slice(i + 1) };
}

/** `str::parse::<u64>()`: an optional `+`, then ASCII digits only, no overflow. */
export function parseRustU64(s: string): bigint | undefined {
  const digits = s.startsWith('+') ? s.slice(1) : s;
  if (!/^[0-9]+$/.test(digits)) return undefined;
  const v = BigInt(digits);
  return v <= U64_MAX ? v : undefined;
}

/**
 * The segments `LogManager::new` finds in a directory listing: names whose extension is `log`,
 * sorted by name (byte order), kept when the stem parses as u64. Note the original then opens
 * `{base:020}.log` — a different file when the name was not zero-padded.
 */
export function listSegmentBases(names: readonly string[]): bigint[] {
  const logs = names.filter((n) => splitExtension(n).extension === LOG_SUFFIX);
  logs.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: bigint[] = [];
  for (const n of logs) {
    const base = parseRustU64(splitExtension(n).stem);
    if (base !== undefined) out.push(base);
  }
  return out;
}
