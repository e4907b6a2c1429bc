import { lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { IoError, isLogspecError, type Lock, removeTree } from '@logspec/core';
import { NodeFs } from '@logspec/core/node';
import { bareMessage, CliError } from './errors.js';
import type { Ctx, FormatCli, Problem, RepairPlan } from './formats/types.js';
import {
  listFiles,
  quarantine,
  quarantineRoot,
  recoverStaleSnapshots,
  SNAPSHOT_META,
  SNAPSHOT_PREFIX,
  syncDir,
} from './repair/quarantine.js';
import { type Change, copyEntries, diff, type FileState } from './repair/tree.js';

export { quarantineRoot } from './repair/quarantine.js';
export type { Change } from './repair/tree.js';

/**
 * `logspec repair`. The repairing itself is always the format package's own recovery (opening
 * its writer, which cuts torn tails, clears torn slots, rebuilds indexes…). Around it the CLI
 * makes sure nothing it cannot account for is lost and says exactly what changed:
 *
 * 1. it takes `<base>/.logspec-repair.lock` (one repair at a time; a dead holder's is taken
 *    over), and turns the snapshot a killed repair left into a quarantine;
 * 2. the files the repair may touch are listed without following links — a symbolic link
 *    among them stops the repair before anything changes (`CLI_SYMLINK`) — and copied, modes
 *    kept, to a snapshot beside them (so a crash mid-repair leaves the copy beside the data,
 *    for the next run to recover);
 * 3. the package's recovery runs on the real files (with `--dry-run`: on a scratch copy in the
 *    temp directory, and the real files are never opened for writing); without `--force` it
 *    refuses to remove any record that reads as valid;
 * 4. the files before and after are compared byte for byte: every byte range that was cut or
 *    overwritten, and every file removed, is written to `<entry>.quarantine/<time>/` with a
 *    `manifest.json`, each piece with the mode of its file — a file the package merely renamed
 *    (e.g. to `*.bak`) is reported, not copied again;
 * 5. the result is verified again and the remaining problems are reported.
 */

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

const LOCK_NAME = '.logspec-repair.lock';
const DRY_RUN_PREFIX = 'logspec-dry-run-';

/** A refusal of the recovery (its report's `error`); an I/O failure or anything else is thrown. */
function runPlan(
  plan: RepairPlan,
  ctx: Ctx,
  base: string,
  force: boolean,
): { notes: string[]; error: RepairReport['error'] } {
  try {
    return { notes: plan.run(ctx.fs, base, { force }), error: null };
  } catch (e) {
    if (e instanceof CliError) return { notes: [], error: { code: e.code, offset: null, message: e.message } };
    if (!isLogspecError(e) || e.code === 'CORE_IO') throw e;
    return { notes: [], error: { code: e.code, offset: e.offset ?? null, message: bareMessage(e) } };
  }
}

function remainingProblems(adapter: FormatCli, path: string, ctx: Ctx): Problem[] {
  try {
    return adapter.verify(path, ctx).problems;
  } catch (e) {
    if (!isLogspecError(e) || e.code === 'CORE_IO') throw e;
    return [{ code: e.code, file: null, offset: e.offset ?? null, message: bareMessage(e) }];
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the scratch copies dry runs that were killed left in the temp directory (ours, of dead pids). */
function sweepDryRuns(): void {
  const tmp = tmpdir();
  const uid = process.getuid?.();
  for (const name of readdirSync(tmp)) {
    const m = /^logspec-dry-run-(\d+)-/.exec(name);
    if (!m || pidAlive(Number(m[1]))) continue;
    const st = lstatSync(join(tmp, name), { throwIfNoEntry: false });
    if (!st?.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
    try {
      removeTree(new NodeFs(), join(tmp, name));
    } catch {
      // Someone else's, or going away already: not ours to insist on.
    }
  }
}

/** A path inside the scratch copy, as the user's: errors name the files the user gave. */
function unscratch(e: unknown, scratch: string, base: string): unknown {
  const map = (s: string) => s.split(scratch).join(base);
  if (e instanceof IoError && e.path.startsWith(scratch)) {
    return new IoError(e.op, map(e.path), e.errno, map(e.message), e);
  }
  if (isLogspecError(e) && e.message.includes(scratch)) {
    const d = { ...e.details };
    for (const k of Object.keys(d)) if (typeof d[k] === 'string') d[k] = map(d[k] as string);
    return Object.assign(Object.create(Object.getPrototypeOf(e) as object) as object, e, {
      message: map(e.message),
      details: d,
    });
  }
  return e;
}

function dryRun(adapter: FormatCli, plan: RepairPlan, path: string, ctx: Ctx, report: RepairReport, force: boolean) {
  sweepDryRuns();
  const rel = relative(plan.base, path);
  const scratch = mkdtempSync(join(tmpdir(), `${DRY_RUN_PREFIX}${process.pid}-`));
  try {
    copyEntries(plan.base, scratch, plan.entries); // refuses links before anything is copied
    const pre = listFiles(scratch, plan.entries);
    const r = runPlan(plan, ctx, scratch, force);
    report.packageReport = r.notes.map((n) => n.split(scratch).join(plan.base));
    report.error = r.error && { ...r.error, message: r.error.message.split(scratch).join(plan.base) };
    report.changes = diff(plan.base, scratch, plan.entries, pre).changes;
    if (report.changes.some((c) => c.ranges.length > 0)) report.quarantine = quarantineRoot(plan.base, plan.entries);
    report.remaining = remainingProblems(adapter, join(scratch, rel), ctx).map((p) => ({
      ...p,
      message: p.message.split(scratch).join(plan.base),
    }));
  } catch (e) {
    throw unscratch(e, scratch, plan.base);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function realRun(plan: RepairPlan, ctx: Ctx, report: RepairReport, force: boolean): void {
  const lock: Lock = ctx.fs.lock(join(plan.base, LOCK_NAME));
  try {
    report.packageReport.push(...recoverStaleSnapshots(plan.base));
    listFiles(plan.base, plan.entries); // refuses links before anything is created
    const snapshot = mkdtempSync(join(plan.base, `${SNAPSHOT_PREFIX}${process.pid}-`));
    /** Once the recovery may have changed a file, the snapshot goes only after the quarantine is written. */
    let keep = false;
    try {
      writeFileSync(join(snapshot, SNAPSHOT_META), `${JSON.stringify({ entries: plan.entries })}\n`, { mode: 0o600 });
      copyEntries(plan.base, snapshot, plan.entries);
      syncDir(snapshot);
      const pre: Map<string, FileState> = listFiles(plan.base, plan.entries);
      keep = true;
      let failure: unknown;
      try {
        const r = runPlan(plan, ctx, plan.base, force);
        report.packageReport.push(...r.notes);
        report.error = r.error;
      } catch (e) {
        // An I/O failure part way: what was already changed is still quarantined below.
        failure = e;
      }
      const { changes, modes } = diff(snapshot, plan.base, plan.entries, pre);
      report.changes = changes;
      report.quarantine = quarantine(plan.base, plan.entries, snapshot, changes, modes);
      keep = false;
      if (failure !== undefined) throw failure;
    } finally {
      if (keep) {
        ctx.io.stderr(
          `logspec: the files as they were before this repair are kept in ${snapshot}; the next 'logspec repair' saves what changed in the quarantine and removes it\n`,
        );
      } else {
        removeTree(new NodeFs(), snapshot);
      }
    }
  } finally {
    lock.release();
  }
}

export function repair(
  adapter: FormatCli,
  path: string,
  ctx: Ctx,
  opts: { dryRun: boolean; force: boolean },
): RepairReport {
  const plan = adapter.repairPlan(path, ctx);
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
    dryRun(adapter, plan, path, ctx, report, opts.force);
    return report;
  }
  realRun(plan, ctx, report, opts.force);
  report.remaining = remainingProblems(adapter, path, ctx);
  return report;
}
