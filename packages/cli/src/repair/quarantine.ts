import {
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { removeTree } from '@logspec/core';
import { NodeFs } from '@logspec/core/node';
import { CHUNK, type Change, diff, listFiles, readAt } from './tree.js';

/**
 * Where a repair keeps what it cut (`<entry>.quarantine/<time>/`), and how the snapshot of a
 * repair that was killed is turned into such a quarantine by the next one.
 */

/** Snapshots are `<base>/.logspec-snapshot-<pid>-XXXXXX`; `SNAPSHOT_META` inside names their entries. */
export const SNAPSHOT_PREFIX = '.logspec-snapshot-';
export const SNAPSHOT_META = '.logspec-repair.json';

/** `<first entry>.quarantine` beside the first entry the repair may touch. */
export function quarantineRoot(base: string, entries: readonly string[]): string {
  return join(base, `${entries[0] ?? 'repair'}.quarantine`);
}

function stamp(): string {
  return new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

function exists(p: string): boolean {
  return lstatSync(p, { throwIfNoEntry: false }) !== undefined;
}

export function syncDir(p: string): void {
  const fd = openSync(p, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array, at: number): void {
  let w = 0;
  while (w < bytes.length) w += writeSync(fd, bytes, w, bytes.length - w, at + w);
}

/**
 * Copies every lost byte range from `before` into a new directory under the quarantine root;
 * returns it, or null when nothing was lost. Each piece keeps the mode of the file it came
 * from, the manifest the strictest of those modes, and the directories are private (0700). The
 * directory is written under a `.partial` name and renamed when complete.
 */
export function quarantine(
  base: string,
  entries: readonly string[],
  before: string,
  changes: Change[],
  modes: ReadonlyMap<string, number>,
  note?: string,
): string | null {
  const lost = changes.filter((c) => c.ranges.length > 0);
  if (lost.length === 0) return null;
  const root = quarantineRoot(base, entries);
  const within = dirname(entries[0] ?? '.');
  let dir = join(root, stamp());
  for (let i = 1; exists(dir); i++) dir = join(root, `${stamp()}-${i}`);
  const partial = `${dir}.partial`;
  mkdirSync(partial, { recursive: true, mode: 0o700 });
  const buf = new Uint8Array(CHUNK);
  let manifestMode = 0o600;
  for (const c of lost) {
    const mode = (modes.get(c.file) ?? 0o600) & 0o666;
    manifestMode &= mode | 0o600;
    const src = openSync(join(before, c.file), 'r');
    try {
      for (const [from, to] of c.ranges) {
        const name = `${relative(within, c.file)}.${from}-${to}`;
        mkdirSync(dirname(join(partial, name)), { recursive: true, mode: 0o700 });
        const out = openSync(join(partial, name), 'wx', mode);
        try {
          for (let pos = from; pos < to; pos += CHUNK) {
            const n = readAt(src, buf.subarray(0, Math.min(CHUNK, to - pos)), pos);
            writeAll(out, buf.subarray(0, n), pos - from);
          }
          fsyncSync(out);
        } finally {
          closeSync(out);
        }
        c.saved.push(name);
      }
    } finally {
      closeSync(src);
    }
  }
  const manifest = {
    schema: 'logspec-quarantine/1',
    created: new Date().toISOString(),
    ...(note ? { note } : {}),
    changes: changes.map((c) => ({ ...c, ranges: c.ranges.map(([f, t]) => ({ from: f, to: t })) })),
  };
  const fd = openSync(join(partial, 'manifest.json'), 'wx', manifestMode);
  try {
    writeAll(fd, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`), 0);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  syncDir(partial);
  renameSync(partial, dir);
  syncDir(root);
  syncDir(dirname(root));
  return dir;
}

/** The entries a snapshot holds: from its meta file, or (an older snapshot) its top-level names. */
function snapshotEntries(snapshot: string): string[] {
  try {
    const meta = JSON.parse(readFileSync(join(snapshot, SNAPSHOT_META), 'utf8')) as { entries?: unknown };
    if (Array.isArray(meta.entries) && meta.entries.every((e) => typeof e === 'string')) return meta.entries;
  } catch {
    // no meta: infer below
  }
  return readdirSync(snapshot)
    .filter((n) => n !== SNAPSHOT_META)
    .sort();
}

/**
 * Turns the snapshots that killed repairs left in `base` into quarantines and removes them.
 * Call with the repair lock held (no live repair owns a snapshot then). What the killed repair
 * had already changed is what differs between its snapshot and the files now: those ranges go
 * to the quarantine (as every repair's cuts do), then the snapshot is removed (never following
 * a link). Returns a line per snapshot, for the report.
 */
export function recoverStaleSnapshots(base: string): string[] {
  const out: string[] = [];
  const fs = new NodeFs();
  for (const name of readdirSync(base).sort()) {
    if (!name.startsWith(SNAPSHOT_PREFIX)) continue;
    const snapshot = join(base, name);
    if (!lstatSync(snapshot).isDirectory()) continue;
    const entries = snapshotEntries(snapshot);
    const { changes, modes } = diff(snapshot, base, entries, new Map());
    const kept = quarantine(
      base,
      entries,
      snapshot,
      changes,
      modes,
      `recovered from ${name}, the snapshot of a repair that did not finish`,
    );
    removeTree(fs, snapshot);
    syncDir(base);
    out.push(
      kept
        ? `an interrupted repair left ${name}: the bytes it had changed are saved in ${kept}; the snapshot was removed`
        : `an interrupted repair left ${name}: it had changed nothing; the snapshot was removed`,
    );
  }
  return out;
}

/** `listFiles` re-exported for the orchestration (one import site for the tree helpers). */
export { listFiles };
