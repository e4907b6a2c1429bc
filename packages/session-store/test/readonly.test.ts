import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileHandle, Fs, OpenOptions } from '@logspec/core';
import { NodeFs } from '@logspec/core/node';
import { SimFs } from '@logspec/core/testing';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { RawJson, SessCode, SessionError, SessWarning } from '../src/index.js';
import { dumpStore, listFilesRecursive, SessionStore, type SessionStoreOptions } from '../src/store.js';
import { codeOf, tempDir } from './helpers.js';

/**
 * Read-only open: nothing reaches the file system but reads, and the store shows what a
 * writable open would show after its recovery, with the same warnings.
 */

const GOLDEN_ROOT = fileURLToPath(new URL('../../../conformance/golden/', import.meta.url));
const node = new NodeFs();
const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Wraps an Fs and fails the test on any call that could change anything. */
function guarded(fs: Fs, calls: string[] = []): Fs {
  const refuse = (op: string, path: string): never => {
    calls.push(`${op} ${path}`);
    throw new Error(`read-only store called ${op} ${path}`);
  };
  const wrapHandle = (h: FileHandle): FileHandle => ({
    path: h.path,
    read: (b, o, l, p) => h.read(b, o, l, p),
    size: () => h.size(),
    close: () => h.close(),
    write: () => refuse('write', h.path),
    append: () => refuse('append', h.path),
    truncate: () => refuse('truncate', h.path),
    fsync: () => refuse('fsync', h.path),
    fdatasync: () => refuse('fdatasync', h.path),
  });
  return {
    open(path: string, opts: OpenOptions = {}) {
      if (opts.write || opts.create || opts.truncate || opts.exclusive) refuse(`open(${JSON.stringify(opts)})`, path);
      return wrapHandle(fs.open(path, opts));
    },
    readFile: (p) => fs.readFile(p),
    stat: (p) => fs.stat(p),
    lstat: (p) => fs.lstat(p),
    exists: (p) => fs.exists(p),
    readdir: (p) => fs.readdir(p),
    mkdir: (p) => refuse('mkdir', p),
    rename: (p) => refuse('rename', p),
    unlink: (p) => refuse('unlink', p),
    rmdir: (p) => refuse('rmdir', p),
    fsyncDir: (p) => refuse('fsyncDir', p),
    chmod: (p) => refuse('chmod', p),
    lock: (p) => refuse('lock', p),
  };
}

function treeHash(root: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      const st = statSync(p);
      h.update(`${relative(root, p)}:${st.mode}:${st.size}\n`);
      if (st.isDirectory()) walk(p);
      else h.update(readFileSync(p));
    }
  };
  if (existsSync(root)) walk(root);
  return h.digest('hex');
}

/** Every reference store directory under conformance/golden/session*\/<producer>/. */
function referenceStores(): { dir: string; name: string }[] {
  const out: { dir: string; name: string }[] = [];
  for (const fmt of readdirSync(GOLDEN_ROOT).filter((n) => n.startsWith('session'))) {
    for (const producer of readdirSync(join(GOLDEN_ROOT, fmt))) {
      const pdir = join(GOLDEN_ROOT, fmt, producer);
      if (!statSync(pdir).isDirectory()) continue;
      for (const n of readdirSync(pdir)) {
        if (statSync(join(pdir, n)).isDirectory()) out.push({ dir: join(pdir, n), name: `${producer}/${n}` });
      }
    }
  }
  return out;
}

const stores = referenceStores();
let n = 0;

describe.each(['original', 'quarantine'] as const)(
  'read-only open of the reference stores (%s recovery)',
  (recovery) => {
    it('found the reference stores', () => {
      expect(stores.length).toBeGreaterThanOrEqual(17);
    });

    it.each(stores)('$name: no mutating call, same dump and warnings as a writable open', ({ dir, name }) => {
      const label = name.slice(name.indexOf('/') + 1);
      const opts: SessionStoreOptions = {
        maxSegmentBytes: 4096,
        recovery,
        durability: 'none',
        lock: false,
        rootLabel: label,
      };
      const before = treeHash(dir);
      const calls: string[] = [];
      // In place, on the in-repo files: a write would fail the guard and change the hash.
      const ro = dumpStore(guarded(node, calls), dir, { ...opts, readOnly: true });
      expect(calls).toEqual([]);
      expect(treeHash(dir)).toBe(before);

      const copy = join(tmp.dir, `w-${n++}`, label);
      cpSync(dir, copy, { recursive: true });
      const rw = dumpStore(node, copy, opts);
      expect(ro).toEqual(rw);

      // The warnings themselves (codes, places, details) are those of the writable open too.
      const roStore = (() => {
        try {
          return SessionStore.openReadOnly(guarded(node), dir, opts);
        } catch (e) {
          return e as SessionError;
        }
      })();
      const rwRoot = join(tmp.dir, `w-${n++}`, label);
      cpSync(dir, rwRoot, { recursive: true });
      let rwStore: SessionStore | SessionError;
      try {
        rwStore = SessionStore.open(node, rwRoot, opts);
      } catch (e) {
        rwStore = e as SessionError;
      }
      if (rwStore instanceof SessionStore) {
        expect(roStore).toBeInstanceOf(SessionStore);
        const s = roStore as SessionStore;
        expect(s.readOnly).toBe(true);
        expect(s.warnings).toEqual(rwStore.warnings);
        expect(s.quarantined).toEqual(rwStore.quarantined);
        expect(s.readIndex()).toEqual(rwStore.readIndex());
        expect(s.integrityReport()).toEqual([]);
        s.close();
        rwStore.close();
      } else {
        expect((roStore as SessionError).code).toBe(rwStore.code);
        expect((roStore as SessionError).message).toBe(rwStore.message);
      }
      expect(treeHash(dir)).toBe(before);
    });
  },
);

describe('read-only store', () => {
  const T = '2026-04-15T12:34:56.789Z';
  function built(): SimFs {
    const fs = new SimFs();
    const s = SessionStore.open(fs, '/s', { maxSegmentBytes: 700, now: () => T });
    let parent: string | undefined;
    for (let i = 0; i < 8; i++) {
      s.appendEntry(`e${i}`, parent, 'message', new RawJson(JSON.stringify({ i, text: 'x'.repeat(i * 11) })));
      parent = `e${i}`;
    }
    s.createCheckpoint(1, 'test');
    s.close();
    fs.syncAll();
    return fs;
  }

  it('every mutating method throws SESS_READ_ONLY; reads still work', () => {
    const fs = built();
    fs.onMutation = (_i, op, path) => {
      throw new Error(`mutating call ${op} ${path}`);
    };
    const s = SessionStore.openReadOnly(fs, '/s');
    expect(s.entryCount()).toBe(8);
    expect(s.readActivePath('e7').map((f) => f.entryId)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7']);
    expect(s.readCheckpoint(1)?.headEntrySeq).toBe(8);
    const mutators: [string, () => unknown][] = [
      ['appendEntry', () => s.appendEntry('z', 'e7', 'message', new RawJson('{}'))],
      ['createCheckpoint', () => s.createCheckpoint(2, 'r')],
      ['appendMigrationEvent', () => s.appendMigrationEvent({} as never)],
      ['writeManifest', () => s.writeManifest('sid', 'jsonl')],
      ['rebuildIndex', () => s.rebuildIndex()],
      ['rollbackToCheckpoint', () => s.rollbackToCheckpoint(1, 'm', 'c')],
    ];
    for (const [name, f] of mutators) expect(codeOf(f), name).toBe(SessCode.READ_ONLY);
    expect(s.entryCount()).toBe(8);
    s.validateIntegrity();
    s.close();
    expect(codeOf(() => s.appendEntry('z', null, 'message', new RawJson('{}')))).toBe(SessCode.CLOSED);
  });

  it('takes no lock: opens while a writer holds it, and a writer can open while it is open', () => {
    const dir = join(tmp.dir, `lock-${n++}`);
    const w = SessionStore.open(node, dir, { now: () => T });
    w.appendEntry('a', null, 'message', new RawJson('{"a":1}'));
    const r = SessionStore.openReadOnly(node, dir);
    expect(r.entryCount()).toBe(1);
    w.close();
    const w2 = SessionStore.open(node, dir);
    w2.close();
    r.close();
    expect(existsSync(join(dir, 'LOCK'))).toBe(false);
  });

  it('a missing root reads as the empty store a writable open would create, and creates nothing', () => {
    const dir = join(tmp.dir, `missing-${n++}`);
    const s = SessionStore.openReadOnly(guarded(node), dir);
    expect(s.entryCount()).toBe(0);
    expect(s.warnings).toEqual([]);
    expect(listFilesRecursive(s.fs, dir)).toEqual([]);
    s.close();
    expect(existsSync(dir)).toBe(false);
  });

  it('damaged stores: same view and warnings as a writable open, and the files never change', () => {
    const base = built();
    const files = listFilesRecursive(base, '/s').map((f) => `/s/${f.path}`);
    fc.assert(
      fc.property(
        fc.constantFrom(...files),
        fc.oneof(
          fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
          fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
          fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
        ),
        (path, d) => {
          const fs = base.clone();
          const b = fs.readFile(path).slice();
          let next: Uint8Array;
          if (d.kind === 'cut') next = b.subarray(0, d.at % (b.length + 1));
          else if (d.kind === 'flip') {
            if (b.length === 0) return;
            const i = d.at % b.length;
            b[i] = (b[i] as number) ^ (1 << d.bit);
            next = b;
          } else {
            next = new Uint8Array(b.length + d.bytes.length);
            next.set(b);
            next.set(d.bytes, b.length);
          }
          fs.put(path, next, 0o600);
          fs.syncAll();
          const snapshot = new Map(listFilesRecursive(fs, '/s').map((f) => [f.path, fs.readFile(`/s/${f.path}`)]));
          const writable = fs.clone();
          const mutations = fs.mutations;
          const calls: string[] = [];
          fs.onMutation = (_i, op, p) => {
            calls.push(`${op} ${p}`);
            throw new Error(`mutating call ${op} ${p}`);
          };
          const ro = dumpStore(guarded(fs, calls), '/s', { readOnly: true });
          expect(calls).toEqual([]);
          expect(fs.mutations).toBe(mutations);
          fs.onMutation = undefined;
          const rw = dumpStore(writable, '/s', { lock: false });
          expect(ro).toEqual(rw);
          const after = listFilesRecursive(fs, '/s');
          expect(after.map((f) => f.path)).toEqual([...snapshot.keys()]);
          for (const f of after) expect(fs.readFile(`/s/${f.path}`)).toEqual(snapshot.get(f.path));
        },
      ),
      { numRuns: 150, seed: 42 },
    );
  });
});

describe('warning codes', () => {
  const cases: [string, string[]][] = [
    ['rec_bad_crc_row', [SessWarning.INTEGRITY_REBUILD]],
    [
      'rec_coordinate_mismatch',
      [
        SessWarning.EMPTY_INDEX_REBUILD,
        SessWarning.COORDINATE_MISMATCH,
        SessWarning.SEGMENT_QUARANTINED,
        SessWarning.SEGMENT_QUARANTINED,
      ],
    ],
    ['rec_garbage_index_line', [SessWarning.BOOTSTRAP_REBUILD]],
    ['rec_heal_newline', [SessWarning.EMPTY_INDEX_REBUILD, SessWarning.HEAL_NEWLINE]],
    ['rec_missing_index', [SessWarning.EMPTY_INDEX_REBUILD]],
    ['rec_torn_frame', [SessWarning.BOOTSTRAP_REBUILD, SessWarning.TORN_FRAME]],
    ['rec_unindexed_tail', [SessWarning.UNINDEXED_TAIL]],
  ];
  const GOLDEN = join(GOLDEN_ROOT, 'session/original-pi_agent_rust-0.1.11');

  it.each(cases)('%s: each warning has its code, and a place when it changes a file', (name, codes) => {
    const s = SessionStore.openReadOnly(node, join(GOLDEN, name), { maxSegmentBytes: 4096, rootLabel: name });
    expect(s.warnings.map((w) => w.code)).toEqual(codes);
    const expected = JSON.parse(readFileSync(join(GOLDEN, `${name}.expect.json`), 'utf8')) as { warnings: string[] };
    expect(s.warnings.map((w) => w.message)).toEqual(expected.warnings);
    for (const w of s.warnings) {
      if (w.code === SessWarning.SEGMENT_QUARANTINED) expect(w.file).toMatch(/^.+\/segments\/\d{16}\.seg$/);
      if (
        w.code === SessWarning.UNINDEXED_TAIL ||
        w.code === SessWarning.TORN_FRAME ||
        w.code === SessWarning.HEAL_NEWLINE ||
        w.code === SessWarning.COORDINATE_MISMATCH
      ) {
        expect(w.file).toMatch(/segments\/\d{16}\.seg$/);
        expect(typeof w.offset).toBe('number');
      }
    }
    if (name === 'rec_unindexed_tail') {
      const w = s.warnings[0];
      expect(w?.offset).toBe(w?.details.expected);
    }
    s.close();
  });

  it('codes are unique, SESS_W_-prefixed, and listed in spec/session.md', () => {
    const values = Object.values(SessWarning);
    expect(new Set(values).size).toBe(values.length);
    const spec = readFileSync(fileURLToPath(new URL('../../../spec/session.md', import.meta.url)), 'utf8');
    for (const v of values) {
      expect(v).toMatch(/^SESS_W_[A-Z_]+$/);
      expect(spec.includes(`| \`${v}\``), v).toBe(true);
    }
  });
});

describe('integrityReport', () => {
  const T = '2026-04-15T12:34:56.789Z';

  it('lists every damaged frame (CRC and payload), with file and offset, where validateIntegrity stops at the first', () => {
    const fs = new SimFs();
    const s = SessionStore.open(fs, '/s', { now: () => T, rootLabel: 'S' });
    for (let i = 0; i < 10; i++) s.appendEntry(`e${i}`, i ? `e${i - 1}` : null, 'message', { i, t: 'abcdefgh' });
    expect(s.integrityReport()).toEqual([]);
    const rows = s.readIndex();
    const seg = '/s/segments/0000000000000001.seg';
    const bytes = fs.readFile(seg).slice();
    const damaged = [rows[3], rows[7]].map((r) => r as NonNullable<typeof r>);
    for (const r of damaged) {
      // The payload's `abcdefgh` becomes `abcdefgX`: still valid JSON, same length.
      const line = bytes.subarray(Number(r.byteOffset), Number(r.byteOffset) + Number(r.byteLength));
      const at = Buffer.from(line).indexOf('abcdefgh') + 7;
      line[at] = 0x58;
    }
    fs.put(seg, bytes, 0o600);
    const first = (() => {
      try {
        s.validateIntegrity();
      } catch (e) {
        return e as SessionError;
      }
      return undefined;
    })();
    expect(first?.code).toBe(SessCode.CHECKSUM_MISMATCH);
    const report = s.integrityReport();
    expect(report.map((p) => [p.code, p.file, p.offset, p.entrySeq])).toEqual(
      damaged.flatMap((r) => [
        [SessCode.CHECKSUM_MISMATCH, 'S/segments/0000000000000001.seg', r.byteOffset, r.entrySeq],
        [SessCode.PAYLOAD_MISMATCH, 'S/segments/0000000000000001.seg', r.byteOffset, r.entrySeq],
      ]),
    );
    expect(report[0]?.message).toBe(first?.piMessage);
    s.close();
  });

  it('lists every duplicate id, missing parent and cycle', () => {
    const fs = new SimFs();
    const s = SessionStore.open(fs, '/s', { now: () => T, checkLinks: false });
    s.appendEntry('a', null, 'message', { n: 1 });
    s.appendEntry('x1', 'nope1', 'message', { n: 2 });
    s.appendEntry('c1', 'c2', 'message', { n: 3 });
    s.appendEntry('c2', 'c1', 'message', { n: 4 });
    s.appendEntry('x2', 'nope2', 'message', { n: 5 });
    const dup = s.appendEntry('a', null, 'message', { n: 6 });
    const report = s.integrityReport();
    expect(report.map((p) => [p.code, p.entryId])).toEqual([
      [SessCode.DUPLICATE_ID, 'a'],
      [SessCode.MISSING_PARENT, 'x1'],
      [SessCode.MISSING_PARENT, 'x2'],
      [SessCode.PARENT_CYCLE, 'c1'],
    ]);
    expect(report[0]?.offset).toBe(dup.byteOffset);
    for (const p of report) expect(p.file).toBe('/s/segments/0000000000000001.seg');
    expect(codeOf(() => s.validateIntegrity())).toBe(SessCode.DUPLICATE_ID);
    s.close();
  });

  it('reports an index entry sequence that goes backwards at its row in the index', () => {
    const fs = new SimFs();
    const s = SessionStore.open(fs, '/s', { now: () => T });
    for (let i = 0; i < 3; i++) s.appendEntry(`e${i}`, null, 'message', { i });
    const text = new TextDecoder().decode(fs.readFile('/s/index/offsets.jsonl'));
    const lines = text.split('\n');
    const swapped = [lines[0], lines[2], lines[1], ''].join('\n');
    fs.put('/s/index/offsets.jsonl', new TextEncoder().encode(swapped), 0o600);
    const report = s.integrityReport();
    expect(report[0]?.code).toBe(SessCode.SEQ_NOT_INCREASING);
    expect(report[0]?.file).toBe('/s/index/offsets.jsonl');
    expect(report[0]?.offset).toBe((lines[0] as string).length + 1 + (lines[2] as string).length + 1);
    s.close();
  });
});

it('SESS_READ_ONLY is a SessionError', () => {
  const fs = new SimFs();
  const s = SessionStore.openReadOnly(fs, '/s');
  try {
    s.appendEntry('a', null, 'message', {});
    expect.unreachable();
  } catch (e) {
    expect(e).toBeInstanceOf(SessionError);
    expect((e as SessionError).code).toBe('SESS_READ_ONLY');
  }
  expect(fs.exists('/s')).toBe(false);
});
