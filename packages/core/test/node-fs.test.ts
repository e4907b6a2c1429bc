import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  CoreCode,
  type IoError,
  isErrno,
  isLogspecError,
  type LogspecError,
  utf8Decode,
  utf8Encode,
} from '../src/index.js';
import { NodeFs } from '../src/node.js';

const root = mkdtempSync(join(tmpdir(), 'logspec-nodefs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const fs = new NodeFs();
let n = 0;
const fresh = () => {
  const d = join(root, `t${n++}`);
  fs.mkdir(d);
  return d;
};

function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

describe('NodeFs', () => {
  it('reads, writes, appends, truncates, syncs and stats', () => {
    const d = fresh();
    const p = join(d, 'f');
    const h = fs.open(p, { create: true, mode: 0o600 });
    expect(h.append(utf8Encode('hello'))).toBe(5);
    expect(h.write(utf8Encode('J'), 0, 1, 0)).toBe(1);
    h.fsync();
    h.fdatasync();
    expect(h.size()).toBe(5);
    const buf = new Uint8Array(8);
    expect(h.read(buf, 0, 8, 1)).toBe(4);
    expect(utf8Decode(buf.subarray(0, 4))).toBe('ello');
    expect(h.read(buf, 0, 8, 50)).toBe(0);
    h.truncate(2);
    expect(utf8Decode(fs.readFile(p))).toBe('Je');
    h.close();
    h.close(); // idempotent
    expect(
      isLogspecError(
        caught(() => h.size()),
        CoreCode.CLOSED,
      ),
    ).toBe(true);
    expect(fs.stat(p)).toMatchObject({ size: 2, isFile: true, isDirectory: false, mode: 0o600 });
    fs.chmod(p, 0o640);
    expect(fs.stat(p)?.mode).toBe(0o640);
    expect(fs.stat(join(d, 'none'))).toBeUndefined();
    expect(fs.exists(p)).toBe(true);
    const t = fs.open(p, { truncate: true });
    expect(t.size()).toBe(0);
    t.close();
  });

  it('renames, unlinks, lists sorted and syncs directories', () => {
    const d = fresh();
    for (const name of ['c', 'a', 'b']) fs.open(join(d, name), { create: true }).close();
    fs.mkdir(join(d, 'sub', 'deep'), { recursive: true });
    expect(fs.readdir(d)).toEqual(['a', 'b', 'c', 'sub']);
    fs.rename(join(d, 'a'), join(d, 'z'));
    fs.unlink(join(d, 'b'));
    fs.fsyncDir(d);
    expect(fs.readdir(d)).toEqual(['c', 'sub', 'z']);
    fs.rmdir(join(d, 'sub', 'deep'));
    expect(fs.readdir(join(d, 'sub'))).toEqual([]);
  });

  it('maps OS errors to IoError with errno', () => {
    const d = fresh();
    const p = join(d, 'f');
    fs.open(p, { create: true }).close();
    const cases: [() => unknown, string][] = [
      [() => fs.open(join(d, 'missing')), 'ENOENT'],
      [() => fs.readFile(join(d, 'missing')), 'ENOENT'],
      [() => fs.open(p, { create: true, exclusive: true }), 'EEXIST'],
      [() => fs.mkdir(d), 'EEXIST'],
      [() => fs.readdir(p), 'ENOTDIR'],
      [() => fs.unlink(join(d, 'missing')), 'ENOENT'],
      [() => fs.rename(join(d, 'missing'), p), 'ENOENT'],
      [() => fs.fsyncDir(join(d, 'missing')), 'ENOENT'],
    ];
    for (const [f, errno] of cases) {
      const e = caught(f);
      expect(isErrno(e, errno), `${String(e)}`).toBe(true);
      expect((e as IoError).code).toBe(CoreCode.IO);
      expect((e as IoError).details.errno).toBe(errno);
    }
    const ro = fs.open(p);
    expect(
      isErrno(
        caught(() => ro.write(utf8Encode('x'), 0, 1, 0)),
        'EBADF',
      ),
    ).toBe(true);
    ro.close();
  });
});

// ---- the single-writer lock, across processes --------------------------------------

const holder = fileURLToPath(new URL('./fixtures/hold-lock.ts', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Starts the fixture and resolves with its first output line. */
function child(lock: string, mode: 'hold' | 'exit' | 'try'): Promise<{ proc: ChildProcess; line: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', holder, lock, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    proc.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ proc, line: out.slice(0, nl) });
    });
    proc.stderr?.on('data', (b: Buffer) => {
      err += b.toString();
    });
    proc.on('exit', (code) => {
      if (!out.includes('\n')) reject(new Error(`child exited ${code} without output: ${err}`));
    });
  });
}

const exited = (p: ChildProcess) => new Promise<void>((r) => (p.exitCode !== null ? r() : p.once('exit', () => r())));

function lockedBy(f: () => unknown): LogspecError {
  const e = caught(f);
  expect(isLogspecError(e, CoreCode.LOCKED), String(e)).toBe(true);
  return e as LogspecError;
}

describe('NodeFs lock', () => {
  it('a second process gets CORE_LOCKED naming the holder; a killed holder is taken over', async () => {
    const lock = join(fresh(), 'LOCK');
    const { proc, line } = await child(lock, 'hold');
    expect(line).toBe(`locked ${proc.pid}`);
    const e = lockedBy(() => fs.lock(lock));
    expect(e.details.holder).toMatchObject({ pid: proc.pid, host: hostname() });
    expect(e.message).toContain(`pid ${proc.pid}`);
    // Another process is refused too.
    expect((await child(lock, 'try')).line).toBe(`CORE_LOCKED ${proc.pid}`);
    proc.kill('SIGKILL');
    await exited(proc);
    expect(existsSync(lock)).toBe(true); // no chance to clean up
    const l = fs.lock(lock);
    expect(JSON.parse(readFileSync(lock, 'utf8')).pid).toBe(process.pid);
    // Now this process holds it: the child is refused with our pid.
    expect((await child(lock, 'try')).line).toBe(`CORE_LOCKED ${process.pid}`);
    l.release();
    expect(existsSync(lock)).toBe(false);
  }, 30_000);

  it('of several processes racing for a stale lock, exactly one wins', async () => {
    const dir = fresh();
    const lock = join(dir, 'LOCK');
    writeFileSync(lock, JSON.stringify({ host: hostname(), pid: 2 ** 30, token: 'dead', since: 'then' }));
    const lines = (await Promise.all([0, 1, 2, 3].map(() => child(lock, 'hold')))).map((r) => r.line);
    const winners = lines.filter((l) => l.startsWith('locked '));
    expect(winners).toHaveLength(1);
    const winner = Number(winners[0]?.split(' ')[1]);
    expect(lines.filter((l) => l === `CORE_LOCKED ${winner}`)).toHaveLength(3);
    expect(fs.readdir(dir)).toEqual(['LOCK']); // no temp or guard files left behind
  }, 30_000);

  it('a holder that exits without releasing leaves no lock behind', async () => {
    const lock = join(fresh(), 'LOCK');
    const { proc, line } = await child(lock, 'exit');
    expect(line).toMatch(/^locked \d+$/);
    await exited(proc);
    expect(existsSync(lock)).toBe(false);
    fs.lock(lock).release();
  }, 30_000);

  it('is exclusive within one process too, and release is idempotent', () => {
    const lock = join(fresh(), 'LOCK');
    const l = fs.lock(lock);
    const e = lockedBy(() => fs.lock(lock));
    expect(e.message).toContain('this process');
    l.release();
    l.release();
    const again = fs.lock(lock);
    again.release();
  });

  it('takes over a lock left by a dead pid, a reused pid or a previous boot', () => {
    const dir = fresh();
    const lock = join(dir, 'LOCK');
    const rec = (o: Record<string, unknown>) =>
      writeFileSync(lock, JSON.stringify({ host: hostname(), token: 'old', since: 'then', ...o }));
    // A pid that cannot exist.
    rec({ pid: 2 ** 30 });
    fs.lock(lock).release();
    // Our parent's pid (alive) but a different start time: the pid was reused.
    const linux = existsSync('/proc/self/stat');
    rec({ pid: process.ppid, startTime: '1' });
    if (linux) fs.lock(lock).release();
    else lockedBy(() => fs.lock(lock));
    rm(lock);
    // A live pid recorded under another boot.
    rec({ pid: process.ppid, bootId: 'another-boot' });
    if (linux) fs.lock(lock).release();
    else lockedBy(() => fs.lock(lock));
    rm(lock);
    // The same live pid with no identity facts: held.
    rec({ pid: process.ppid });
    expect(lockedBy(() => fs.lock(lock)).details.holder).toMatchObject({ pid: process.ppid });
    rm(lock);
    // Another host: never taken over.
    writeFileSync(lock, JSON.stringify({ host: 'elsewhere', pid: 1, token: 't', since: 's' }));
    expect(lockedBy(() => fs.lock(lock)).message).toContain('on elsewhere');
  });

  it('an unreadable lock is held while young and stale when old', () => {
    const lock = join(fresh(), 'LOCK');
    writeFileSync(lock, '');
    lockedBy(() => fs.lock(lock));
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    fs.lock(lock).release();
  });

  it('surfaces file system errors as IoError', () => {
    expect(
      isErrno(
        caught(() => fs.lock(join(root, 'no-such-dir', 'LOCK'))),
        'ENOENT',
      ),
    ).toBe(true);
  });
});

function rm(p: string): void {
  rmSync(p, { force: true });
}
