import * as nfs from 'node:fs';
import { hostname } from 'node:os';
import { CoreCode, LogspecError } from './errors.js';
import { type FileHandle, type FileStat, type Fs, IoError, type Lock, type OpenOptions } from './fs.js';

function wrap<T>(op: string, path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof LogspecError) throw e;
    const errno = (e as NodeJS.ErrnoException).code ?? 'EIO';
    throw new IoError(op, path, errno, `${op} ${path}: ${(e as Error).message}`, e);
  }
}

class NodeFileHandle implements FileHandle {
  private fd: number;
  constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }
  private live(): number {
    if (this.fd < 0) throw new LogspecError('core', CoreCode.CLOSED, `file handle closed: ${this.path}`);
    return this.fd;
  }
  read(buf: Uint8Array, offset: number, length: number, position: number): number {
    return wrap('read', this.path, () => nfs.readSync(this.live(), buf, offset, length, position));
  }
  write(buf: Uint8Array, offset: number, length: number, position: number): number {
    return wrap('write', this.path, () => nfs.writeSync(this.live(), buf, offset, length, position));
  }
  append(buf: Uint8Array, offset = 0, length = buf.length - offset): number {
    // Positional write at the current size: works for handles not opened with O_APPEND too.
    return wrap('append', this.path, () => {
      const fd = this.live();
      return nfs.writeSync(fd, buf, offset, length, nfs.fstatSync(fd).size);
    });
  }
  size(): number {
    return wrap('fstat', this.path, () => nfs.fstatSync(this.live()).size);
  }
  truncate(length: number): void {
    wrap('ftruncate', this.path, () => nfs.ftruncateSync(this.live(), length));
  }
  fsync(): void {
    wrap('fsync', this.path, () => nfs.fsyncSync(this.live()));
  }
  fdatasync(): void {
    wrap('fdatasync', this.path, () => nfs.fdatasyncSync(this.live()));
  }
  close(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    wrap('close', this.path, () => nfs.closeSync(fd));
  }
}

function flagsFor(o: OpenOptions): string | number {
  const C = nfs.constants;
  const write = o.write || o.create || o.truncate;
  let f = write ? C.O_RDWR : C.O_RDONLY;
  if (o.create) f |= C.O_CREAT;
  if (o.exclusive) f |= C.O_EXCL;
  if (o.truncate) f |= C.O_TRUNC;
  return f;
}

/** `Fs` over `node:fs`. */
export class NodeFs implements Fs {
  open(path: string, opts: OpenOptions = {}): FileHandle {
    const fd = wrap('open', path, () => nfs.openSync(path, flagsFor(opts), opts.mode ?? 0o644));
    return new NodeFileHandle(path, fd);
  }
  readFile(path: string): Uint8Array {
    return wrap('readFile', path, () => {
      const b = nfs.readFileSync(path);
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    });
  }
  stat(path: string): FileStat | undefined {
    const s = wrap('stat', path, () => nfs.statSync(path, { throwIfNoEntry: false }));
    if (!s) return undefined;
    return {
      size: s.size,
      isFile: s.isFile(),
      isDirectory: s.isDirectory(),
      mtimeMs: s.mtimeMs,
      mode: s.mode & 0o7777,
    };
  }
  exists(path: string): boolean {
    return nfs.existsSync(path);
  }
  readdir(path: string): string[] {
    return wrap('readdir', path, () => nfs.readdirSync(path)).sort();
  }
  mkdir(path: string, opts: { recursive?: boolean } = {}): void {
    wrap('mkdir', path, () => nfs.mkdirSync(path, { recursive: opts.recursive ?? false }));
  }
  rename(from: string, to: string): void {
    wrap('rename', from, () => nfs.renameSync(from, to));
  }
  unlink(path: string): void {
    wrap('unlink', path, () => nfs.unlinkSync(path));
  }
  rmdir(path: string): void {
    wrap('rmdir', path, () => nfs.rmdirSync(path));
  }
  fsyncDir(path: string): void {
    wrap('fsyncDir', path, () => {
      const fd = nfs.openSync(path, 'r');
      try {
        nfs.fsyncSync(fd);
      } finally {
        nfs.closeSync(fd);
      }
    });
  }
  chmod(path: string, mode: number): void {
    wrap('chmod', path, () => nfs.chmodSync(path, mode));
  }
  lock(path: string): Lock {
    return acquireLockFile(this, path);
  }
}

interface LockOwner {
  pid: number;
  host: string;
  token: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Cross-process single-writer lock without `flock`: the lock is a file created with
 * O_EXCL holding `{pid, host, token}`. A holder on this host whose pid is gone is stale
 * and is taken over (rename-then-verify so two racers cannot both win).
 */
function acquireLockFile(fs: NodeFs, path: string): Lock {
  const me: LockOwner = {
    pid: process.pid,
    host: hostname(),
    token: `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    since: new Date().toISOString(),
  };
  const body = new TextEncoder().encode(`${JSON.stringify(me)}\n`);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const h = fs.open(path, { create: true, exclusive: true, mode: 0o600 });
      try {
        h.write(body, 0, body.length, 0);
        h.fsync();
      } finally {
        h.close();
      }
      return makeLock(path, me.token);
    } catch (e) {
      if (!(e instanceof IoError) || e.errno !== 'EEXIST') throw e;
    }
    const owner = readOwner(path);
    if (owner && (owner.host !== me.host || alive(owner.pid))) {
      throw new LogspecError(
        'core',
        CoreCode.LOCKED,
        `${path} is held by pid ${owner.pid} on ${owner.host} since ${owner.since}`,
        {
          details: { path, holder: owner },
        },
      );
    }
    // Stale (dead pid on this host, or unreadable): move it aside atomically, then retry.
    const aside = `${path}.stale-${me.token}`;
    try {
      nfs.renameSync(path, aside);
      nfs.unlinkSync(aside);
    } catch {
      // Someone else took it over first; loop and re-check.
    }
  }
  throw new LogspecError('core', CoreCode.LOCKED, `${path}: could not take the lock`, { details: { path } });
}

function readOwner(path: string): LockOwner | undefined {
  try {
    return JSON.parse(nfs.readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

function makeLock(path: string, token: string): Lock {
  let held = true;
  return {
    path,
    release() {
      if (!held) return;
      held = false;
      const owner = readOwner(path);
      if (owner?.token === token) nfs.rmSync(path, { force: true });
    },
  };
}
