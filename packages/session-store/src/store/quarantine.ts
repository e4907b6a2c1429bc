import { basename, dirname, joinPath } from '@logspec/core';
import { SessCode, sessionError } from '../errors.js';
import type { StoreContext } from './context.js';
import { copyTail, mkdirp, pathExists } from './fs-ops.js';

/**
 * Two kinds of quarantine. The original's: a whole later segment is renamed to
 * `<name>.bak`, `<name>.bak.1`, … (`quarantine_segment_file`). logspec's: before recovery
 * cuts bytes from a file, those bytes are copied to `quarantine/<name>.<offset>.tail`
 * (`.1`, `.2`, … if taken) and synced, so recovery never deletes a byte.
 */

/** What logspec set aside: `bytes` bytes of `file` from `offset`, now in `to`. */
export interface QuarantineRecord {
  file: string;
  offset: number;
  bytes: number;
  to: string;
}

/** `quarantine_segment_file`: renames a segment to its first free `.bak` name. */
export function quarantineSegmentFile(ctx: StoreContext, path: string): string {
  const { fs, layout } = ctx;
  const parent = dirname(path);
  const name = basename(path);
  for (let suffix = 0; suffix < 10_000; suffix++) {
    const backup = joinPath(parent, suffix === 0 ? `${name}.bak` : `${name}.bak.${suffix}`);
    if (pathExists(fs, backup)) continue;
    try {
      fs.rename(path, backup);
    } catch (e) {
      throw sessionError(
        SessCode.QUARANTINE_FAILED,
        `failed to quarantine segment ${layout.display(path)} -> ${layout.display(backup)}: ${(e as Error).message}`,
        { cause: e },
      );
    }
    return backup;
  }
  throw sessionError(
    SessCode.QUARANTINE_FAILED,
    `failed to quarantine segment ${layout.display(path)}: exhausted backup suffixes`,
  );
}

/** Sink for logspec's quarantine records (the store keeps them for callers to inspect). */
export type QuarantineSink = (r: QuarantineRecord) => void;

let sink: QuarantineSink | undefined;

/** Runs `f` with quarantine records going to `s`. */
export function withQuarantineSink<T>(s: QuarantineSink, f: () => T): T {
  const prev = sink;
  sink = s;
  try {
    return f();
  } finally {
    sink = prev;
  }
}

/** logspec: copies `path[from, end)` into `quarantine/` and syncs it, before a truncation. */
export function quarantineTail(ctx: StoreContext, path: string, from: number): void {
  const { fs, layout } = ctx;
  const size = fs.stat(path)?.size ?? 0;
  if (size <= from) return;
  if (mkdirp(fs, layout.quarantine)) fs.fsyncDir(layout.root);
  const base = `${basename(path)}.${from}.tail`;
  let dest = joinPath(layout.quarantine, base);
  for (let n = 1; pathExists(fs, dest); n++) dest = joinPath(layout.quarantine, `${base}.${n}`);
  const bytes = copyTail(fs, path, from, dest);
  fs.fsyncDir(layout.quarantine);
  sink?.({ file: layout.display(path), offset: from, bytes, to: layout.display(dest) });
}
