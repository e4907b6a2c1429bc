import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBin, cleanup, copySample, HOTFRAME, HOTLOG, RING, run, SEGMENT, SESSION, WAL } from './helpers.js';

/**
 * The one rule for exit codes and errors (item 9; README "Exit codes and errors"), per format:
 * damage is exit 1 for every command; a healthy log is exit 0 for every command; a missing path
 * is exit 1; with --json an error is one JSON object on stderr with code, message and path.
 */

let bin: string;
beforeAll(async () => {
  bin = await buildBin();
});
afterAll(cleanup);

/** A healthy and a damaged sample of each format (with the --format a file needs). */
const FORMATS: { format: string; healthy: string; damaged: string; args?: string[] }[] = [
  { format: 'ring', healthy: join(RING, 'cap4_two.vrrl'), damaged: join(RING, 'neg_bad_record_magic.vrrl') },
  {
    format: 'wal',
    healthy: join(WAL, 'all_types.log'),
    damaged: join(WAL, 'neg_bad_length.log'),
    args: ['--format', 'wal'],
  },
  {
    format: 'wal (truncated)',
    healthy: join(WAL, 'multi_dir'),
    damaged: join(WAL, 'neg_truncated.log'),
    args: ['--format', 'wal'],
  },
  {
    format: 'wal (CRC)',
    healthy: join(WAL, 'multi_dir'),
    damaged: join(WAL, 'neg_crc_flip.log'),
    args: ['--format', 'wal'],
  },
  { format: 'segment', healthy: join(SEGMENT, 'partition_two'), damaged: join(SEGMENT, 'torn_tail') },
  {
    format: 'hotframe',
    healthy: join(HOTFRAME, 'basic'),
    damaged: join(HOTFRAME, 'crc_mismatch'),
    args: ['--format', 'hotframe'],
  },
  { format: 'hotlog', healthy: join(HOTFRAME, 'header_only'), damaged: HOTLOG, args: ['--format', 'hotlog'] },
  { format: 'session', healthy: join(SESSION, 'branching'), damaged: join(SESSION, 'rec_torn_frame') },
];

const READERS = ['inspect', 'dump', 'verify', 'tail'];

describe('exit codes, per format (item 9)', () => {
  it.each(FORMATS)('$format: every reading command exits 1 on damage and 0 on a healthy log', (f) => {
    for (const cmd of READERS) {
      const ok = run(bin, [cmd, ...(f.args ?? []), f.healthy]);
      expect(ok.code, `${cmd} ${f.healthy}: ${ok.stderr}`).toBe(0);
      expect(ok.stderr, `${cmd} ${f.healthy}`).toBe('');
      const bad = run(bin, [cmd, ...(f.args ?? []), f.damaged]);
      expect(bad.code, `${cmd} ${f.damaged}`).toBe(1);
      // The damage is said, on stdout (inspect, verify) or stderr (dump, tail).
      if (cmd === 'dump' || cmd === 'tail')
        expect(bad.stderr, `${cmd} ${f.damaged}`).toMatch(/^logspec: (warning: )?[A-Z]/);
      else expect(bad.stdout, `${cmd} ${f.damaged}`).toMatch(/damaged/);
    }
  });

  it.each(FORMATS)('$format: repair --dry-run of a healthy log exits 0, of one it cannot make healthy 1', (f) => {
    const ok = run(bin, ['repair', '--dry-run', ...(f.args ?? []), copySample(f.healthy)]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const bad = run(bin, ['repair', '--dry-run', ...(f.args ?? []), copySample(f.damaged)]);
    // Each damaged sample is either repaired (a torn tail: exit 0) or refused or left damaged (1).
    expect(bad.code).toBe(/result: would be healthy\n/.test(bad.stdout) ? 0 : 1);
  });

  it.each(FORMATS)('$format: a missing path is exit 1, and with --json the error is JSON on stderr', (f) => {
    const missing = `${f.healthy}.missing`;
    for (const cmd of [...READERS, 'repair']) {
      const r = run(bin, [cmd, '--json', ...(f.args ?? []), missing]);
      expect(r.code, cmd).toBe(1);
      expect(r.stdout, cmd).toBe('');
      expect(JSON.parse(r.stderr), cmd).toMatchObject({
        code: 'CLI_NOT_FOUND',
        path: missing,
        message: expect.any(String),
      });
    }
  });

  it('with --json a format error is JSON on stderr too: code, message, path, offset, hint', () => {
    const path = join(RING, 'neg_bad_magic.vrrl');
    for (const cmd of ['inspect', 'dump', 'tail']) {
      const r = run(bin, [cmd, '--json', path]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(JSON.parse(r.stderr)).toMatchObject({
        error: true,
        code: 'RING_BAD_MAGIC',
        message: expect.any(String),
        path,
        offset: 0,
        hint: expect.any(String),
      });
    }
    const usage = run(bin, ['dump', '--json', '--from', 'x', path]);
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stderr)).toMatchObject({ code: 'CLI_USAGE', path });
  });

  it('dump of a WAL that stops at damage names it on stderr (the issue: exit 0, silent, empty)', () => {
    for (const name of ['neg_bad_length.log', 'neg_truncated.log']) {
      const r = run(bin, ['dump', '--format', 'wal', join(WAL, name)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^logspec: warning: WAL_(BAD_LENGTH|RECORD_TRUNCATED|CORRUPTION) at bytes? /);
    }
  });
});
