import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Fs, isErrno, removeTree, utf8Encode, walkTree } from '../src/index.js';
import { NodeFs } from '../src/node.js';
import { FaultFs, SimFs } from '../src/testing.js';

const scratch = mkdtempSync(join(tmpdir(), 'logspec-fs-tree-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;

function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

function walked(fs: Fs, root: string): string[] {
  const out: string[] = [];
  walkTree(fs, root, (e) => {
    out.push(`${e.rel}:${e.stat.isSymbolicLink ? 'link' : e.stat.isDirectory ? 'dir' : 'file'}`);
    return undefined;
  });
  return out;
}

describe('SimFs symbolic links', () => {
  it('stat, open and readdir follow a link; lstat, unlink and rmdir act on the link itself', () => {
    const fs = new SimFs();
    fs.put('/data/f', utf8Encode('abc'));
    fs.mkdir('/store');
    fs.symlink('/data', '/store/ext');
    fs.symlink('../data/f', '/store/file');
    expect(fs.stat('/store/ext')).toMatchObject({ isDirectory: true });
    expect(fs.lstat('/store/ext')).toMatchObject({ isDirectory: false, isFile: false, isSymbolicLink: true });
    expect(fs.readdir('/store/ext')).toEqual(['f']);
    expect(fs.readFile('/store/file')).toEqual(utf8Encode('abc'));
    expect(fs.lstat('/store/file')?.isSymbolicLink).toBe(true);
    expect(fs.stat('/store/ext/f')?.size).toBe(3);
    expect(
      isErrno(
        caught(() => fs.rmdir('/store/ext')),
        'ENOTDIR',
      ),
    ).toBe(true);
    fs.unlink('/store/ext');
    expect(fs.exists('/data/f')).toBe(true);
    expect(fs.readdir('/store')).toEqual(['file']);
  });

  it('a link cycle is ELOOP, a dangling link is missing for stat but present for lstat', () => {
    const fs = new SimFs();
    fs.mkdir('/d');
    fs.symlink('b', '/d/a');
    fs.symlink('a', '/d/b');
    fs.symlink('nowhere', '/d/dangling');
    expect(
      isErrno(
        caught(() => fs.stat('/d/a')),
        'ELOOP',
      ),
    ).toBe(true);
    expect(fs.stat('/d/dangling')).toBeUndefined();
    expect(fs.lstat('/d/dangling')?.isSymbolicLink).toBe(true);
    // A self-referencing directory link resolves (to its own directory), as on Linux.
    fs.symlink('.', '/d/self');
    expect(fs.readdir('/d/self/self/self')).toEqual(['a', 'b', 'dangling', 'self']);
  });

  it('links survive a crash and a clone, and are not listed as files', () => {
    const fs = new SimFs();
    fs.put('/x/f', utf8Encode('1'));
    fs.symlink('/x', '/y');
    const c = fs.clone();
    fs.crash('forget-files', 3);
    for (const f of [fs, c]) {
      expect(f.lstat('/y')?.isSymbolicLink).toBe(true);
      expect(f.listFiles()).toEqual(['/x/f']);
    }
  });
});

describe('walkTree and removeTree never follow a link', () => {
  it('SimFs: a walk over a link cycle ends and lists each link once', () => {
    const fs = new SimFs();
    fs.put('/s/segments/0001.seg', utf8Encode('x'));
    fs.symlink('.', '/s/segments/a');
    fs.symlink('.', '/s/segments/b');
    expect(walked(fs, '/s')).toEqual([
      ':dir',
      'segments:dir',
      'segments/0001.seg:file',
      'segments/a:link',
      'segments/b:link',
    ]);
  });

  it('SimFs: removing a tree unlinks a link to an outside directory and leaves that directory whole', () => {
    const fs = new SimFs();
    fs.put('/outside/keep', utf8Encode('precious'));
    fs.put('/store.v2/tmp/x', utf8Encode('x'));
    fs.symlink('/outside', '/store.v2/tmp/ext');
    removeTree(fs, '/store.v2');
    expect(fs.exists('/store.v2')).toBe(false);
    expect(fs.readFile('/outside/keep')).toEqual(utf8Encode('precious'));
  });

  it('NodeFs: the same on a real file system, with a link at the root of the removed tree too', () => {
    const fs = new NodeFs();
    const d = join(scratch, `t${n++}`);
    mkdirSync(join(d, 'outside'), { recursive: true });
    writeFileSync(join(d, 'outside', 'keep'), 'precious');
    mkdirSync(join(d, 'tree', 'tmp'), { recursive: true });
    symlinkSync(join(d, 'outside'), join(d, 'tree', 'tmp', 'ext'));
    symlinkSync('.', join(d, 'tree', 'tmp', 'self'));
    symlinkSync(join(d, 'outside'), join(d, 'link-to-outside'));
    expect(walked(fs, join(d, 'tree'))).toEqual([':dir', 'tmp:dir', 'tmp/ext:link', 'tmp/self:link']);
    removeTree(fs, join(d, 'tree'));
    removeTree(fs, join(d, 'link-to-outside'));
    expect(existsSync(join(d, 'tree'))).toBe(false);
    expect(existsSync(join(d, 'link-to-outside'))).toBe(false);
    expect(readdirSync(join(d, 'outside'))).toEqual(['keep']);
  });

  it('a walk that cannot read a directory fails with CORE_IO naming it and the operation', () => {
    const fs = new FaultFs(new SimFs(), [{ at: 1, op: 'readdir', kind: 'EACCES' }]);
    fs.mkdir('/r');
    const e = caught(() => walkTree(fs, '/r', () => undefined)) as { code: string; op: string; path: string };
    expect(e).toMatchObject({ code: 'CORE_IO', op: 'readdir', path: '/r' });
  });
});
