import { createHash } from 'node:crypto';
import {
  type BigIntStats,
  closeSync,
  constants,
  copyFileSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { CliCode, CliError } from '../errors.js';

/**
 * The file trees a repair compares: listing them (never through a symbolic link), copying them
 * (modes kept) and finding what changed between two of them, byte range by byte range.
 */

export interface FileState {
  size: number;
  mtimeNs: bigint;
  /** Permission bits (copies and quarantined pieces keep them). */
  mode: number;
}

/** One change a repair made to a file. */
export interface Change {
  /** `truncated`: bytes cut from the end; `rewritten`: bytes changed in place; `extended`: bytes added at the end. */
  kind: 'truncated' | 'rewritten' | 'extended' | 'removed' | 'created' | 'renamed';
  file: string;
  /** Byte ranges of the old file that are gone (half-open). */
  ranges: [number, number][];
  /** Bytes lost from the file (in `ranges`), or added (`extended`/`created`). */
  bytes: number;
  /** For `renamed`: the new name. */
  to?: string;
  /** Where the old bytes were saved (relative to the quarantine directory). */
  saved: string[];
}

export const CHUNK = 1 << 20;
const MAX_REGIONS = 64;
/** Lock files come and go with every writer; they hold no data. */
const isLock = (rel: string) => rel.endsWith('.lock') || rel.endsWith('/LOCK') || rel === 'LOCK';

function lstatOrNull(p: string): BigIntStats | null {
  return lstatSync(p, { bigint: true, throwIfNoEntry: false }) ?? null;
}

/**
 * Every regular file under `root/entries` (recursively), relative to `root`. Nothing is
 * followed: a symbolic link anywhere in or on the way to an entry makes the listing fail with
 * `CLI_SYMLINK` (a repair changes nothing it would reach through a link), and a link cycle
 * cannot make it loop.
 */
export function listFiles(root: string, entries: readonly string[]): Map<string, FileState> {
  const out = new Map<string, FileState>();
  const links: string[] = [];
  const visit = (rel: string) => {
    const st = lstatOrNull(join(root, rel));
    if (!st) return;
    if (st.isSymbolicLink()) {
      links.push(rel);
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(join(root, rel)).sort()) visit(rel === '' ? name : `${rel}/${name}`);
    } else if (st.isFile() && !isLock(rel)) {
      out.set(rel, { size: Number(st.size), mtimeNs: st.mtimeNs, mode: Number(st.mode) & 0o7777 });
    }
  };
  for (const e of entries) {
    // The directories on the way to an entry count too (`hot` in `hot/log.bin`).
    const parts = e.split('/');
    for (let i = 1; i < parts.length; i++) {
      const rel = parts.slice(0, i).join('/');
      if (lstatOrNull(join(root, rel))?.isSymbolicLink()) links.push(rel);
    }
    visit(e);
  }
  if (links.length > 0) {
    const shown = links.slice(0, 5).join(', ');
    throw new CliError(
      CliCode.SYMLINK,
      `${links.length} symbolic link${links.length === 1 ? '' : 's'} among the files this repair may change (${shown}${links.length > 5 ? ', …' : ''}); nothing was changed`,
      "logspec never changes files through a symbolic link; remove the links, or repair a copy ('cp -rL')",
      join(root, links[0] as string),
    );
  }
  return out;
}

/** Copies the files (and directories) of `from/entries` to `to`, keeping each file's mode. */
export function copyEntries(from: string, to: string, entries: readonly string[]): void {
  for (const [rel] of listFiles(from, entries)) {
    mkdirSync(dirname(join(to, rel)), { recursive: true, mode: 0o700 });
    // A reflink where the file system has them (btrfs, xfs): instant, and no space until written.
    // copyFile gives the copy the source's mode.
    copyFileSync(join(from, rel), join(to, rel), constants.COPYFILE_FICLONE);
  }
  // Empty directories matter to some layouts (a session store's tmp/, a WAL directory).
  const dirs = (rel: string) => {
    const st = lstatOrNull(join(from, rel));
    if (!st?.isDirectory()) return;
    mkdirSync(join(to, rel), { recursive: true, mode: Number(st.mode) & 0o777 });
    for (const d of readdirSync(join(from, rel), { withFileTypes: true }))
      if (d.isDirectory()) dirs(`${rel}/${d.name}`);
  };
  for (const e of entries) dirs(e);
}

export function readAt(fd: number, buf: Uint8Array, pos: number): number {
  let done = 0;
  while (done < buf.length) {
    const n = readSync(fd, buf, done, buf.length - done, pos + done);
    if (n <= 0) break;
    done += n;
  }
  return done;
}

/**
 * Compares two files over their common length; returns the ranges of differing bytes (ranges
 * less than 64 bytes apart merged), capped at MAX_REGIONS.
 */
function differences(a: string, b: string, len: number): { ranges: [number, number][]; capped: boolean } {
  const fa = openSync(a, 'r');
  const fb = openSync(b, 'r');
  const ba = new Uint8Array(CHUNK);
  const bb = new Uint8Array(CHUNK);
  const ranges: [number, number][] = [];
  try {
    for (let pos = 0; pos < len; pos += CHUNK) {
      const n = Math.min(CHUNK, len - pos);
      readAt(fa, ba.subarray(0, n), pos);
      readAt(fb, bb.subarray(0, n), pos);
      for (let i = 0; i < n; i++) {
        if (ba[i] === bb[i]) continue;
        const at = pos + i;
        const last = ranges.at(-1);
        if (last && at - last[1] < 64) last[1] = at + 1;
        else {
          if (ranges.length === MAX_REGIONS) return { ranges, capped: true };
          ranges.push([at, at + 1]);
        }
      }
    }
    return { ranges, capped: false };
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
}

function sha256(path: string): string {
  const h = createHash('sha256');
  const fd = openSync(path, 'r');
  const buf = new Uint8Array(CHUNK);
  try {
    for (let pos = 0; ; pos += CHUNK) {
      const n = readAt(fd, buf, pos);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/** What happened to the files: `before` is the old tree, `after` the new, `pre` the new tree's state before the run. */
export function diff(
  before: string,
  after: string,
  entries: readonly string[],
  pre: ReadonlyMap<string, FileState>,
): { changes: Change[]; modes: Map<string, number> } {
  const old = listFiles(before, entries);
  const now = listFiles(after, entries);
  const modes = new Map([...old].map(([rel, st]) => [rel, st.mode]));
  const changes: Change[] = [];
  const created: string[] = [];
  for (const [rel, st] of now) {
    const o = old.get(rel);
    if (!o) {
      created.push(rel);
      continue;
    }
    const p = pre.get(rel);
    if (p && p.size === st.size && p.mtimeNs === st.mtimeNs) continue;
    const common = Math.min(o.size, st.size);
    const d = differences(join(before, rel), join(after, rel), common);
    if (d.capped || (d.ranges.length > 0 && st.size !== o.size)) {
      changes.push({ kind: 'rewritten', file: rel, ranges: [[0, o.size]], bytes: o.size, saved: [] });
    } else if (st.size < o.size) {
      const ranges: [number, number][] = [...d.ranges, [st.size, o.size]];
      changes.push({ kind: 'truncated', file: rel, ranges, bytes: o.size - st.size, saved: [] });
    } else if (d.ranges.length > 0) {
      const n = d.ranges.reduce((s, [f, t]) => s + t - f, 0);
      changes.push({ kind: 'rewritten', file: rel, ranges: d.ranges, bytes: n, saved: [] });
    } else if (st.size > o.size) {
      changes.push({ kind: 'extended', file: rel, ranges: [], bytes: st.size - o.size, saved: [] });
    }
  }
  const hashes = new Map<string, string>();
  const hashOf = (root: string, rel: string) => {
    const k = `${root}\0${rel}`;
    let h = hashes.get(k);
    if (h === undefined) {
      h = sha256(join(root, rel));
      hashes.set(k, h);
    }
    return h;
  };
  for (const [rel, st] of old) {
    if (now.has(rel)) continue;
    const twin = created.find((c) => now.get(c)?.size === st.size && hashOf(after, c) === hashOf(before, rel));
    if (twin !== undefined) {
      created.splice(created.indexOf(twin), 1);
      changes.push({ kind: 'renamed', file: rel, to: twin, ranges: [], bytes: 0, saved: [] });
    } else {
      changes.push({ kind: 'removed', file: rel, ranges: [[0, st.size]], bytes: st.size, saved: [] });
    }
  }
  for (const rel of created) {
    changes.push({ kind: 'created', file: rel, ranges: [], bytes: now.get(rel)?.size ?? 0, saved: [] });
  }
  return { changes, modes };
}
