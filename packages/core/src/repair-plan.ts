import { isLogspecError } from './errors.js';
import { basename, type Fs, readFully } from './fs.js';
import { type OverlayEntry, OverlayFs } from './overlay-fs.js';

/**
 * Repair planning: runs a package's own recovery (opening its writer, which cuts torn tails,
 * clears torn slots, rebuilds indexes…) against a copy-on-write view of the files, and says
 * exactly what it would change, byte range by byte range, without changing anything. The
 * view then holds the repaired files (`contentParts`), so a caller can show the cuts first
 * and write or download the result after. Browser-safe.
 */

/** One change a recovery made, relative to the root given to {@link planRepair}. */
export interface RepairChange {
  /**
   * `truncated`: bytes cut from the end (and any rewritten before it); `rewritten`: bytes
   * changed in place; `extended`: bytes added at the end; `removed`, `created`, `renamed`:
   * whole files.
   */
  kind: 'truncated' | 'rewritten' | 'extended' | 'removed' | 'created' | 'renamed';
  file: string;
  /** Byte ranges of the old file whose bytes are gone or replaced (half-open, sorted). */
  ranges: [number, number][];
  /** Bytes lost from the old file (cut or replaced), or added (`extended`, `created`). */
  bytes: number;
  /** For `renamed`: the new name. */
  to?: string;
}

export interface RepairPlan {
  /** The view after the recovery: read the repaired files from it. */
  view: OverlayFs;
  /** What the package's recovery reported (the `run` callback's lines). */
  notes: string[];
  changes: RepairChange[];
  /** The recovery refused (a typed error): nothing is changed in the view's files beyond what ran before. */
  error: { code: string; offset: number | null; message: string } | null;
}

/** Differing bytes closer than this are one range (as `logspec repair` reports them). */
const MERGE_GAP = 64;
const CHUNK = 1 << 20;
/** Lock files come and go with every writer; they hold no data. */
const isLock = (rel: string) => rel.endsWith('.lock') || basename(rel) === 'LOCK';

/**
 * Runs `run` (the package's recovery, given the view as its `Fs`) and reports the changes
 * under `root`. A `LogspecError` thrown by `run` is the plan's `error`; anything else is
 * rethrown.
 */
export function planRepair(fs: Fs, root: string, run: (view: Fs) => string[] | undefined): RepairPlan {
  const view = new OverlayFs(fs);
  let notes: string[] = [];
  let error: RepairPlan['error'] = null;
  try {
    notes = run(view) ?? [];
  } catch (e) {
    if (!isLogspecError(e)) throw e;
    error = { code: e.code, offset: e.offset ?? null, message: e.message };
  }
  return { view, notes, error, changes: repairChanges(fs, view, root) };
}

function relative(root: string, path: string): string {
  const r = root.replace(/\/+$/, '');
  return path.startsWith(`${r}/`) ? path.slice(r.length + 1) : path;
}

/** The changes `view` holds over `under`, for paths under `root`. */
export function repairChanges(under: Fs, view: OverlayFs, root: string): RepairChange[] {
  const entries = view.entries();
  const changes: RepairChange[] = [];
  const files = entries.filter((e): e is Extract<OverlayEntry, { kind: 'file' }> => e.kind === 'file');
  for (const e of files) {
    if (isLock(e.path)) continue;
    const rel = relative(root, e.path);
    const before = under.stat(e.path);
    if (before?.isFile) {
      // A file at this path before: changed in place, or replaced (written elsewhere and
      // renamed over it), in which case every byte is compared.
      const old = before.size;
      const common = Math.min(old, e.size);
      const suspects: [number, number][] =
        e.source === e.path
          ? [...e.written, ...(e.kept < common ? [[e.kept, common] as [number, number]] : [])]
          : [[0, common]];
      const ranges = differences(under, view, e.path, suspects, common);
      if (e.size < old) {
        changes.push({
          kind: 'truncated',
          file: rel,
          ranges: [...ranges, [e.size, old]],
          bytes: lost(ranges) + old - e.size,
        });
      } else if (ranges.length > 0) {
        changes.push({ kind: 'rewritten', file: rel, ranges, bytes: lost(ranges) });
      } else if (e.size > old) {
        changes.push({ kind: 'extended', file: rel, ranges: [], bytes: e.size - old });
      }
      continue;
    }
    const untouchedMove =
      e.source !== undefined &&
      e.written.length === 0 &&
      e.kept === e.size &&
      under.stat(e.source)?.size === e.size &&
      view.stat(e.source) === undefined;
    if (untouchedMove) {
      changes.push({ kind: 'renamed', file: relative(root, e.source as string), to: rel, ranges: [], bytes: 0 });
    } else {
      changes.push({ kind: 'created', file: rel, ranges: [], bytes: e.size });
    }
  }
  for (const e of entries) {
    if (e.kind !== 'gone') continue;
    for (const path of filesUnder(under, e.path)) {
      if (isLock(path) || view.stat(path) !== undefined) continue;
      // A file renamed without change is reported once, as `renamed`.
      if (changes.some((c) => c.kind === 'renamed' && c.file === relative(root, path))) continue;
      const size = under.stat(path)?.size ?? 0;
      changes.push({ kind: 'removed', file: relative(root, path), ranges: [[0, size]], bytes: size });
    }
  }
  return changes.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

function lost(ranges: [number, number][]): number {
  return ranges.reduce((n, [a, b]) => n + b - a, 0);
}

/** Every file at or under `path` on `fs` (a file itself, or a directory's files, recursively). */
function filesUnder(fs: Fs, path: string): string[] {
  const st = fs.stat(path);
  if (!st) return [];
  if (!st.isDirectory) return [path];
  return fs
    .readdir(path)
    .sort()
    .flatMap((n) => filesUnder(fs, `${path.replace(/\/+$/, '')}/${n}`));
}

/**
 * Ranges of the old file at `path` whose bytes differ in the view, looking only at `suspects`
 * (the bytes the view may have changed) up to `common`, the shorter of the two lengths.
 */
function differences(under: Fs, view: OverlayFs, path: string, suspects: [number, number][], common: number) {
  const out: [number, number][] = [];
  if (suspects.length === 0 || common === 0) return out;
  const a = under.open(path);
  const b = view.open(path);
  const ba = new Uint8Array(Math.min(CHUNK, common));
  const bb = new Uint8Array(ba.length);
  try {
    for (const [from, to] of suspects.sort((x, y) => x[0] - y[0])) {
      const end = Math.min(to, common);
      for (let pos = from; pos < end; pos += CHUNK) {
        const n = Math.min(CHUNK, end - pos);
        readFully(a, ba, 0, n, pos);
        readFully(b, bb, 0, n, pos);
        for (let i = 0; i < n; i++) {
          if (ba[i] === bb[i]) continue;
          const at = pos + i;
          const last = out.at(-1);
          if (last && at - last[1] < MERGE_GAP) last[1] = Math.max(last[1], at + 1);
          else out.push([at, at + 1]);
        }
      }
    }
  } finally {
    a.close();
    b.close();
  }
  return out;
}
