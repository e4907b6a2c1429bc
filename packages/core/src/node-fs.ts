import * as nfs from 'node:fs';
import { hostname } from 'node:os';
import { resolve as resolvePath } from 'node:path';
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

function fileStat(s: nfs.Stats): FileStat {
  return { size: s.size, isFile: s.isFile(), isDirectory: s.isDirectory(), mtimeMs: s.mtimeMs, mode: s.mode & 0o7777 };
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
    return s ? fileStat(s) : undefined;
  }
  lstat(path: string): FileStat | undefined {
    const s = wrap('lstat', path, () => nfs.lstatSync(path, { throwIfNoEntry: false }));
    return s ? { ...fileStat(s), isSymbolicLink: s.isSymbolicLink() } : undefined;
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
    // Windows cannot open a directory for fsync; NTFS journals directory entries itself.
    if (process.platform === 'win32') {
      if (!nfs.statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new IoError('fsyncDir', path, 'ENOENT');
      return;
    }
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

// ---- the single-writer lock -------------------------------------------------------
//
// Node has no flock(2), so the lock is a file whose existence means "held":
//
// 1. Acquire: write the owner record {pid, host, token, since, bootId, startTime} to a
//    private temp file, then link(2) it to the lock path. link is atomic and fails with
//    EEXIST when the lock exists, and the record is complete the instant the lock appears
//    (an O_EXCL create followed by a write would let a racer read an empty lock). Where
//    hard links are unsupported (some network/FAT file systems) it falls back to O_EXCL +
//    write, and a young unreadable lock counts as held.
// 2. Held: a second writer reads the record and gets CORE_LOCKED naming the holder's pid,
//    host and start time. A lock from another host is always treated as live (we cannot
//    check its pid); the message says which file to delete if that host is gone.
// 3. Stale: on this host the holder is gone when its pid does not exist, or (Linux) when
//    /proc shows a different boot id or process start time than recorded (the pid was
//    reused, e.g. after a reboot). An unreadable record older than UNREADABLE_GRACE_MS is
//    stale too. A stale lock is broken under a short-lived guard file (`<lock>.break`,
//    itself link-created), re-checking inside the guard that the lock still carries the
//    stale token before unlinking it, so two breakers cannot delete a lock a third
//    process just took. Then acquisition is retried.
// 4. Release: unlink, after checking the token is still ours. Locks still held when the
//    process exits normally are released by an exit hook; after a crash (SIGKILL, power
//    loss) step 3 takes the lock over.
//
// A same-process second `lock()` of the same path also fails with CORE_LOCKED.

const UNREADABLE_GRACE_MS = 5_000;
const GUARD_STALE_MS = 10_000;

interface LockOwner {
  pid: number;
  host: string;
  token: string;
  since: string;
  /** Linux: /proc/sys/kernel/random/boot_id when the lock was taken. */
  bootId?: string;
  /** Linux: the holder's start time (clock ticks since boot, /proc/<pid>/stat field 22). */
  startTime?: string;
}

function readText(path: string): string | undefined {
  try {
    return nfs.readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

const bootId = readText('/proc/sys/kernel/random/boot_id')?.trim();

function processStartTime(pid: number): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // Field 2 (comm) may contain spaces and parentheses: fields 3… follow the last ')'.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function pidExists(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the recorded holder may still be running (true when we cannot tell). */
function holderAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  if (owner.bootId && bootId && owner.bootId !== bootId) return false;
  if (!pidExists(owner.pid)) return false;
  if (owner.startTime) {
    const now = processStartTime(owner.pid);
    if (now !== undefined && now !== owner.startTime) return false;
  }
  return true;
}

function readOwner(path: string): LockOwner | undefined {
  const text = readText(path);
  if (text === undefined) return undefined;
  try {
    const o = JSON.parse(text) as LockOwner;
    return typeof o.pid === 'number' && typeof o.token === 'string' && typeof o.host === 'string' ? o : undefined;
  } catch {
    return undefined;
  }
}

function ageMs(path: string): number | undefined {
  try {
    return Date.now() - nfs.statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Creates `path` holding `body` atomically: true if created, false if it exists. */
function createExclusive(path: string, body: Uint8Array, token: string): boolean {
  const tmp = `${path}.${token}.tmp`;
  nfs.writeFileSync(tmp, body, { flag: 'wx', mode: 0o600 });
  try {
    nfs.linkSync(tmp, path);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
  } finally {
    nfs.rmSync(tmp, { force: true });
  }
  // No hard links here: O_EXCL create, then write (readers allow for the empty window).
  let fd: number;
  try {
    fd = nfs.openSync(path, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    nfs.writeSync(fd, body);
  } finally {
    nfs.closeSync(fd);
  }
  return true;
}

const heldHere = new Map<string, string>(); // resolved lock path -> token
let exitHookInstalled = false;

function releaseAllOnExit(): void {
  for (const [path, token] of heldHere) {
    if (readOwner(path)?.token === token) nfs.rmSync(path, { force: true });
  }
  heldHere.clear();
}

function lockedError(path: string, owner: LockOwner | undefined, note?: string): LogspecError {
  const who = owner ? `pid ${owner.pid} on ${owner.host} since ${owner.since}` : 'another writer';
  const why = note ?? (owner ? undefined : 'its lock record is unreadable or being written');
  return new LogspecError(
    'core',
    CoreCode.LOCKED,
    `${path} is held by ${who}${why ? ` (${why})` : ''}; if that process is gone, delete ${path}`,
    { details: { path, holder: owner ?? null } },
  );
}

/** Removes the lock at `path` if it still carries `staleToken` (or is still unreadable). */
function breakStale(path: string, staleToken: string | undefined, me: LockOwner): void {
  const guard = `${path}.break`;
  const body = new TextEncoder().encode(JSON.stringify(me));
  for (let attempt = 0; ; attempt++) {
    if (createExclusive(guard, body, `${me.token}-g`)) break;
    const g = readOwner(guard);
    const age = ageMs(guard) ?? 0;
    if ((g && !holderAlive(g)) || age > GUARD_STALE_MS) {
      nfs.rmSync(guard, { force: true });
      continue;
    }
    if (attempt >= 50) return; // someone else is breaking it; the caller re-checks
    sleepMs(2);
  }
  try {
    const now = readOwner(path);
    if (now?.token === staleToken) nfs.rmSync(path, { force: true });
  } finally {
    if (readOwner(guard)?.token === `${me.token}`) nfs.rmSync(guard, { force: true });
  }
}

function acquireLockFile(_fs: NodeFs, path: string): Lock {
  const key = resolvePath(path);
  if (heldHere.has(key)) {
    throw lockedError(path, readOwner(path), `this process (pid ${process.pid}) already holds it`);
  }
  const me: LockOwner = {
    pid: process.pid,
    host: hostname(),
    token: `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
    since: new Date().toISOString(),
    ...(bootId ? { bootId } : {}),
    ...(() => {
      const t = processStartTime(process.pid);
      return t ? { startTime: t } : {};
    })(),
  };
  const body = new TextEncoder().encode(`${JSON.stringify(me)}\n`);
  for (let attempt = 0; attempt < 5; attempt++) {
    let created: boolean;
    try {
      created = createExclusive(path, body, me.token);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
      throw new IoError('lock', path, code, `lock ${path}: ${(e as Error).message}`, e);
    }
    if (created) {
      heldHere.set(key, me.token);
      if (!exitHookInstalled) {
        exitHookInstalled = true;
        process.once('exit', releaseAllOnExit);
      }
      return makeLock(path, key, me.token);
    }
    const owner = readOwner(path);
    if (owner) {
      if (holderAlive(owner)) throw lockedError(path, owner);
      breakStale(path, owner.token, me);
    } else {
      const age = ageMs(path);
      if (age === undefined) continue; // released meanwhile
      if (age < UNREADABLE_GRACE_MS) throw lockedError(path, undefined);
      breakStale(path, undefined, me);
    }
  }
  throw lockedError(path, readOwner(path), 'the lock changed hands while we tried to take it');
}

function makeLock(path: string, key: string, token: string): Lock {
  let held = true;
  return {
    path,
    release() {
      if (!held) return;
      held = false;
      heldHere.delete(key);
      if (readOwner(path)?.token === token) nfs.rmSync(path, { force: true });
    },
  };
}
