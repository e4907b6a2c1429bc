import type { FileHandle, FileStat, Fs, Lock, OpenOptions } from '../fs.js';
import { IoError } from '../fs.js';

/** Every call `FaultFs` can fail (handle calls and Fs calls share one counter). */
export type FsOp =
  | 'open'
  | 'read'
  | 'write'
  | 'append'
  | 'size'
  | 'truncate'
  | 'fsync'
  | 'fdatasync'
  | 'close'
  | 'readFile'
  | 'stat'
  | 'lstat'
  | 'exists'
  | 'readdir'
  | 'mkdir'
  | 'rename'
  | 'unlink'
  | 'rmdir'
  | 'fsyncDir'
  | 'chmod'
  | 'lock';

export interface Fault {
  /** Fire at the `at`-th (1-based) matching call. */
  at: number;
  /** Only calls of these ops match (default: every op; for `short`: write and append). */
  op?: FsOp | readonly FsOp[];
  /**
   * `EIO` / `ENOSPC` (or any errno): the call throws `IoError` with that errno and is not
   * performed. `short`: a write/append writes only `keep` bytes (default half) and returns that.
   */
  kind: 'EIO' | 'ENOSPC' | 'short' | (string & {});
  /** Bytes a short write keeps (clamped below the requested length). */
  keep?: number;
  /** How many consecutive matching calls fail from `at` on (default 1; `Infinity` = sticky). */
  times?: number;
  /** Only calls on paths containing this substring match. */
  path?: string;
}

export interface FiredFault {
  fault: Fault;
  op: FsOp;
  path: string;
  /** Index (1-based) of the call among all calls. */
  call: number;
}

/**
 * Wraps any `Fs` and makes chosen calls fail: `EIO`, `ENOSPC` (thrown as core's `IoError`
 * with `errno`, like NodeFs) or a short write. Faults are counted per matching op, so
 * `{ at: 3, op: 'fsync', kind: 'EIO' }` fails the third fsync.
 */
export class FaultFs implements Fs {
  /** Calls seen so far (all ops). */
  calls = 0;
  /** Faults that fired, in order. */
  readonly fired: FiredFault[] = [];
  private readonly faults: { fault: Fault; seen: number; left: number }[] = [];

  constructor(
    readonly inner: Fs,
    faults: readonly Fault[] = [],
  ) {
    for (const f of faults) this.inject(f);
  }

  /** Adds a fault; its `at` counts matching calls from now on. */
  inject(fault: Fault): this {
    if (!Number.isInteger(fault.at) || fault.at < 1)
      throw new Error(`fault.at must be a positive integer: ${fault.at}`);
    this.faults.push({ fault, seen: 0, left: fault.times ?? 1 });
    return this;
  }

  /** Removes every fault not yet spent. */
  clear(): void {
    this.faults.length = 0;
  }

  /**
   * Counts the call; throws the fault's IoError, or returns the byte count a short write
   * must keep (undefined: perform normally).
   */
  gate(op: FsOp, path: string, length?: number): number | undefined {
    this.calls++;
    let short: number | undefined;
    for (const s of this.faults) {
      if (s.left <= 0 || !matches(s.fault, op, path)) continue;
      s.seen++;
      if (s.seen < s.fault.at) continue;
      s.left--;
      this.fired.push({ fault: s.fault, op, path, call: this.calls });
      if (s.fault.kind === 'short') {
        const len = length ?? 0;
        short = Math.max(0, Math.min(len - 1, s.fault.keep ?? Math.floor(len / 2)));
      } else {
        throw new IoError(op, path, s.fault.kind, `${op} ${path}: ${s.fault.kind} (injected)`);
      }
    }
    return short;
  }

  open(path: string, opts?: OpenOptions): FileHandle {
    this.gate('open', path);
    return new FaultHandle(this, this.inner.open(path, opts));
  }
  readFile(path: string): Uint8Array {
    this.gate('readFile', path);
    return this.inner.readFile(path);
  }
  stat(path: string): FileStat | undefined {
    this.gate('stat', path);
    return this.inner.stat(path);
  }
  lstat(path: string): FileStat | undefined {
    this.gate('lstat', path);
    return this.inner.lstat(path);
  }
  exists(path: string): boolean {
    this.gate('exists', path);
    return this.inner.exists(path);
  }
  readdir(path: string): string[] {
    this.gate('readdir', path);
    return this.inner.readdir(path);
  }
  mkdir(path: string, opts?: { recursive?: boolean }): void {
    this.gate('mkdir', path);
    this.inner.mkdir(path, opts);
  }
  rename(from: string, to: string): void {
    this.gate('rename', from);
    this.inner.rename(from, to);
  }
  unlink(path: string): void {
    this.gate('unlink', path);
    this.inner.unlink(path);
  }
  rmdir(path: string): void {
    this.gate('rmdir', path);
    this.inner.rmdir(path);
  }
  fsyncDir(path: string): void {
    this.gate('fsyncDir', path);
    this.inner.fsyncDir(path);
  }
  chmod(path: string, mode: number): void {
    this.gate('chmod', path);
    this.inner.chmod(path, mode);
  }
  lock(path: string): Lock {
    this.gate('lock', path);
    return this.inner.lock(path);
  }
}

function matches(f: Fault, op: FsOp, path: string): boolean {
  if (f.path !== undefined && !path.includes(f.path)) return false;
  const ops = f.op === undefined ? (f.kind === 'short' ? ['write', 'append'] : undefined) : [f.op].flat();
  if (ops && !ops.includes(op)) return false;
  // A short write only makes sense for writes.
  return f.kind !== 'short' || op === 'write' || op === 'append';
}

class FaultHandle implements FileHandle {
  constructor(
    private readonly fs: FaultFs,
    private readonly h: FileHandle,
  ) {}
  get path(): string {
    return this.h.path;
  }
  read(buf: Uint8Array, offset: number, length: number, position: number): number {
    this.fs.gate('read', this.path);
    return this.h.read(buf, offset, length, position);
  }
  write(buf: Uint8Array, offset: number, length: number, position: number): number {
    const keep = this.fs.gate('write', this.path, length);
    return this.h.write(buf, offset, keep ?? length, position);
  }
  append(buf: Uint8Array, offset = 0, length = buf.length - offset): number {
    const keep = this.fs.gate('append', this.path, length);
    return this.h.append(buf, offset, keep ?? length);
  }
  size(): number {
    this.fs.gate('size', this.path);
    return this.h.size();
  }
  truncate(length: number): void {
    this.fs.gate('truncate', this.path);
    this.h.truncate(length);
  }
  fsync(): void {
    this.fs.gate('fsync', this.path);
    this.h.fsync();
  }
  fdatasync(): void {
    this.fs.gate('fdatasync', this.path);
    this.h.fdatasync();
  }
  close(): void {
    this.fs.gate('close', this.path);
    this.h.close();
  }
}
