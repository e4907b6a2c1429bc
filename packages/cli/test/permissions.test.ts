import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBin, cleanup, HOTFRAME, PKG, type RunResult, SESSION, tempDir, WAL } from './helpers.js';

/**
 * I/O failures a user meets (item 8): a directory they may not write, a file they may not
 * write, a directory or index they may not read. Each must be `CORE_IO`, exit 1, naming the
 * user's path and the operation — never an internal error, never damage, never a temp path.
 *
 * Permission bits do not stop root, and CI runs as root: there the CLI runs as `nobody`
 * (util-linux `setpriv`); otherwise as the user running the tests.
 */

const AS_ROOT = process.getuid?.() === 0;
let bin: string;
beforeAll(async () => {
  bin = await buildBin();
  // The bin must be readable by the user it runs as.
  for (let d = dirname(dirname(bin)); d.includes('logspec-cli-bin-'); d = dirname(d)) chmodSync(d, 0o755);
});
afterAll(() => {
  for (const d of made) chmodSync(d, 0o755);
  cleanup();
});

const made: string[] = [];

/** A fresh directory the unprivileged user may enter and read (and, with `writable`, write). */
function place(writable: boolean): string {
  const d = tempDir('logspec-cli-perm-');
  chmodSync(d, writable ? 0o777 : 0o755);
  made.push(d);
  return d;
}

/** Copies a sample into `dir`, readable by everyone, writable by everyone when `writable`. */
function copyOpen(src: string, dest: string, writable: boolean): string {
  cpSync(src, dest, { recursive: true });
  const walk = (p: string, isDir: boolean) => {
    chmodSync(p, isDir ? (writable ? 0o777 : 0o755) : writable ? 0o666 : 0o644);
    made.push(p);
    if (isDir) for (const e of readdirSync(p, { withFileTypes: true })) walk(join(p, e.name), e.isDirectory());
  };
  walk(dest, true);
  return dest;
}

function runAsUser(args: readonly string[]): RunResult {
  const cmd = AS_ROOT ? 'setpriv' : process.execPath;
  const pre = AS_ROOT ? ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : [];
  const r = spawnSync(cmd, [...pre, bin, ...args], { encoding: 'utf8', cwd: PKG, timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** One CORE_IO line naming `path` and `op`; no internal error, no temp copy. */
function expectIoError(r: RunResult, path: string, op: string): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toMatch(/^logspec: CORE_IO: .+ — hint: .+\n$/);
  expect(r.stderr).toContain(`${op} ${path}`);
  expect(r.stderr).toContain('EACCES');
  expect(r.stderr).not.toContain('INTERNAL');
  expect(r.stderr).not.toContain('this is a bug');
  expect(r.stderr).not.toContain('logspec-dry-run-');
}

describe('permission failures are CORE_IO naming the path and the operation (item 8)', () => {
  it('repair in a directory the user may not write', () => {
    const root = copyOpen(join(HOTFRAME, 'torn_tail'), join(place(false), 'kaizen'), false);
    const r = runAsUser(['repair', '--format', 'hotframe', root]);
    expectIoError(r, join(root, '.logspec-repair.lock'), 'lock');
  });

  it('repair and repair --dry-run of a log the user may not write (the error names the log, not a temp copy)', () => {
    const root = copyOpen(join(HOTFRAME, 'torn_tail'), join(place(true), 'kaizen'), true);
    const log = join(root, 'hot', 'log.bin');
    chmodSync(log, 0o444);
    expectIoError(runAsUser(['repair', '--dry-run', '--format', 'hotframe', root]), log, 'open');
    expectIoError(runAsUser(['repair', '--format', 'hotframe', root]), log, 'open');
    // Nothing is left behind: no snapshot, no lock.
    expect(readdirSync(root).sort()).toEqual(['hot']);
  });

  it('a WAL directory the user may not read: readdir of that directory, not a probe inside it', () => {
    const dir = copyOpen(join(WAL, 'multi_dir'), join(place(false), 'wal'), false);
    chmodSync(dir, 0o000);
    for (const cmd of ['inspect', 'verify', 'dump']) expectIoError(runAsUser([cmd, dir]), dir, 'readdir');
    const json = runAsUser(['inspect', '--json', dir]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stderr)).toMatchObject({ code: 'CORE_IO', path: dir, errno: 'EACCES', op: 'readdir' });
  });

  it('a session index the user may not read is an I/O error, not damage', () => {
    const root = copyOpen(join(SESSION, 'branching'), join(place(false), 'store'), false);
    const index = join(root, 'index', 'offsets.jsonl');
    chmodSync(index, 0o000);
    for (const cmd of ['verify', 'inspect', 'dump']) {
      const r = runAsUser([cmd, root]);
      expectIoError(r, index, 'open');
      expect(r.stdout).toBe('');
    }
  });
});
