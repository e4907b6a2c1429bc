import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFs } from '@logspec/core/node';
import { FaultFs, SimFs } from '@logspec/core/testing';
import { describe, expect, it } from 'vitest';
import { SessCode } from '../src/index.js';
import { hasV2Sidecar, importV1Jsonl, SessionStore, v2SidecarPath } from '../src/store.js';
import { codeOf, enc } from './helpers.js';

const T = '2026-04-15T12:34:56.789Z';

function ids(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
}

const HEADER = '{"type":"session","version":3,"id":"sess-1","timestamp":"2026-04-15T12:00:00.000Z","cwd":"/w"}';
const ENTRIES = [
  '{"type":"message","id":"a1","parentId":null,"timestamp":"t","message":{"role":"user","content":"hi"}}',
  '{"type":"model_change","id":"a2","parentId":"a1","timestamp":"t","provider":"p","modelId":"m","temperature":0.5}',
  '',
  '{"type":"message","id":"a3","parentId":"a2","timestamp":"t","message":{"role":"assistant","content":"ok \\u00e9"}}',
];

function session(fs: SimFs, path: string, lines: string[]): void {
  fs.mkdir(path.slice(0, path.lastIndexOf('/')), { recursive: true });
  fs.put(path, enc.encode(`${lines.join('\n')}\n`));
}

describe('v2 sidecar paths', () => {
  it.each([
    ['/home/user/sessions/my-session.jsonl', '/home/user/sessions/my-session.v2'],
    ['relative/path.jsonl', 'relative/path.v2'],
    ['x.jsonl', 'x.v2'],
    ['/a/b.c.jsonl', '/a/b.c.v2'],
    ['/a/noext', '/a/noext.v2'],
    ['/a/.hidden', '/a/.hidden.v2'],
    ['/', './session.v2'],
  ])('%s → %s', (p, want) => {
    expect(v2SidecarPath(p)).toBe(want);
  });

  it('has_v2_sidecar looks for a manifest or an index', () => {
    const fs = new SimFs();
    session(fs, '/w/s.jsonl', [HEADER]);
    expect(hasV2Sidecar(fs, '/w/s.jsonl')).toBe(false);
    fs.mkdir('/w/s.v2/index', { recursive: true });
    expect(hasV2Sidecar(fs, '/w/s.jsonl')).toBe(false);
    fs.put('/w/s.v2/index/offsets.jsonl', new Uint8Array(0));
    expect(hasV2Sidecar(fs, '/w/s.jsonl')).toBe(true);
  });
});

describe('import of a v1 JSONL session', () => {
  it('builds, verifies, records a forward event and swaps the sidecar in', () => {
    const fs = new SimFs();
    session(fs, '/w/s.jsonl', [HEADER, ...ENTRIES]);
    const r = importV1Jsonl(fs, '/w/s.jsonl', { correlationId: 'corr', uuid: ids(), now: () => T });
    expect(r).toMatchObject({ entries: 3, root: '/w/s.v2' });
    expect(r.event).toEqual({
      schema: 'pi.session_store_v2.migration_event.v1',
      migrationId: '00000000-0000-4000-8000-000000000002',
      phase: 'forward',
      at: T,
      sourcePath: '/w/s.jsonl',
      targetPath: '/w/s.v2',
      sourceFormat: 'jsonl_v3',
      targetFormat: 'native_v2',
      verification: { entryCountMatch: true, hashChainMatch: true, indexConsistent: true },
      outcome: 'ok',
      correlationId: 'corr',
    });
    expect(fs.readdir('/w')).toEqual(['s.jsonl', 's.v2']);
    const s = SessionStore.open(fs, '/w/s.v2');
    expect(s.readAllEntries().map((f) => [f.entryId, f.parentEntryId, f.entryType])).toEqual([
      ['a1', undefined, 'message'],
      ['a2', 'a1', 'model_change'],
      ['a3', 'a2', 'message'],
    ]);
    // The payload is the entry as serde_json re-serializes it (escapes decoded, order kept).
    expect(s.lookupById('a3')?.payload).toBe(
      '{"type":"message","id":"a3","parentId":"a2","timestamp":"t","message":{"role":"assistant","content":"ok é"}}',
    );
    expect(s.readManifest()).toMatchObject({ sessionId: 'sess-1', sourceFormat: 'jsonl' });
    expect(s.readMigrationEvents()).toEqual([r.event]);
    s.close();
  });

  it('replaces an existing sidecar only after the new one verified (backup kept on request)', () => {
    const fs = new SimFs();
    session(fs, '/w/s.jsonl', [HEADER, ENTRIES[0] as string]);
    importV1Jsonl(fs, '/w/s.jsonl', { uuid: ids(), now: () => T });
    session(fs, '/w/s.jsonl', [HEADER, ...ENTRIES]);
    const r = importV1Jsonl(fs, '/w/s.jsonl', { uuid: ids(), now: () => T, keepBackup: true });
    expect(r.backup).toMatch(/^\/w\/s\.v2\.backup\./);
    expect(fs.exists(r.backup as string)).toBe(true);
    const s = SessionStore.open(fs, '/w/s.v2');
    expect(s.entryCount()).toBe(3);
    s.close();
  });

  it('replacing a sidecar that holds a link to an outside directory unlinks the link and leaves that directory whole', () => {
    // The case: a symlink `tmp/ext -> <dir>` in the old sidecar. Removing the replaced
    // sidecar must not follow it (Rust's remove_dir_all does not).
    const d = mkdtempSync(join(tmpdir(), 'logspec-sidecar-link-'));
    try {
      const fs = new NodeFs();
      mkdirSync(join(d, 'outside'));
      writeFileSync(join(d, 'outside', 'keep.txt'), 'precious');
      writeFileSync(join(d, 's.jsonl'), `${[HEADER, ENTRIES[0]].join('\n')}\n`);
      importV1Jsonl(fs, join(d, 's.jsonl'), { uuid: ids(), now: () => T });
      symlinkSync(join(d, 'outside'), join(d, 's.v2', 'tmp', 'ext'));
      symlinkSync('.', join(d, 's.v2', 'tmp', 'loop'));
      writeFileSync(join(d, 's.jsonl'), `${[HEADER, ...ENTRIES].join('\n')}\n`);
      const r = importV1Jsonl(fs, join(d, 's.jsonl'), { uuid: ids(), now: () => T });
      expect(r.backup).toBeUndefined();
      expect(readdirSync(join(d, 'outside'))).toEqual(['keep.txt']);
      expect(readFileSync(join(d, 'outside', 'keep.txt'), 'utf8')).toBe('precious');
      expect(readdirSync(d).sort()).toEqual(['outside', 's.jsonl', 's.v2']);
      const s = SessionStore.open(fs, join(d, 's.v2'));
      expect(s.entryCount()).toBe(3);
      s.close();
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('SimFs: the same with a link in the old sidecar, and a failed removal keeps the import and reports the backup', () => {
    const fs = new SimFs();
    fs.put('/outside/keep', enc.encode('precious'));
    session(fs, '/w/s.jsonl', [HEADER, ENTRIES[0] as string]);
    importV1Jsonl(fs, '/w/s.jsonl', { uuid: ids(), now: () => T });
    fs.symlink('/outside', '/w/s.v2/tmp/ext');
    session(fs, '/w/s.jsonl', [HEADER, ...ENTRIES]);
    importV1Jsonl(fs, '/w/s.jsonl', { uuid: ids(), now: () => T });
    expect(fs.readFile('/outside/keep')).toEqual(enc.encode('precious'));
    expect(fs.readdir('/w')).toEqual(['s.jsonl', 's.v2']);
    // Removing the old sidecar fails after the swap: the new sidecar stays, the old is the backup.
    const faulty = new FaultFs(fs, [{ at: 1, op: 'rmdir', kind: 'EACCES', path: '.backup.' }]);
    const r = importV1Jsonl(faulty, '/w/s.jsonl', { uuid: ids(), now: () => T });
    expect(r.backup).toMatch(/^\/w\/s\.v2\.backup\./);
    expect(r.backupRemovalError).toMatchObject({ code: 'CORE_IO' });
    const s = SessionStore.open(fs, '/w/s.v2');
    expect(s.entryCount()).toBe(3);
    s.close();
  });

  it.each([
    [[], SessCode.IMPORT_EMPTY],
    [['  '], SessCode.IMPORT_EMPTY],
    [['{"type":"other","id":"x"}'], SessCode.IMPORT_HEADER],
    [['not json'], SessCode.IMPORT_HEADER],
    [[HEADER, '{"type":"bogus","id":"x"}'], SessCode.IMPORT_ENTRY],
    [[HEADER, '{"type":"message"}'], SessCode.IMPORT_ENTRY],
    [[HEADER, '{"type":"message","id":"x",'], SessCode.IMPORT_ENTRY],
    [[HEADER, '{"type":"message","id":"x","parentId":"ghost"}'], SessCode.MISSING_PARENT],
  ])('refuses %j with %s and leaves no staging directory behind', (lines, code) => {
    const fs = new SimFs();
    session(fs, '/w/s.jsonl', lines as string[]);
    expect(codeOf(() => importV1Jsonl(fs, '/w/s.jsonl', { uuid: ids(), now: () => T }))).toBe(code);
    expect(fs.readdir('/w')).toEqual(['s.jsonl']);
  });
});
