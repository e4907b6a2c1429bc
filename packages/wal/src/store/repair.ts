import { basename, dirname, type Fs, joinPath } from '@logspec/core';
import { parseWalFileName, walFileName } from './files.js';
import { openWal } from './writer.js';

/**
 * Repair of a WAL file or directory: the writer's own open-time recovery (a torn tail of the
 * newest file is cut; damage with valid records after it is refused unless `force`, which
 * leaves the damaged file as it is and starts a new one). `logspec repair` runs it on the
 * real files and the browser inspector on a copy-on-write view; both report its lines.
 */

export interface WalRepairOptions {
  /** Let the recovery go past damage that valid records follow (`onCorruptTail: 'rotate'`). */
  force: boolean;
}

/** Runs the recovery on `path` (a WAL directory, or one WAL file); returns what it did, as lines. */
export function repairWal(fs: Fs, path: string, opts: WalRepairOptions): string[] {
  if (fs.stat(path)?.isDirectory) return openAndClose(fs, path, opts.force);
  return repairOneFile(fs, dirname(path), basename(path), opts.force);
}

/**
 * Repairs one WAL file that is not (or need not be) the newest of a directory: the writer
 * repairs the newest file of a directory, so the file is moved (renamed, not copied) into a
 * private directory under its canonical name, the writer opened and closed there, and the
 * file moved back.
 */
function repairOneFile(fs: Fs, base: string, name: string, force: boolean): string[] {
  const stage = joinPath(base, `.logspec-repair-${Date.now()}-${Math.floor(Math.random() * 1e9)}`);
  fs.mkdir(stage);
  const staged = joinPath(stage, walFileName(parseWalFileName(name) ?? 0n));
  fs.rename(joinPath(base, name), staged);
  try {
    return openAndClose(fs, stage, force);
  } finally {
    fs.rename(staged, joinPath(base, name));
    // Only what the writer made is left: its lock, or an empty file it started (with force).
    const left = fs.readdir(stage);
    if (left.every((f) => (fs.stat(joinPath(stage, f))?.size ?? 0) === 0)) {
      for (const f of left) fs.unlink(joinPath(stage, f));
      fs.rmdir(stage);
    }
    fs.fsyncDir(base);
  }
}

function openAndClose(fs: Fs, dir: string, force: boolean): string[] {
  const w = openWal({
    fs,
    dir,
    durability: { mode: 'manual' },
    // Never start a new file just because the newest is large: repair appends nothing.
    reuseLimit: Number.MAX_SAFE_INTEGER,
    onCorruptTail: force ? 'rotate' : 'refuse',
  });
  const r = w.openReport;
  w.closeSync();
  const out: string[] = [];
  if (r.repairedTail) {
    out.push(
      `${r.repairedTail.file}: torn tail cut at byte ${r.repairedTail.offset} (${r.repairedTail.bytes} bytes, ${r.repairedTail.cause})`,
    );
  }
  if (r.corruptTail) {
    out.push(`${r.corruptTail.file} is damaged before its end and left as it is; appends go to ${r.file}`);
  }
  return out;
}
