import { CoreCode } from '@logspec/core';
import { SimFs } from '@logspec/core/testing';
import { describe, expect, it } from 'vitest';
import {
  chainHashStep,
  crc32cUpper,
  decodeIndexRow,
  encodeCheckpoint,
  GENESIS_CHAIN_HASH,
  manifestHash,
  RawJson,
  SessCode,
  SessionError,
} from '../src/index.js';
import { SessionStore, type SessionStoreOptions } from '../src/store.js';
import { codeOf, dec, enc } from './helpers.js';

const T = '2026-04-15T12:34:56.789Z';

function open(fs: SimFs, opts: SessionStoreOptions = {}, root = '/s'): SessionStore {
  return SessionStore.open(fs, root, { now: () => T, maxSegmentBytes: 1000, ...opts });
}

function msg(text: string) {
  return new RawJson(`{"type":"message","text":${JSON.stringify(text)}}`);
}

/** e1 ← e2 ← {e3, e4 ← e5} */
function seed(store: SessionStore): void {
  store.appendEntry('e1', undefined, 'message', msg('one'));
  store.appendEntry('e2', 'e1', 'message', msg('two'));
  store.appendEntry('e3', 'e2', 'message', msg('three'));
  store.appendEntry('e4', 'e2', 'compaction', msg('four'));
  store.appendEntry('e5', 'e4', 'label', msg('five'));
}

describe('open', () => {
  it('rejects max_segment_bytes 0 as a validation error', () => {
    const fs = new SimFs();
    let err: unknown;
    try {
      open(fs, { maxSegmentBytes: 0 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SessionError);
    expect((err as SessionError).code).toBe(SessCode.INVALID_MAX_SEGMENT_BYTES);
    expect((err as SessionError).category).toBe('validation');
  });

  it('creates the five directories and an empty state', () => {
    const fs = new SimFs();
    const s = open(fs);
    for (const d of ['segments', 'index', 'checkpoints', 'migrations', 'tmp'])
      expect(fs.stat(`/s/${d}`)?.isDirectory).toBe(true);
    expect(s.entryCount()).toBe(0);
    expect(s.head()).toBeUndefined();
    expect(s.chainHash()).toBe(GENESIS_CHAIN_HASH);
    expect(s.lastCrc32c()).toBe('00000000');
    expect(s.indexSummary()).toBeUndefined();
    s.close();
  });

  it('takes a single-writer lock at <root>/LOCK, released on close', () => {
    const fs = new SimFs();
    const a = open(fs);
    expect(codeOf(() => open(fs))).toBe(CoreCode.LOCKED);
    a.close();
    expect(fs.exists('/s/LOCK')).toBe(false);
    open(fs).close();
    // The original has no lock: lock: false opens alongside.
    const b = open(fs);
    open(fs, { lock: false }).close();
    b.close();
  });
});

describe('append and reads', () => {
  it('appends frames and rows as the original, and reads them back every way', () => {
    const fs = new SimFs();
    const s = open(fs);
    seed(s);
    expect(s.entryCount()).toBe(5);
    expect(s.head()).toEqual({ segmentSeq: s.readIndex()[4]?.segmentSeq, entrySeq: 5, entryId: 'e5' });
    expect(s.lookupEntry(3)?.entryId).toBe('e3');
    expect(s.lookupEntry(6)).toBeUndefined();
    expect(s.lookupEntry(0)).toBeUndefined();
    expect(s.lookupById('e4')?.entryType).toBe('compaction');
    expect(s.lookupById('nope')).toBeUndefined();
    expect(s.readEntriesFrom(4).map((f) => f.entryId)).toEqual(['e4', 'e5']);
    expect(s.readAllEntries().map((f) => f.entryId)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
    expect(s.readTailEntries(2).map((f) => f.entryId)).toEqual(['e4', 'e5']);
    expect(s.readTailEntries(0)).toEqual([]);
    expect(s.readTailEntries(99).length).toBe(5);
    expect(s.indexSummary()).toEqual({ entryCount: 5, firstEntrySeq: 1, lastEntrySeq: 5, lastEntryId: 'e5' });
    expect(s.readIndexFromDisk()).toEqual(s.readIndex());
    const seg1 = s.readSegment(1);
    expect(seg1[0]?.entryId).toBe('e1');
    expect(seg1[0]?.parentEntryId).toBeUndefined();
    expect(seg1[0]?.payload).toBe('{"type":"message","text":"one"}');
    // The chain is the payload hashes chained from 64 zeros.
    let chain = GENESIS_CHAIN_HASH;
    for (const f of s.readAllEntries()) chain = chainHashStep(chain, f.payloadSha256);
    expect(s.chainHash()).toBe(chain);
    const total = s.readIndex().reduce((a, r) => a + Number(r.byteLength), 0);
    expect(s.totalBytes()).toBe(total);
    s.close();
    // Reopening derives the same state from disk.
    const r = open(fs);
    expect([r.entryCount(), r.chainHash(), r.totalBytes(), r.lastCrc32c()]).toEqual([5, chain, total, s.lastCrc32c()]);
    expect(r.warnings).toEqual([]);
    r.close();
  });

  it('rotates segments as the original: only a non-empty segment rolls, frame seq restarts at 1', () => {
    const fs = new SimFs();
    const s = open(fs, { maxSegmentBytes: 300 });
    const big = new RawJson(`"${'x'.repeat(400)}"`);
    s.appendEntry('a', undefined, 'custom', big); // bigger than max: goes into the empty segment 1
    s.appendEntry('b', 'a', 'custom', msg('b')); // segment 1 is non-empty and would exceed: segment 2
    s.appendEntry('c', 'b', 'custom', msg('c'));
    const rows = s.readIndex();
    expect(rows.map((r) => [r.segmentSeq, r.frameSeq, r.byteOffset])).toEqual([
      [1, 1, 0],
      [2, 1, 0],
      [3, 1, 0],
    ]);
    expect(s.head()?.segmentSeq).toBe(3);
    const fits = open(fs, { maxSegmentBytes: 100_000, lock: false });
    fits.appendEntry('d', 'c', 'custom', msg('d'));
    expect(fits.readIndex()[3]).toMatchObject({ segmentSeq: 3, frameSeq: 2 });
    fits.close();
    s.close();
  });

  it('each index row carries the CRC-32C (upper-case hex) of its whole frame line', () => {
    const fs = new SimFs();
    const s = open(fs);
    seed(s);
    const seg = fs.readFile('/s/segments/0000000000000001.seg');
    for (const row of s.readIndex().filter((r) => r.segmentSeq === 1)) {
      const line = seg.subarray(Number(row.byteOffset), Number(row.byteOffset) + Number(row.byteLength));
      expect(line[line.length - 1]).toBe(0x0a);
      expect(row.crc32c).toBe(crc32cUpper(line));
      expect(row.crc32c).toMatch(/^[0-9A-F]{8}$/);
    }
    const index = fs.readFile('/s/index/offsets.jsonl');
    const lines = dec.decode(index).split('\n').filter(Boolean);
    expect(lines.map((l) => decodeIndexRow(enc.encode(l), 0, enc.encode(l).length, false))).toEqual(s.readIndex());
    s.close();
  });

  it('files are private (0600)', () => {
    const fs = new SimFs();
    const s = open(fs);
    seed(s);
    s.createCheckpoint(1, 'manual');
    s.writeManifest('sess', 'jsonl');
    s.appendMigrationEvent({
      schema: '',
      migrationId: 'm',
      phase: 'forward',
      at: '',
      sourcePath: 'a',
      targetPath: 'b',
      sourceFormat: 'x',
      targetFormat: 'y',
      verification: { entryCountMatch: true, hashChainMatch: true, indexConsistent: true },
      outcome: 'ok',
      correlationId: 'c',
    });
    s.close();
    const files = fs.listFiles('/s');
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) expect(fs.stat(f)?.mode, f).toBe(0o600);
  });

  it('payloads: raw text kept verbatim (trimmed), values serialized as serde_json', () => {
    const fs = new SimFs();
    const s = open(fs);
    s.appendEntry('r', undefined, 'custom', new RawJson('  {"b" : 1,\t"a":[1.50]} '));
    s.appendEntry(
      'v',
      'r',
      'custom',
      new Map<string, null | number | string>([
        ['z', 1.5],
        ['a', null],
        ['s', 'é"\n'],
      ]),
    );
    s.appendEntry('b', 'v', 'custom', enc.encode('[true]'));
    expect(s.lookupById('r')?.payload).toBe('{"b" : 1,\t"a":[1.50]}');
    expect(s.lookupById('v')?.payload).toBe('{"z":1.5,"a":null,"s":"é\\"\\n"}');
    expect(s.lookupById('b')?.payloadBytes).toBe(6);
    s.close();
    expect(open(fs).entryCount()).toBe(3);
  });

  it('refuses payloads the original could not read back', () => {
    const fs = new SimFs();
    const s = open(fs);
    expect(codeOf(() => s.appendEntry('a', undefined, 'm', new RawJson('{"a":')))).toBe(SessCode.PAYLOAD_INVALID);
    expect(codeOf(() => s.appendEntry('a', undefined, 'm', new RawJson('{"a":\n1}')))).toBe(SessCode.PAYLOAD_INVALID);
    expect(codeOf(() => s.appendEntry('a', undefined, 'm', new RawJson('1 2')))).toBe(SessCode.PAYLOAD_INVALID);
    expect(codeOf(() => s.appendEntry('a', undefined, 'm', new RawJson(`${'['.repeat(127)}${']'.repeat(127)}`)))).toBe(
      SessCode.PAYLOAD_INVALID,
    );
    s.appendEntry('a', undefined, 'm', new RawJson(`${'['.repeat(126)}${']'.repeat(126)}`));
    expect(codeOf(() => s.appendEntry('b', undefined, 'm', 'lone \ud800'))).toBe(SessCode.INVALID_ARGUMENT);
    expect(s.entryCount()).toBe(1);
    s.close();
    expect(open(fs).entryCount()).toBe(1);
  });

  it('logspec refuses duplicate ids and unknown parents (which the original accepts, then cannot reopen)', () => {
    const fs = new SimFs();
    const s = open(fs);
    s.appendEntry('a', undefined, 'm', msg('a'));
    expect(codeOf(() => s.appendEntry('a', undefined, 'm', msg('again')))).toBe(SessCode.DUPLICATE_ID);
    expect(codeOf(() => s.appendEntry('b', 'ghost', 'm', msg('orphan')))).toBe(SessCode.MISSING_PARENT);
    expect(s.entryCount()).toBe(1);
    s.close();
    const o = open(fs, { checkLinks: false });
    o.appendEntry('b', 'ghost', 'm', msg('orphan'));
    o.close();
    let err: unknown;
    try {
      open(fs);
    } catch (e) {
      err = e;
    }
    expect((err as SessionError).code).toBe(SessCode.MISSING_PARENT);
    expect((err as SessionError).piMessage).toBe(
      'missing parent entry detected in session store: entry_id=b parent_id=ghost',
    );
  });
});

describe('read_active_path', () => {
  it('walks parents from the leaf to the root', () => {
    const fs = new SimFs();
    const s = open(fs);
    seed(s);
    expect(s.readActivePath('e5').map((f) => f.entryId)).toEqual(['e1', 'e2', 'e4', 'e5']);
    expect(s.readActivePath('e3').map((f) => f.entryId)).toEqual(['e1', 'e2', 'e3']);
    expect(s.readActivePath('unknown')).toEqual([]);
    s.close();
  });

  it('reports the original errors: missing parent, cycle, duplicate id', () => {
    const fs = new SimFs();
    const s = open(fs, { checkLinks: false });
    s.appendEntry('x', 'ghost', 'm', msg('x'));
    expect(codeOf(() => s.readActivePath('x'))).toBe(SessCode.MISSING_PARENT);
    s.appendEntry('p', 'q', 'm', msg('p'));
    s.appendEntry('q', 'p', 'm', msg('q'));
    let err: unknown;
    try {
      s.readActivePath('p');
    } catch (e) {
      err = e;
    }
    expect((err as SessionError).piMessage).toBe(
      'cyclic parent chain detected while reading active path at entry_id=p',
    );
    s.appendEntry('x', undefined, 'm', msg('dup'));
    expect(codeOf(() => s.readActivePath('p'))).toBe(SessCode.DUPLICATE_ID);
    s.close();
  });
});

describe('checkpoints, manifest, ledger', () => {
  it('writes checkpoints through tmp/ and reads them back', () => {
    const fs = new SimFs();
    const s = open(fs);
    seed(s);
    const cp = s.createCheckpoint(7, 'manual');
    expect(cp).toMatchObject({
      checkpointSeq: 7,
      headEntrySeq: 5,
      headEntryId: 'e5',
      snapshotRef: 'checkpoints/0000000000000007.json',
    });
    expect(fs.readFile('/s/checkpoints/0000000000000007.json')).toEqual(encodeCheckpoint(cp));
    expect(fs.readdir('/s/tmp')).toEqual([]);
    expect(s.readCheckpoint(7)).toEqual(cp);
    expect(s.readCheckpoint(8)).toBeUndefined();
    expect(s.listCheckpoints()).toEqual([7]);
    s.close();
  });

  it('keeps createdAt across manifest rewrites; the hash covers the compact JSON with an empty hash', () => {
    const fs = new SimFs();
    let now = '2026-01-01T00:00:00.000Z';
    const s = SessionStore.open(fs, '/s', { now: () => now, maxSegmentBytes: 1000 });
    seed(s);
    const m1 = s.writeManifest('sid', 'jsonl');
    now = '2026-02-02T00:00:00.000Z';
    const m2 = s.writeManifest('sid', 'jsonl');
    expect(m2.createdAt).toBe('2026-01-01T00:00:00.000Z');
    expect(m2.updatedAt).toBe(now);
    expect(m1.counters).toEqual({
      entriesTotal: 5,
      messagesTotal: 3,
      branchesTotal: 1,
      compactionsTotal: 1,
      bytesTotal: s.totalBytes(),
    });
    expect(m2.integrity.manifestHash).toBe(manifestHash(m2));
    expect(Object.values(m2.invariants).every(Boolean)).toBe(true);
    expect(s.readManifest()).toEqual(m2);
    s.close();
  });

  it('a manifest that does not parse is a session error naming the file', () => {
    const fs = new SimFs();
    const s = open(fs);
    const h = fs.open('/s/manifest.json', { create: true, write: true });
    h.write(enc.encode('{"schema":'), 0, 10, 0);
    h.close();
    let err: unknown;
    try {
      s.readManifest();
    } catch (e) {
      err = e;
    }
    expect((err as SessionError).code).toBe(SessCode.MANIFEST_PARSE);
    expect((err as SessionError).category).toBe('session');
    expect((err as SessionError).piMessage).toMatch(/^Failed to parse manifest \/s\/manifest.json: /);
    s.close();
  });
});

describe('rollback_to_checkpoint', () => {
  it('cuts back to the checkpoint, records an ok event, and the store goes on from there', () => {
    const fs = new SimFs();
    const s = open(fs, { maxSegmentBytes: 250 });
    s.appendEntry('e1', undefined, 'message', msg('one'));
    s.appendEntry('e2', 'e1', 'message', msg('two'));
    const cp = s.createCheckpoint(1, 'pre');
    s.appendEntry('e3', 'e2', 'message', msg('three'));
    s.appendEntry('e4', 'e3', 'message', msg('four'));
    const segsBefore = fs.readdir('/s/segments').length;
    const ev = s.rollbackToCheckpoint(1, 'mig', 'corr');
    expect(ev).toMatchObject({ phase: 'rollback', outcome: 'ok', sourcePath: cp.snapshotRef, targetPath: '/s' });
    expect(ev.errorClass).toBeUndefined();
    expect(s.entryCount()).toBe(2);
    expect(s.chainHash()).toBe(cp.chainHash);
    expect(fs.readdir('/s/segments').length).toBeLessThan(segsBefore);
    expect(s.readMigrationEvents()).toEqual([ev]);
    s.appendEntry('e3b', 'e2', 'message', msg('again'));
    expect(s.readAllEntries().map((f) => f.entryId)).toEqual(['e1', 'e2', 'e3b']);
    s.close();
    expect(open(fs, { maxSegmentBytes: 250 }).entryCount()).toBe(3);
  });

  it('a missing checkpoint fails and records a fatal_error event classified checkpoint_not_found', () => {
    const fs = new SimFs();
    const s = open(fs);
    seed(s);
    expect(codeOf(() => s.rollbackToCheckpoint(9, 'mig', 'corr'))).toBe(SessCode.CHECKPOINT_NOT_FOUND);
    const [ev] = s.readMigrationEvents();
    expect(ev).toMatchObject({
      outcome: 'fatal_error',
      errorClass: 'checkpoint_not_found',
      sourcePath: '/s/checkpoints/0000000000000009.json',
      verification: { entryCountMatch: false, hashChainMatch: false, indexConsistent: false },
    });
    expect(s.entryCount()).toBe(5);
    s.close();
  });

  it('a checkpoint whose chain does not match gives recoverable_error/integrity_mismatch, recorded once', () => {
    const fs = new SimFs();
    const s = open(fs);
    seed(s);
    const cp = s.createCheckpoint(1, 'x');
    const forged = encodeCheckpoint({ ...cp, headEntrySeq: 2, chainHash: 'f'.repeat(64) });
    const h = fs.open('/s/checkpoints/0000000000000001.json', { write: true, truncate: true });
    h.write(forged, 0, forged.length, 0);
    h.close();
    expect(codeOf(() => s.rollbackToCheckpoint(1, 'mig', 'corr'))).toBe(SessCode.ROLLBACK_VERIFICATION_FAILED);
    const events = s.readMigrationEvents();
    expect(events.length).toBe(1);
    expect(events[0]).toMatchObject({ outcome: 'recoverable_error', errorClass: 'integrity_mismatch' });
    expect(s.entryCount()).toBe(2);
    s.close();
  });
});

describe('recovery details', () => {
  it('an over-long index line is InvalidData (recoverable): the index is rebuilt', () => {
    const fs = new SimFs();
    const s = open(fs);
    seed(s);
    s.close();
    const h = fs.open('/s/index/offsets.jsonl', { write: true });
    const junk = enc.encode(`${'x'.repeat(5000)}\n`);
    h.write(junk, 0, junk.length, h.size());
    h.close();
    const r = open(fs, { lineLimit: 4096 });
    expect(r.entryCount()).toBe(5);
    expect(r.warnings.map((w) => w.message)).toEqual([
      'SessionStoreV2 bootstrap failed with recoverable index error; attempting index rebuild',
    ]);
    r.close();
  });

  it('an over-long or non-UTF-8 segment line stops the rebuild with a typed error', () => {
    for (const bad of [enc.encode(`${'y'.repeat(5000)}\n`), new Uint8Array([0xff, 0xfe, 0x0a])]) {
      const fs = new SimFs();
      const s = open(fs);
      seed(s);
      s.close();
      fs.unlink('/s/index/offsets.jsonl');
      const h = fs.open('/s/segments/0000000000000001.seg', { write: true });
      h.write(bad, 0, bad.length, 0);
      h.close();
      let err: unknown;
      try {
        open(fs, { lineLimit: 4096 });
      } catch (e) {
        err = e;
      }
      expect((err as SessionError).code).toBe(SessCode.REBUILD_READ);
      expect((err as SessionError).category).toBe('session');
    }
  });

  it('a hostile row length is refused before any allocation, and recovered from', () => {
    const fs = new SimFs();
    const s = open(fs);
    seed(s);
    s.close();
    const text = dec
      .decode(fs.readFile('/s/index/offsets.jsonl'))
      .replace('"byteLength":', '"byteLength":1152921504606846976,"x":');
    fs.put('/s/index/offsets.jsonl', enc.encode(text), 0o600);
    const r = open(fs);
    expect(r.entryCount()).toBe(5);
    expect(r.warnings[0]?.message).toMatch(/recoverable/);
    r.close();
  });

  it('rebuildIndex() rewrites the same index from the segments', () => {
    const fs = new SimFs();
    const s = open(fs);
    seed(s);
    const before = fs.readFile('/s/index/offsets.jsonl');
    expect(s.rebuildIndex()).toBe(5);
    expect(fs.readFile('/s/index/offsets.jsonl')).toEqual(before);
    expect(s.entryCount()).toBe(5);
    s.appendEntry('e6', 'e5', 'm', msg('six'));
    s.close();
    expect(open(fs).entryCount()).toBe(6);
  });

  it('logspec moves a stale segment aside (quarantine) before rotation would truncate it', () => {
    const fs = new SimFs();
    const s = open(fs, { maxSegmentBytes: 150 });
    s.appendEntry('a', undefined, 'm', msg('a'));
    s.close();
    fs.put('/s/segments/0000000000000002.seg', enc.encode('stale bytes\n'), 0o600);
    const r = open(fs, { maxSegmentBytes: 150 });
    r.appendEntry('b', 'a', 'm', msg('b'));
    expect(r.readIndex()[1]?.segmentSeq).toBe(2);
    expect(dec.decode(fs.readFile('/s/quarantine/0000000000000002.seg.0.tail'))).toBe('stale bytes\n');
    expect(r.quarantined).toEqual([
      {
        file: '/s/segments/0000000000000002.seg',
        offset: 0,
        bytes: 12,
        to: '/s/quarantine/0000000000000002.seg.0.tail',
      },
    ]);
    r.close();
  });
});

describe('durability', () => {
  it('entry (default): an acknowledged append survives losing everything unsynced', () => {
    const fs = new SimFs();
    const s = open(fs);
    s.appendEntry('a', undefined, 'm', msg('a'));
    fs.clone().crash('drop-unsynced');
    const after = fs.clone().crash('forget-files');
    const r = open(after);
    expect(r.entryCount()).toBe(1);
    r.close();
    s.close();
  });

  it('none (the original): nothing is synced until sync()/checkpoint/close', () => {
    const fs = new SimFs();
    const s = open(fs, { durability: 'none' });
    s.appendEntry('a', undefined, 'm', msg('a'));
    const lost = fs.clone().crash('drop-unsynced');
    expect(open(lost).entryCount()).toBe(0);
    s.sync();
    const kept = fs.clone().crash('drop-unsynced');
    expect(open(kept).entryCount()).toBe(1);
    s.close();
  });
});
