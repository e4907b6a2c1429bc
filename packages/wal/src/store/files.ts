import { type Fs, joinPath } from '@logspec/core';

const U64_MAX = (1n << 64n) - 1n;
const HEX_DIGITS = /^\+?[0-9a-fA-F]+$/;

/**
 * The sequence number of a WAL file name, by the original's rule: `wal_` + what Rust's
 * `u64::from_str_radix(_, 16)` accepts (an optional `+`, one or more hex digits of either
 * case, any number of leading zeros, value ≤ u64::MAX) + `.log`. Anything else is not a
 * WAL file and is ignored.
 */
export function parseWalFileName(name: string): bigint | undefined {
  if (!name.startsWith('wal_') || !name.endsWith('.log') || name.length < 9) return undefined;
  const digits = name.slice(4, -4);
  if (!HEX_DIGITS.test(digits)) return undefined;
  const v = BigInt(`0x${digits.startsWith('+') ? digits.slice(1) : digits}`);
  return v <= U64_MAX ? v : undefined;
}

/** `wal_{seq:016x}.log`, the name the writers create. */
export function walFileName(seq: bigint): string {
  return `wal_${seq.toString(16).padStart(16, '0')}.log`;
}

export interface WalFile {
  name: string;
  path: string;
  seq: bigint;
  /** False for a directory (or other non-file) that has a WAL file's name. */
  isFile: boolean;
}

/**
 * The WAL files of `dir` in the order the readers take them: by sequence, ties (two names
 * for one number, e.g. `wal_1.log` and `wal_0000000000000001.log`) by name — the original
 * leaves that order to `read_dir`.
 */
export function listWalFiles(fs: Fs, dir: string): WalFile[] {
  const out: WalFile[] = [];
  for (const name of fs.readdir(dir)) {
    const seq = parseWalFileName(name);
    if (seq === undefined) continue;
    const path = joinPath(dir, name);
    out.push({ name, path, seq, isFile: fs.stat(path)?.isFile ?? false });
  }
  return out.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
