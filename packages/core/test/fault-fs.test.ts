import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendFully, IoError, isErrno, utf8Decode, utf8Encode, writeFully } from '../src/index.js';
import { NodeFs } from '../src/node.js';
import { FaultFs, SimFs } from '../src/testing.js';

const enc = utf8Encode;

function errnoOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof IoError) return e.errno;
    throw e;
  }
  return undefined;
}

describe('FaultFs', () => {
  it('fails the Nth call of an op with EIO, without performing it', () => {
    const fs = new FaultFs(new SimFs(), [{ at: 2, op: 'write', kind: 'EIO' }]);
    const h = fs.open('/f', { create: true });
    h.write(enc('a'), 0, 1, 0);
    expect(errnoOf(() => h.write(enc('b'), 0, 1, 1))).toBe('EIO');
    h.write(enc('c'), 0, 1, 1);
    expect(utf8Decode(fs.readFile('/f'))).toBe('ac');
    expect(fs.fired).toHaveLength(1);
    expect(fs.fired[0]).toMatchObject({ op: 'write', path: '/f' });
  });

  it('counts every op when none is named; errors carry CORE_IO and errno', () => {
    const fs = new FaultFs(new SimFs(), [{ at: 3, kind: 'EIO' }]);
    fs.mkdir('/d'); // 1
    fs.exists('/d'); // 2
    let caught: unknown;
    try {
      fs.readdir('/d'); // 3
    } catch (e) {
      caught = e;
    }
    expect(isErrno(caught, 'EIO')).toBe(true);
    expect((caught as IoError).code).toBe('CORE_IO');
    expect((caught as IoError).details).toMatchObject({ errno: 'EIO', op: 'readdir', path: '/d' });
    expect(fs.readdir('/d')).toEqual([]);
    expect(fs.calls).toBe(4);
  });

  it('ENOSPC can be sticky and limited to a path', () => {
    const fs = new FaultFs(new SimFs(), [
      { at: 1, op: ['append', 'write'], kind: 'ENOSPC', times: Infinity, path: 'big' },
    ]);
    const big = fs.open('/big', { create: true });
    const small = fs.open('/small', { create: true });
    for (let i = 0; i < 3; i++) expect(errnoOf(() => big.append(enc('x')))).toBe('ENOSPC');
    expect(errnoOf(() => big.write(enc('x'), 0, 1, 0))).toBe('ENOSPC');
    small.append(enc('ok'));
    expect(fs.readFile('/big').length).toBe(0);
    fs.clear();
    big.append(enc('x'));
    expect(fs.readFile('/big').length).toBe(1);
  });

  it('short writes are completed by writeFully/appendFully', () => {
    const fs = new FaultFs(new SimFs(), [
      { at: 1, kind: 'short' },
      { at: 3, kind: 'short', keep: 1 },
    ]);
    const h = fs.open('/f', { create: true });
    writeFully(h, enc('0123456789'), 0);
    appendFully(h, enc('abc'));
    expect(utf8Decode(fs.readFile('/f'))).toBe('0123456789abc');
    expect(fs.fired.map((f) => f.op)).toEqual(['write', 'append']);
  });

  it('a zero-byte short write makes writeFully fail with EIO', () => {
    const fs = new FaultFs(new SimFs(), [{ at: 1, kind: 'short', keep: 0 }]);
    const h = fs.open('/f', { create: true });
    expect(errnoOf(() => writeFully(h, enc('abc'), 0))).toBe('EIO');
  });

  it('injects fsync, rename and fsyncDir failures', () => {
    const fs = new FaultFs(new SimFs())
      .inject({ at: 1, op: 'fsync', kind: 'EIO' })
      .inject({ at: 1, op: 'rename', kind: 'ENOSPC' })
      .inject({ at: 2, op: 'fsyncDir', kind: 'EIO' });
    const h = fs.open('/a', { create: true });
    expect(errnoOf(() => h.fsync())).toBe('EIO');
    h.fsync();
    expect(errnoOf(() => fs.rename('/a', '/b'))).toBe('ENOSPC');
    fs.rename('/a', '/b');
    fs.fsyncDir('/');
    expect(errnoOf(() => fs.fsyncDir('/'))).toBe('EIO');
    expect(() => fs.inject({ at: 0, kind: 'EIO' })).toThrow(/positive/);
  });

  describe('over NodeFs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logspec-fault-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    it('wraps a real file system the same way', () => {
      const fs = new FaultFs(new NodeFs(), [{ at: 2, op: 'append', kind: 'short', keep: 2 }]);
      const h = fs.open(join(dir, 'f'), { create: true });
      h.append(enc('abc'));
      expect(h.append(enc('defg'))).toBe(2);
      h.close();
      expect(utf8Decode(fs.readFile(join(dir, 'f')))).toBe('abcde');
    });
  });
});
