import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from '@logspec/core';
import { NodeFs } from '@logspec/core/node';
import { SimFs } from '@logspec/core/testing';
import { describe, expect, it } from 'vitest';
import { detectFormat, placeLooseFiles, segmentLogPath } from '../src/index.js';

const GOLDEN = fileURLToPath(new URL('../../../conformance/golden/', import.meta.url));
const fs = new NodeFs();

describe('detectFormat over golden files', () => {
  const RING = join(GOLDEN, 'ring/original-vyre-runtime-0.6.1');
  const HOTLOG = join(GOLDEN, 'hotlog/original-kaizen-rkyv-0.8.16');
  const WAL = join(GOLDEN, 'wal/logspec-0.1.0');
  const SEGMENT = join(GOLDEN, 'segment/logspec-0.1.0');
  const SESSION = join(GOLDEN, 'session/logspec-0.1.0');
  it.each([
    [join(RING, 'cap4_two.vrrl'), 'ring', 'magic VRRL0001', undefined],
    [HOTLOG, 'hotlog', 'a kaizen root: hot/log.bin', undefined],
    [join(HOTLOG, 'hot'), 'hotlog', 'a hot/ directory holding log.bin', join(HOTLOG, 'hot/log.bin')],
    [join(HOTLOG, 'hot', 'log.bin'), 'hotlog', 'magic OHNEZIAK', undefined],
    [join(WAL, 'multi_dir'), 'wal', 'a directory of wal_*.log files', undefined],
    [join(WAL, 'all_types.log'), 'wal', 'starts with a CRC-valid WAL record', undefined],
    [join(SEGMENT, 'partition_two'), 'segment', 'a partition directory of {base:020}.log segments', undefined],
    [
      join(SEGMENT, 'partition_two', '00000000000000000011.index'),
      'segment',
      'named {base:020}.log',
      join(SEGMENT, 'partition_two', '00000000000000000011.log'),
    ],
    [join(SESSION, 'branching'), 'session', 'a session store root (segments/, index/)', undefined],
    [
      join(SESSION, 'branching', 'segments', '0000000000000001.seg'),
      'session',
      'a segment of a session store',
      join(SESSION, 'branching'),
    ],
  ])('%s', (path, format, reason, readersPath) => {
    expect(detectFormat(fs, path)).toEqual({ ok: true, format, reason, path: readersPath ?? path });
  });

  it('a missing path and an unknown file are told apart', () => {
    expect(detectFormat(fs, join(GOLDEN, 'nope'))).toMatchObject({ ok: false, missing: true });
    expect(detectFormat(fs, join(GOLDEN, 'REFERENCE-README.md'))).toMatchObject({
      ok: false,
      missing: false,
      why: 'no known magic bytes, file name or layout',
    });
  });
});

describe('detectFormat in memory', () => {
  it('takes a file starting with a whole CRC-valid WAL record as a WAL, and not one whose CRC is wrong', () => {
    const sim = new SimFs();
    const rec = new Uint8Array(80);
    const v = new DataView(rec.buffer);
    v.setUint32(0, rec.length, true);
    rec[8] = 3;
    v.setUint32(4, crc32(rec, 29, rec.length), true);
    const h = sim.open('/x.bin', { create: true });
    h.append(rec);
    h.close();
    expect(detectFormat(sim, '/x.bin')).toMatchObject({ ok: true, format: 'wal' });
    rec[40] = 1;
    const g = sim.open('/y.bin', { create: true });
    g.append(rec);
    g.close();
    expect(detectFormat(sim, '/y.bin')).toMatchObject({ ok: false, missing: false });
  });

  it('a length that would size a huge read is not followed', () => {
    const sim = new SimFs();
    const h = sim.open('/big', { create: true });
    h.append(Uint8Array.of(0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0, 1));
    h.close();
    expect(detectFormat(sim, '/big')).toMatchObject({ ok: false });
  });
});

describe('placeLooseFiles', () => {
  it('puts loose session files where the store keeps them', () => {
    expect(
      placeLooseFiles([
        '0000000000000001.seg',
        'offsets.jsonl',
        'manifest.json',
        '0000000000000002.json',
        'ledger.jsonl',
      ]),
    ).toEqual([
      'segments/0000000000000001.seg',
      'index/offsets.jsonl',
      'manifest.json',
      'checkpoints/0000000000000002.json',
      'migrations/ledger.jsonl',
    ]);
  });

  it('leaves other formats side by side, and a hot log under hot/', () => {
    expect(placeLooseFiles(['00000000000000000000.log', '00000000000000000000.index'])).toEqual([
      '00000000000000000000.log',
      '00000000000000000000.index',
    ]);
    expect(placeLooseFiles(['wal_0000000000000001.log', '1.json'])).toEqual(['wal_0000000000000001.log', '1.json']);
    expect(placeLooseFiles(['log.bin'])).toEqual(['hot/log.bin']);
  });

  it('maps an index path to its segment log', () => {
    expect(segmentLogPath('/p/00000000000000000011.timeindex')).toBe('/p/00000000000000000011.log');
    expect(segmentLogPath('/p/x.bin')).toBe('/p/x.bin');
  });
});
