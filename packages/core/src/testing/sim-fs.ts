import { CoreCode, LogspecError } from '../errors.js';
import { type FileHandle, type FileStat, type Fs, IoError, isErrno, type Lock, type OpenOptions } from '../fs.js';
import { type MutatingOp, type SimFsOptions, SimulatedCrash } from './crash-schedule.js';
import { makeRng } from './rng.js';
import { CRASH_MODES, type CrashMode, SimFile } from './sim-file.js';
import { SimHandle } from './sim-handle.js';
import { resolvePath, SimDir, SimLink, type SimNode, segments } from './sim-tree.js';

export { CRASH_MODES, type CrashMode };

/**
 * An in-memory, synchronous, deterministic `Fs` that models what survives a power loss.
 *
 * - File data: every write/truncate is volatile until `fsync`/`fdatasync` of that file
 *   (through any handle); the durable content is kept implicitly as an undo log, so syncs
 *   are O(1) and clones are copy-on-write.
 * - Directory entries (create, rename, unlink, mkdir, rmdir) are volatile until `fsyncDir`
 *   of the parent directory; a file's own fsync does not make its name durable.
 * - `crash(mode, seed)` replaces the state with one a real crash could leave and
 *   invalidates open handles and locks.
 * - Mutating calls are counted (`mutations`); `crashAfter` makes one of them the crash.
 * - Symbolic links (`symlink`, for seeding a test) are followed as the kernel follows them;
 *   `lstat`, `unlink`, `rename` and `rmdir` act on the link itself.
 */
export class SimFs implements Fs {
  private root: SimDir;
  private locks = new Set<string>();
  private epoch = 0;
  private readonly now: () => number;
  private readonly userNow: (() => number) | undefined;
  private clock = 0;
  /** Mutating calls performed (or attempted) so far: the crash-point counter. */
  mutations = 0;
  /** When set, the mutating call with index `crashAfter` (0-based) crashes instead of running. */
  crashAfter: number | undefined;
  /** True between a `crashAfter` crash and the next `crash()`: every call throws. */
  dead = false;
  /** The call a `crashAfter` crash stopped (e.g. `'fsync /db/wal'`). */
  crashedAt: string | undefined;
  /** Called before each mutating call is performed (crash-point enumeration snapshots here). */
  onMutation: ((index: number, op: MutatingOp, path: string) => void) | undefined;

  constructor(opts: SimFsOptions = {}) {
    this.crashAfter = opts.crashAfter;
    this.userNow = opts.now;
    this.now = opts.now ?? (() => this.clock);
    this.root = new SimDir(0o755, 0);
  }

  // ---- crash machinery -------------------------------------------------------------

  /** Counts a mutating call; crashes here if scheduled. */
  private mutate(op: MutatingOp, path: string): void {
    this.alive();
    const index = this.mutations;
    if (this.crashAfter !== undefined && index >= this.crashAfter) {
      this.dead = true;
      this.crashedAt = `${op} ${path}`;
      throw new SimulatedCrash(index, this.crashedAt);
    }
    this.onMutation?.(index, op, path);
    this.alive(); // a hook may kill the process (crash-point enumeration aborting on failure)
    this.mutations = index + 1;
    this.clock++;
  }

  private alive(): void {
    if (this.dead) throw new SimulatedCrash(this.mutations, 'call after crash');
  }

  /** Ends the simulated process at once: every later call throws `SimulatedCrash`. */
  kill(): void {
    this.dead = true;
  }

  /**
   * Power loss: keeps what `mode` says a real disk may keep, makes that state durable,
   * invalidates open handles (they throw `CORE_CLOSED`) and releases locks. Deterministic
   * for a given state, mode and seed.
   *
   * - `drop-unsynced`: every file loses all unsynced changes.
   * - `keep-prefix`: each file keeps a random prefix, in 512-byte steps, of the bytes of its
   *   unsynced writes (in write order; unsynced truncates inside the prefix are kept).
   * - `tear-last-write`: each file keeps its unsynced changes except that its last unsynced
   *   write is cut at a random point (possibly to nothing).
   * - `append-garbage`: unsynced changes are dropped, then 1–1024 random bytes are appended
   *   to every file that had any.
   * - `forget-files`: directory entries revert to their last `fsyncDir` (new files and
   *   directories vanish, renames and unlinks are undone), and unsynced data is dropped.
   *
   * In every mode but `forget-files` directory entries are kept as they were at the crash.
   */
  crash(mode: CrashMode, seed = 0): this {
    if (!CRASH_MODES.includes(mode)) throw new Error(`unknown crash mode ${String(mode)}`);
    const rng = makeRng(seed);
    const useDurable = mode === 'forget-files';
    const seen = new Set<SimNode>();
    const rebuild = (dir: SimDir): SimDir => {
      const src = useDurable ? dir.durable : dir.entries;
      const next = new Map<string, SimNode>();
      for (const name of [...src.keys()].sort()) {
        let node = src.get(name) as SimNode;
        if (node.kind === 'dir') {
          // A directory reachable twice (a rename made durable on one side only) becomes two.
          node = rebuild(node);
        } else if (node.kind === 'file') {
          // No hard links in SimFs: a file reachable twice gets its own copy.
          if (seen.has(node)) node = node.clone();
          seen.add(node);
          node.crash(mode, rng);
        }
        next.set(name, node);
      }
      return new SimDir(dir.mode, dir.mtimeMs, next, new Map(next));
    };
    this.root = rebuild(this.root);
    this.epoch++;
    this.locks.clear();
    this.dead = false;
    this.crashedAt = undefined;
    this.crashAfter = undefined;
    return this;
  }

  /** A copy of the whole state (copy-on-write file contents); no handles, locks or hooks. */
  clone(): SimFs {
    const c = new SimFs(this.userNow ? { now: this.userNow } : {});
    const nodes = new Map<SimNode, SimNode>();
    const copy = (n: SimNode): SimNode => {
      let m = nodes.get(n);
      if (m) return m;
      if (n.kind === 'link') return n;
      if (n.kind === 'file') {
        m = n.clone();
        nodes.set(n, m);
        return m;
      }
      const d = new SimDir(n.mode, n.mtimeMs);
      nodes.set(n, d);
      for (const [k, v] of n.entries) d.entries.set(k, copy(v));
      for (const [k, v] of n.durable) d.durable.set(k, copy(v));
      return d;
    };
    c.root = copy(this.root) as SimDir;
    c.mutations = this.mutations;
    c.clock = this.clock;
    return c;
  }

  /** Makes every file's data and every directory entry durable (not a crash point). */
  syncAll(): void {
    const walk = (d: SimDir): void => {
      d.durable = new Map(d.entries);
      for (const n of d.entries.values()) {
        if (n.kind === 'dir') walk(n);
        else if (n.kind === 'file') n.sync();
      }
    };
    walk(this.root);
  }

  /**
   * Creates or replaces a file with `data` (parents created), all durable. For seeding a
   * test's starting state; not a crash point.
   */
  put(path: string, data: Uint8Array, mode = 0o644): void {
    const segs = segments(path);
    const name = segs.pop();
    if (name === undefined) throw new IoError('put', path, 'EISDIR');
    let dir = this.root;
    for (const s of segs) {
      let next = dir.entries.get(s);
      if (!next) {
        next = new SimDir(0o755, this.now());
        dir.entries.set(s, next);
        dir.durable.set(s, next);
      }
      if (next.kind !== 'dir') throw new IoError('put', path, 'ENOTDIR');
      dir = next;
    }
    const f = new SimFile(mode, this.now(), data.slice(), data.length);
    dir.entries.set(name, f);
    dir.durable.set(name, f);
  }

  /**
   * Creates a symbolic link at `path` pointing at `target` (parents must exist), durable. For
   * seeding a test's starting state; not a crash point.
   */
  symlink(target: string, path: string): void {
    this.alive();
    const { dir, name } = this.parentOf(path, 'symlink');
    if (dir.entries.has(name)) throw new IoError('symlink', path, 'EEXIST');
    const link = new SimLink(target, this.now());
    dir.entries.set(name, link);
    dir.durable.set(name, link);
  }

  /** Every file path under `dir` (default `/`), recursively, sorted (links are not followed). */
  listFiles(dir = '/'): string[] {
    const out: string[] = [];
    const walk = (d: SimDir, prefix: string): void => {
      for (const name of [...d.entries.keys()].sort()) {
        const n = d.entries.get(name) as SimNode;
        const p = `${prefix}/${name}`;
        if (n.kind === 'dir') walk(n, p);
        else if (n.kind === 'file') out.push(p);
      }
    };
    const base = segments(dir);
    walk(this.dirAt(dir, 'listFiles'), base.length ? `/${base.join('/')}` : '');
    return out;
  }

  /** Bytes written to `path` since its last fsync (0 if none or missing). */
  unsyncedBytes(path: string): number {
    const n = this.lookup(path);
    return n?.kind === 'file' ? n.unsyncedBytes() : 0;
  }

  // ---- path resolution -------------------------------------------------------------

  /** The node at `path` (the link itself when not `follow`), or undefined when it or a parent is missing. */
  private lookup(path: string, follow = true): SimNode | undefined {
    try {
      return resolvePath(this.root, path, follow, 'lookup').node;
    } catch (e) {
      if (isErrno(e, 'ENOENT') || isErrno(e, 'ENOTDIR')) return undefined;
      throw e;
    }
  }

  /** The directory holding `path`'s last component (not followed) and its name; ENOENT/ENOTDIR as the OS would. */
  private parentOf(path: string, op: string): { dir: SimDir; name: string } {
    const r = resolvePath(this.root, path, false, op);
    if (r.name === '') throw new IoError(op, path, 'EBUSY', `${op} ${path}: is the root`);
    return r;
  }

  private dirAt(path: string, op: string): SimDir {
    const n = resolvePath(this.root, path, true, op).node;
    if (!n) throw new IoError(op, path, 'ENOENT');
    if (n.kind !== 'dir') throw new IoError(op, path, 'ENOTDIR');
    return n;
  }

  private statOf(n: SimNode): FileStat {
    if (n.kind === 'file') return { size: n.size, isFile: true, isDirectory: false, mtimeMs: n.mtimeMs, mode: n.mode };
    if (n.kind === 'dir') return { size: 0, isFile: false, isDirectory: true, mtimeMs: n.mtimeMs, mode: n.mode };
    return { size: n.target.length, isFile: false, isDirectory: false, mtimeMs: n.mtimeMs, mode: 0o777 };
  }

  // ---- Fs --------------------------------------------------------------------------

  open(path: string, opts: OpenOptions = {}): FileHandle {
    if (opts.create || opts.truncate) this.mutate('open', path);
    else this.alive();
    // The last component is followed: a link to a file opens the file (or creates it).
    const { dir, name, node: found } = resolvePath(this.root, path, true, 'open');
    if (name === '') throw new IoError('open', path, 'EISDIR');
    let node = found;
    if (node?.kind === 'dir') throw new IoError('open', path, 'EISDIR');
    if (node?.kind === 'link') throw new IoError('open', path, 'ELOOP');
    if (node && opts.create && opts.exclusive) throw new IoError('open', path, 'EEXIST');
    if (!node) {
      if (!opts.create) throw new IoError('open', path, 'ENOENT');
      node = new SimFile(opts.mode ?? 0o644, this.now());
      dir.entries.set(name, node);
      dir.mtimeMs = this.now();
    }
    if (opts.truncate && node.size > 0) node.truncate(0);
    const writable = Boolean(opts.write || opts.create || opts.truncate);
    return new SimHandle(this, node, path, writable, this.epoch);
  }

  readFile(path: string): Uint8Array {
    this.alive();
    const n = this.lookup(path);
    if (!n) throw new IoError('readFile', path, 'ENOENT');
    if (n.kind !== 'file') throw new IoError('readFile', path, 'EISDIR');
    return n.content();
  }

  stat(path: string): FileStat | undefined {
    this.alive();
    const n = this.lookup(path);
    return n ? this.statOf(n) : undefined;
  }

  lstat(path: string): FileStat | undefined {
    this.alive();
    const n = this.lookup(path, false);
    return n ? { ...this.statOf(n), isSymbolicLink: n.kind === 'link' } : undefined;
  }

  exists(path: string): boolean {
    this.alive();
    return this.lookup(path) !== undefined;
  }

  readdir(path: string): string[] {
    this.alive();
    return [...this.dirAt(path, 'readdir').entries.keys()].sort();
  }

  mkdir(path: string, opts: { recursive?: boolean } = {}): void {
    this.mutate('mkdir', path);
    if (opts.recursive) {
      const segs = segments(path);
      for (let i = 1; i <= segs.length; i++) {
        const prefix = `/${segs.slice(0, i).join('/')}`;
        const at = this.lookup(prefix);
        if (at?.kind === 'dir') continue;
        if (at) throw new IoError('mkdir', path, 'ENOTDIR');
        const { dir, name } = this.parentOf(prefix, 'mkdir');
        if (dir.entries.has(name)) throw new IoError('mkdir', path, 'EEXIST'); // a dangling link
        dir.entries.set(name, new SimDir(0o755, this.now()));
        dir.mtimeMs = this.now();
      }
      return;
    }
    const { dir, name } = this.parentOf(path, 'mkdir');
    if (dir.entries.has(name)) throw new IoError('mkdir', path, 'EEXIST');
    dir.entries.set(name, new SimDir(0o755, this.now()));
    dir.mtimeMs = this.now();
  }

  rename(from: string, to: string): void {
    this.mutate('rename', from);
    const src = this.parentOf(from, 'rename');
    const node = src.dir.entries.get(src.name);
    if (!node) throw new IoError('rename', from, 'ENOENT');
    const dst = this.parentOf(to, 'rename');
    const existing = dst.dir.entries.get(dst.name);
    if (existing === node) return;
    if (node.kind === 'dir') {
      if (existing && existing.kind !== 'dir') throw new IoError('rename', to, 'ENOTDIR');
      if (existing?.kind === 'dir' && existing.entries.size > 0) throw new IoError('rename', to, 'ENOTEMPTY');
      if (this.isInside(dst.dir, node)) throw new IoError('rename', to, 'EINVAL');
    } else if (existing?.kind === 'dir') {
      throw new IoError('rename', to, 'EISDIR');
    }
    src.dir.entries.delete(src.name);
    dst.dir.entries.set(dst.name, node);
    src.dir.mtimeMs = dst.dir.mtimeMs = this.now();
  }

  private isInside(dir: SimDir, ancestor: SimDir): boolean {
    if (dir === ancestor) return true;
    for (const n of ancestor.entries.values()) if (n.kind === 'dir' && this.isInside(dir, n)) return true;
    return false;
  }

  unlink(path: string): void {
    this.mutate('unlink', path);
    const { dir, name } = this.parentOf(path, 'unlink');
    const node = dir.entries.get(name);
    if (!node) throw new IoError('unlink', path, 'ENOENT');
    if (node.kind === 'dir') throw new IoError('unlink', path, 'EISDIR');
    dir.entries.delete(name);
    dir.mtimeMs = this.now();
  }

  rmdir(path: string): void {
    this.mutate('rmdir', path);
    const { dir, name } = this.parentOf(path, 'rmdir');
    const node = dir.entries.get(name);
    if (!node) throw new IoError('rmdir', path, 'ENOENT');
    if (node.kind !== 'dir') throw new IoError('rmdir', path, 'ENOTDIR');
    if (node.entries.size > 0) throw new IoError('rmdir', path, 'ENOTEMPTY');
    dir.entries.delete(name);
    dir.mtimeMs = this.now();
  }

  fsyncDir(path: string): void {
    this.mutate('fsyncDir', path);
    const d = this.dirAt(path, 'fsyncDir');
    d.durable = new Map(d.entries);
  }

  chmod(path: string, mode: number): void {
    this.alive();
    const n = this.lookup(path);
    if (!n) throw new IoError('chmod', path, 'ENOENT');
    if (n.kind !== 'link') n.mode = mode & 0o7777;
  }

  /** In-memory lock: a second `lock` of the same path while held throws `CORE_LOCKED`. */
  lock(path: string): Lock {
    this.alive();
    const key = `/${segments(path).join('/')}`;
    this.parentOf(path, 'lock');
    if (this.locks.has(key)) {
      throw new LogspecError('core', CoreCode.LOCKED, `${path} is held by another writer (SimFs)`, {
        details: { path, holder: { pid: 0, host: 'simfs' } },
      });
    }
    this.locks.add(key);
    const epoch = this.epoch;
    let held = true;
    return {
      path,
      release: () => {
        if (!held) return;
        held = false;
        if (this.epoch === epoch) this.locks.delete(key);
      },
    };
  }

  // ---- used by SimHandle -----------------------------------------------------------

  /** @internal */
  checkHandle(h: SimHandle, op: MutatingOp | 'read' | 'size', counted: boolean): void {
    this.alive();
    if (h.closed || h.epoch !== this.epoch) {
      throw new LogspecError('core', CoreCode.CLOSED, `file handle closed: ${h.path}`);
    }
    if (counted) this.mutate(op as MutatingOp, h.path);
  }

  /** @internal */
  touch(f: SimFile): void {
    f.mtimeMs = this.now();
  }
}
