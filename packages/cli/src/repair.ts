import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  copyFileSync,
  type Dirent,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { isLogspecError } from '@logspec/core';
import { bareMessage } from './errors.js';
import type { Ctx, FormatAdapter, Problem, RepairPlan } from './formats/types.js';

/**
 * `logspec repair`. The repairing itself is always the format package's own recovery (opening
 * its writer, which cuts torn tails, clears torn slots, rebuilds indexes…). Around it the CLI
 * makes sure nothing it cannot account for is lost and says exactly what changed:
 *
 * 1. the files the repair may touch are copied to a snapshot (next to them, so a crash
 *    mid-repair leaves the copy beside the data);
 * 2. the package's recovery runs on the real files (with `--dry-run`: on a scratch copy in the
 *    temp directory, and the real files are never opened for writing);
 * 3. the files before and after are compared byte for byte: every byte range that was cut or
 *    overwritten, and every file removed, is written to `<entry>.quarantine/<time>/` with a
 *    `manifest.json` — a file the package merely renamed (e.g. to `*.bak`) is reported, not
 *    copied again;
 * 4. the result is verified again and the remaining problems are reported.
 */

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

export interface RepairReport {
  format: string;
  path: string;
  dryRun: boolean;
  /** What the package's recovery reported. */
  packageReport: string[];
  changes: Change[];
  /** Where the old bytes were saved (with `--dry-run`: the directory they would be saved under). */
  quarantine: string | null;
  error: { code: string; offset: number | null; message: string } | null;
  remaining: Problem[];
}

const CHUNK = 1 << 20;
const MAX_REGIONS = 64;
/** Lock files come and go with every writer; they hold no data. */
const isLock = (rel: string) => rel.endsWith('.lock') || rel.endsWith('/LOCK') || rel === 'LOCK';

interface FileState {
  size: number;
  mtimeNs: bigint;
}

/** Every file under `root/entries` (recursively), relative to `root`. */
function listFiles(root: string, entries: readonly string[]): Map<string, FileState> {
  const out = new Map<string, FileState>();
  const visit = (rel: string) => {
    const abs = join(root, rel);
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(abs, { bigint: true });
    } catch {
      return;
    }
    if (st.isDirectory()) {
      const names: Dirent[] = readdirSync(abs, { withFileTypes: true });
      for (const d of names.sort((a, b) => (a.name < b.name ? -1 : 1))) visit(rel === '' ? d.name : `${rel}/${d.name}`);
    } else if (st.isFile() && !isLock(rel)) {
      out.set(rel, { size: Number(st.size), mtimeNs: st.mtimeNs });
    }
  };
  for (const e of entries) visit(e);
  return out;
}

function copyEntries(from: string, to: string, entries: readonly string[]): void {
  for (const [rel] of listFiles(from, entries)) {
    mkdirSync(dirname(join(to, rel)), { recursive: true });
    // A reflink where the file system has them (btrfs, xfs): instant, and no space until written.
    copyFileSync(join(from, rel), join(to, rel), constants.COPYFILE_FICLONE);
  }
  // Empty directories matter to some layouts (a session store's tmp/, a WAL directory).
  const dirs = (root: string, rel: string) => {
    const abs = join(root, rel);
    try {
      if (!statSync(abs).isDirectory()) return;
    } catch {
      return;
    }
    mkdirSync(join(to, rel), { recursive: true });
    for (const d of readdirSync(abs, { withFileTypes: true })) if (d.isDirectory()) dirs(root, `${rel}/${d.name}`);
  };
  for (const e of entries) dirs(from, e);
}

function readAt(fd: number, buf: Uint8Array, pos: number): number {
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
function diff(before: string, after: string, entries: readonly string[], pre: Map<string, FileState>): Change[] {
  const old = listFiles(before, entries);
  const now = listFiles(after, entries);
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
  return changes;
}

function stamp(): string {
  return new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** Copies every lost byte range from `before` into the quarantine directory; returns it. */
function quarantine(base: string, entries: readonly string[], before: string, changes: Change[]): string | null {
  const lost = changes.filter((c) => c.ranges.length > 0);
  if (lost.length === 0) return null;
  const root = quarantineRoot(base, entries);
  const within = dirname(entries[0] ?? '.');
  let dir = join(root, stamp());
  for (let i = 1; statExists(dir); i++) dir = join(root, `${stamp()}-${i}`);
  mkdirSync(dir, { recursive: true });
  const buf = new Uint8Array(CHUNK);
  for (const c of lost) {
    const src = openSync(join(before, c.file), 'r');
    try {
      for (const [from, to] of c.ranges) {
        const name = `${relative(within, c.file)}.${from}-${to}`;
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        const out = openSync(join(dir, name), 'wx');
        try {
          for (let pos = from; pos < to; pos += CHUNK) {
            const n = readAt(src, buf.subarray(0, Math.min(CHUNK, to - pos)), pos);
            let w = 0;
            while (w < n) w += writeSync(out, buf, w, n - w, pos - from + w);
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
    changes: changes.map((c) => ({ ...c, ranges: c.ranges.map(([f, t]) => ({ from: f, to: t })) })),
  };
  const fd = openSync(join(dir, 'manifest.json'), 'wx');
  try {
    writeSync(fd, `${JSON.stringify(manifest, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  syncDir(dir);
  syncDir(dirname(dir));
  return dir;
}

/** `<first entry>.quarantine` beside the first entry the repair may touch. */
export function quarantineRoot(base: string, entries: readonly string[]): string {
  return join(base, `${entries[0] ?? 'repair'}.quarantine`);
}

function statExists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

function syncDir(p: string): void {
  const fd = openSync(p, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function runPlan(
  plan: RepairPlan,
  ctx: Ctx,
  base: string,
  force: boolean,
): { notes: string[]; error: RepairReport['error'] } {
  try {
    return { notes: plan.run(ctx.fs, base, { force }), error: null };
  } catch (e) {
    if (!isLogspecError(e)) throw e;
    return { notes: [], error: { code: e.code, offset: e.offset ?? null, message: bareMessage(e) } };
  }
}

function remainingProblems(adapter: FormatAdapter, path: string, ctx: Ctx): Problem[] {
  try {
    return adapter.verify(path, ctx).problems;
  } catch (e) {
    if (!isLogspecError(e)) throw e;
    return [{ code: e.code, file: null, offset: e.offset ?? null, message: bareMessage(e) }];
  }
}

export function repair(
  adapter: FormatAdapter,
  path: string,
  ctx: Ctx,
  opts: { dryRun: boolean; force: boolean },
): RepairReport {
  const plan = adapter.repairPlan(path, ctx);
  const rel = relative(plan.base, path);
  const report: RepairReport = {
    format: adapter.name,
    path,
    dryRun: opts.dryRun,
    packageReport: [],
    changes: [],
    quarantine: null,
    error: null,
    remaining: [],
  };
  if (opts.dryRun) {
    const scratch = mkdtempSync(join(tmpdir(), 'logspec-dry-run-'));
    try {
      copyEntries(plan.base, scratch, plan.entries);
      const pre = listFiles(scratch, plan.entries);
      const r = runPlan(plan, ctx, scratch, opts.force);
      report.packageReport = r.notes;
      report.error = r.error;
      report.changes = diff(plan.base, scratch, plan.entries, pre);
      if (report.changes.some((c) => c.ranges.length > 0)) report.quarantine = quarantineRoot(plan.base, plan.entries);
      report.remaining = remainingProblems(adapter, join(scratch, rel), ctx).map((p) => ({
        ...p,
        message: p.message.split(scratch).join(plan.base),
      }));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    return report;
  }
  const snapshot = mkdtempSync(join(plan.base, '.logspec-snapshot-'));
  /** Once the recovery may have changed a file, the snapshot goes only after the quarantine is written. */
  let keep = false;
  try {
    copyEntries(plan.base, snapshot, plan.entries);
    const pre = listFiles(plan.base, plan.entries);
    keep = true;
    const r = runPlan(plan, ctx, plan.base, opts.force);
    report.packageReport = r.notes;
    report.error = r.error;
    report.changes = diff(snapshot, plan.base, plan.entries, pre);
    report.quarantine = quarantine(plan.base, plan.entries, snapshot, report.changes);
    keep = false;
  } finally {
    if (keep) ctx.io.stderr(`logspec: the files as they were before this repair are kept in ${snapshot}\n`);
    else rmSync(snapshot, { recursive: true, force: true });
  }
  report.remaining = remainingProblems(adapter, path, ctx);
  return report;
}
