import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CoreCode, isErrno, isLogspecError, utf8Decode, utf8Encode } from '../src/index.js';
import { CRASH_MODES, KEEP_PREFIX_STEP, MAX_GARBAGE, SimFs, SimulatedCrash } from '../src/testing.js';

const enc = (s: string) => utf8Encode(s);
const dec = (b: Uint8Array) => utf8Decode(b);
const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);
/** Byte equality without vitest's per-element deep-equal (which dominates property runs). */
const same = (x: Uint8Array, y: Uint8Array) => x.length === y.length && x.every((v, i) => v === y[i]);

function throwsErrno(f: () => unknown, errno: string): void {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(isErrno(caught, errno), `expected errno ${errno}, got ${String(caught)}`).toBe(true);
}

function throwsCode(f: () => unknown, code: string): void {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(isLogspecError(caught, code), `expected ${code}, got ${String(caught)}`).toBe(true);
}

/** `/d/f` with `synced` durable (data and name), then `unsynced` appended without fsync. */
function fileWith(synced: Uint8Array, ...unsynced: Uint8Array[]): SimFs {
  const fs = new SimFs();
  fs.mkdir('/d');
  fs.fsyncDir('/');
  const h = fs.open('/d/f', { create: true });
  h.append(synced);
  h.fsync();
  fs.fsyncDir('/d');
  for (const u of unsynced) h.append(u);
  return fs;
}

describe('SimFs as a file system', () => {
  it('reads, writes, appends, truncates and stats', () => {
    const fs = new SimFs();
    fs.mkdir('/a');
    const h = fs.open('/a/x', { create: true, mode: 0o600 });
    expect(h.append(enc('hello'))).toBe(5);
    expect(h.write(enc('J'), 0, 1, 0)).toBe(1);
    expect(h.write(enc('!!'), 0, 2, 7)).toBe(2); // past the end: a zero-filled hole
    expect([...fs.readFile('/a/x')]).toEqual([...enc('Jello'), 0, 0, 33, 33]);
    const buf = new Uint8Array(10);
    expect(h.read(buf, 1, 4, 1)).toBe(4);
    expect(dec(buf.subarray(1, 5))).toBe('ello');
    expect(h.read(buf, 0, 10, 8)).toBe(1); // short at EOF
    expect(h.read(buf, 0, 10, 100)).toBe(0);
    h.truncate(3);
    expect(dec(fs.readFile('/a/x'))).toBe('Jel');
    h.truncate(5); // growing truncate zero-fills
    expect([...fs.readFile('/a/x')]).toEqual([...enc('Jel'), 0, 0]);
    expect(h.size()).toBe(5);
    const st = fs.stat('/a/x');
    expect(st).toMatchObject({ size: 5, isFile: true, isDirectory: false, mode: 0o600 });
    expect(fs.stat('/a')).toMatchObject({ isFile: false, isDirectory: true });
    expect(fs.stat('/nope')).toBeUndefined();
    fs.chmod('/a/x', 0o644);
    expect(fs.stat('/a/x')?.mode).toBe(0o644);
    expect(fs.exists('/a/x')).toBe(true);
    expect(fs.exists('a/x')).toBe(true); // relative paths resolve against /
  });

  it('lists directories sorted and maps errors to errno', () => {
    const fs = new SimFs();
    fs.mkdir('/d/e/f', { recursive: true });
    for (const n of ['b', 'c', 'a']) fs.open(`/d/${n}`, { create: true }).close();
    expect(fs.readdir('/d')).toEqual(['a', 'b', 'c', 'e']);
    expect(fs.listFiles()).toEqual(['/d/a', '/d/b', '/d/c']);
    throwsErrno(() => fs.open('/d/zz'), 'ENOENT');
    throwsErrno(() => fs.open('/nodir/x', { create: true }), 'ENOENT');
    throwsErrno(() => fs.open('/d/a/x', { create: true }), 'ENOTDIR');
    throwsErrno(() => fs.open('/d/a', { create: true, exclusive: true }), 'EEXIST');
    throwsErrno(() => fs.open('/d/e', {}), 'EISDIR');
    throwsErrno(() => fs.mkdir('/d/a'), 'EEXIST');
    throwsErrno(() => fs.mkdir('/d/a/b', { recursive: true }), 'ENOTDIR');
    throwsErrno(() => fs.readFile('/d/none'), 'ENOENT');
    throwsErrno(() => fs.readdir('/d/a'), 'ENOTDIR');
    throwsErrno(() => fs.unlink('/d/e'), 'EISDIR');
    throwsErrno(() => fs.unlink('/d/none'), 'ENOENT');
    throwsErrno(() => fs.rmdir('/d/e'), 'ENOTEMPTY');
    throwsErrno(() => fs.rmdir('/d/a'), 'ENOTDIR');
    throwsErrno(() => fs.rename('/d/none', '/d/x'), 'ENOENT');
    throwsErrno(() => fs.rename('/d/a', '/d/e'), 'EISDIR');
    throwsErrno(() => fs.rename('/d', '/d/e/f/g'), 'EINVAL');
    throwsErrno(() => fs.open('/d/a').write(enc('x'), 0, 1, 0), 'EBADF');
    fs.rmdir('/d/e/f');
    expect(fs.readdir('/d/e')).toEqual([]);
  });

  it('rename replaces the target atomically; handles follow the file, not the name', () => {
    const fs = new SimFs();
    const h = fs.open('/tmp', { create: true });
    h.append(enc('new'));
    const old = fs.open('/cur', { create: true });
    old.append(enc('old'));
    fs.rename('/tmp', '/cur');
    expect(dec(fs.readFile('/cur'))).toBe('new');
    expect(fs.exists('/tmp')).toBe(false);
    h.append(enc('er'));
    expect(dec(fs.readFile('/cur'))).toBe('newer');
    old.append(enc('!')); // the replaced file lives on while open, under no name
    expect(dec(fs.readFile('/cur'))).toBe('newer');
  });

  it('lock is exclusive until released', () => {
    const fs = new SimFs();
    fs.mkdir('/db');
    const l = fs.lock('/db/LOCK');
    throwsCode(() => fs.lock('/db/LOCK'), CoreCode.LOCKED);
    throwsCode(() => fs.lock('db/./LOCK'), CoreCode.LOCKED);
    const other = fs.lock('/db/OTHER');
    l.release();
    l.release();
    fs.lock('/db/LOCK').release();
    other.release();
    throwsErrno(() => fs.lock('/missing/LOCK'), 'ENOENT');
  });

  it('clone is copy-on-write in both directions', () => {
    const fs = fileWith(enc('abc'));
    const c = fs.clone();
    fs.open('/d/f', { write: true }).write(enc('X'), 0, 1, 0);
    expect(dec(c.readFile('/d/f'))).toBe('abc');
    c.open('/d/f', { write: true }).append(enc('def'));
    expect(dec(fs.readFile('/d/f'))).toBe('Xbc');
    expect(dec(c.readFile('/d/f'))).toBe('abcdef');
    expect(c.mutations).toBe(fs.mutations);
  });
});

describe('SimFs crash modes', () => {
  const synced = enc('durable-');
  const a = bytes(700, 0xaa);
  const b = bytes(1300, 0xbb);

  it('drop-unsynced: unsynced bytes lost, synced bytes kept', () => {
    const fs = fileWith(synced, a, b);
    expect(fs.unsyncedBytes('/d/f')).toBe(2000);
    fs.crash('drop-unsynced', 1);
    expect(fs.readFile('/d/f')).toEqual(synced);
    expect(fs.unsyncedBytes('/d/f')).toBe(0);
  });

  it('fdatasync makes data durable too; overwrites and truncates are undone', () => {
    const fs = fileWith(enc('0123456789'));
    const h = fs.open('/d/f', { write: true });
    h.write(enc('abc'), 0, 3, 2);
    h.fdatasync();
    h.write(enc('ZZ'), 0, 2, 0);
    h.truncate(4);
    h.write(enc('tail'), 0, 4, 12);
    fs.crash('drop-unsynced');
    expect(dec(fs.readFile('/d/f'))).toBe('01abc56789');
  });

  it('keep-prefix: a 512-byte-step prefix of the unsynced writes, in order', () => {
    const lengths = new Set<number>();
    for (let seed = 0; seed < 60; seed++) {
      const fs = fileWith(synced, a, b).crash('keep-prefix', seed);
      const got = fs.readFile('/d/f');
      expect(got.subarray(0, synced.length)).toEqual(synced);
      const kept = got.length - synced.length;
      expect(kept === 2000 || kept % KEEP_PREFIX_STEP === 0).toBe(true);
      const expected = new Uint8Array([...a, ...b]).subarray(0, kept);
      expect(got.subarray(synced.length)).toEqual(expected);
      lengths.add(kept);
    }
    // 2000 unsynced bytes: 0, 512, 1024, 1536 or all of them.
    expect([...lengths].sort((x, y) => x - y)).toEqual([0, 512, 1024, 1536, 2000]);
  });

  it('tear-last-write: earlier unsynced writes kept, the last cut short', () => {
    const cuts = new Set<number>();
    for (let seed = 0; seed < 40; seed++) {
      const fs = fileWith(synced, a, b).crash('tear-last-write', seed);
      const got = fs.readFile('/d/f');
      expect(got.subarray(0, synced.length + a.length)).toEqual(new Uint8Array([...synced, ...a]));
      const torn = got.length - synced.length - a.length;
      expect(torn).toBeGreaterThanOrEqual(0);
      expect(torn).toBeLessThan(b.length);
      expect(got.subarray(synced.length + a.length).every((x) => x === 0xbb)).toBe(true);
      cuts.add(torn);
    }
    expect(cuts.size).toBeGreaterThan(30);
  });

  it('append-garbage: unsynced data replaced by garbage; clean files untouched', () => {
    for (let seed = 0; seed < 20; seed++) {
      const fs = fileWith(synced, a);
      fs.put('/d/clean', enc('clean'));
      fs.crash('append-garbage', seed);
      const got = fs.readFile('/d/f');
      expect(got.subarray(0, synced.length)).toEqual(synced);
      const garbage = got.length - synced.length;
      expect(garbage).toBeGreaterThanOrEqual(1);
      expect(garbage).toBeLessThanOrEqual(MAX_GARBAGE);
      expect(got.subarray(synced.length)).not.toEqual(a.subarray(0, garbage));
      expect(dec(fs.readFile('/d/clean'))).toBe('clean');
    }
  });

  it('forget-files: entries since the last fsyncDir vanish, even of fsynced files', () => {
    const fs = fileWith(synced, a);
    const n = fs.open('/d/new', { create: true });
    n.append(enc('fsynced but never named durably'));
    n.fsync();
    fs.mkdir('/d/sub');
    fs.put('/keep', enc('k'));
    fs.rename('/keep', '/renamed');
    fs.unlink('/d/f');
    fs.crash('forget-files', 3);
    expect(fs.readdir('/d')).toEqual(['f']);
    expect(fs.readFile('/d/f')).toEqual(synced); // unlink undone, unsynced data dropped
    expect(fs.exists('/renamed')).toBe(false);
    expect(dec(fs.readFile('/keep'))).toBe('k');
  });

  it('forget-files keeps what fsyncDir made durable, including renames', () => {
    const fs = new SimFs();
    fs.mkdir('/db');
    fs.fsyncDir('/');
    const t = fs.open('/db/MANIFEST.tmp', { create: true });
    t.append(enc('v2'));
    t.fsync();
    fs.rename('/db/MANIFEST.tmp', '/db/MANIFEST');
    fs.fsyncDir('/db');
    fs.mkdir('/db/lost');
    fs.open('/db/lost/x', { create: true }).close();
    fs.fsyncDir('/db/lost'); // its own entries are durable, but its name is not
    fs.crash('forget-files');
    expect(fs.readdir('/db')).toEqual(['MANIFEST']);
    expect(dec(fs.readFile('/db/MANIFEST'))).toBe('v2');
  });

  it.each(CRASH_MODES.filter((m) => m !== 'forget-files'))(
    '%s keeps directory entries made before the crash',
    (mode) => {
      const fs = new SimFs();
      fs.mkdir('/db');
      const h = fs.open('/db/a', { create: true });
      h.append(enc('x'));
      h.fsync();
      fs.rename('/db/a', '/db/b');
      fs.crash(mode, 9);
      expect(fs.readdir('/db')).toEqual(['b']);
      expect(dec(fs.readFile('/db/b'))).toBe('x');
    },
  );

  it.each(CRASH_MODES)('%s: synced files untouched, handles closed, locks released, deterministic', (mode) => {
    const run = (seed: number) => {
      const fs = fileWith(synced, a, b);
      fs.put('/other', enc('synced only'));
      const h = fs.open('/d/f', { write: true });
      fs.lock('/d/LOCK');
      fs.crash(mode, seed);
      throwsCode(() => h.append(enc('x')), CoreCode.CLOSED);
      throwsCode(() => h.read(new Uint8Array(1), 0, 1, 0), CoreCode.CLOSED);
      h.close();
      fs.lock('/d/LOCK').release();
      expect(dec(fs.readFile('/other'))).toBe('synced only');
      expect(fs.unsyncedBytes('/d/f')).toBe(0);
      // The post-crash state is durable: a second crash changes nothing.
      const after = fs.readFile('/d/f');
      expect(fs.crash('drop-unsynced').readFile('/d/f')).toEqual(after);
      return after;
    };
    expect(run(7)).toEqual(run(7));
  });

  it('matches a reference model over random operation sequences', () => {
    const op = fc.oneof(
      fc.record({ t: fc.constant('write' as const), pos: fc.nat(3000), len: fc.nat(900), fill: fc.nat(255) }),
      fc.record({ t: fc.constant('append' as const), len: fc.nat(900), fill: fc.nat(255) }),
      fc.record({ t: fc.constant('truncate' as const), len: fc.nat(3000) }),
      fc.record({ t: fc.constant('sync' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), fc.constantFrom(...CRASH_MODES), fc.nat(), (ops, mode, seed) => {
        const fs = new SimFs();
        fs.fsyncDir('/');
        const h = fs.open('/f', { create: true });
        fs.fsyncDir('/');
        let model = new Uint8Array(0);
        let durable = model;
        let unsynced: Uint8Array[] = [];
        const put = (pos: number, data: Uint8Array) => {
          const next = new Uint8Array(Math.max(model.length, pos + data.length));
          next.set(model);
          next.set(data, pos);
          model = next;
        };
        for (const o of ops) {
          if (o.t === 'sync') {
            h.fsync();
            durable = model;
            unsynced = [];
          } else if (o.t === 'truncate') {
            h.truncate(o.len);
            const next = new Uint8Array(o.len);
            next.set(model.subarray(0, o.len));
            model = next;
            unsynced.push(new Uint8Array(0));
          } else {
            const data = bytes(o.len, o.fill);
            const pos = o.t === 'append' ? model.length : o.pos;
            if (o.t === 'append') h.append(data);
            else h.write(data, 0, data.length, pos);
            put(pos, data);
            unsynced.push(data);
          }
          expect(same(fs.readFile('/f'), model)).toBe(true);
        }
        const got = fs.crash(mode, seed).readFile('/f');
        if (mode === 'drop-unsynced' || mode === 'forget-files' || unsynced.length === 0) {
          expect(same(got, durable)).toBe(true);
        } else if (mode === 'append-garbage') {
          expect(same(got.subarray(0, durable.length), durable)).toBe(true);
        } else if (mode === 'keep-prefix' && !ops.some((o) => o.t !== 'append' && o.t !== 'sync')) {
          // Appends only: the result is the durable bytes plus a prefix of the unsynced ones.
          const all = new Uint8Array([...durable, ...unsynced.flatMap((u) => [...u])]);
          expect(same(got, all.subarray(0, got.length))).toBe(true);
          expect(got.length >= durable.length).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('SimFs crashAfter', () => {
  it('the (n+1)-th mutating call throws SimulatedCrash without running; later calls throw too', () => {
    const fs = new SimFs({ crashAfter: 3 });
    const h = fs.open('/f', { create: true }); // #0
    h.append(enc('one')); // #1
    h.fsync(); // #2
    expect(fs.readFile('/f').length).toBe(3); // reads are not crash points
    let caught: unknown;
    try {
      h.append(enc('two')); // #3: crashes
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SimulatedCrash);
    expect((caught as SimulatedCrash).point).toBe(3);
    expect(fs.dead).toBe(true);
    expect(() => fs.readFile('/f')).toThrow(SimulatedCrash);
    expect(() => fs.stat('/f')).toThrow(SimulatedCrash);
    fs.crash('keep-prefix', 1);
    expect(dec(fs.readFile('/f'))).toBe('one'); // the crashing append never happened
    expect(fs.stat('/f')?.size).toBe(3);
  });

  it('counts exactly the mutating calls', () => {
    const fs = new SimFs();
    const seen: string[] = [];
    fs.onMutation = (_i, op) => seen.push(op);
    fs.mkdir('/d');
    const h = fs.open('/d/f', { create: true });
    h.write(enc('a'), 0, 1, 0);
    h.append(enc('b'));
    h.truncate(1);
    h.fsync();
    h.fdatasync();
    h.read(new Uint8Array(1), 0, 1, 0);
    h.size();
    fs.open('/d/f').close();
    fs.open('/d/f', { write: true }).close();
    fs.open('/d/f', { write: true, truncate: true }).close();
    fs.stat('/d/f');
    fs.readdir('/d');
    fs.rename('/d/f', '/d/g');
    fs.fsyncDir('/d');
    fs.unlink('/d/g');
    fs.mkdir('/d/e');
    fs.rmdir('/d/e');
    fs.chmod('/d', 0o700);
    fs.lock('/d/L').release();
    expect(seen).toEqual([
      'mkdir',
      'open',
      'write',
      'append',
      'truncate',
      'fsync',
      'fdatasync',
      'open',
      'rename',
      'fsyncDir',
      'unlink',
      'mkdir',
      'rmdir',
    ]);
    expect(fs.mutations).toBe(seen.length);
  });
});
