import { spawnSync } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildBin,
  cleanup,
  HOTFRAME,
  HOTLOG,
  PKG,
  RING,
  readJson,
  run,
  runJson,
  SEGMENT,
  SESSION,
  tempDir,
  WAL,
} from './helpers.js';

let bin: string;
beforeAll(async () => {
  bin = await buildBin();
});
afterAll(cleanup);

const ERROR_LINE = /^logspec: [A-Z][A-Z0-9_]+(?: at byte \d+)?: .+ — hint: .+\n$/;

describe('help, version, usage errors', () => {
  it('prints the version of package.json', () => {
    const r = run(bin, ['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(readJson<{ version: string }>(join(PKG, 'package.json')).version);
  });

  it('prints help for the tool and for each command', () => {
    const r = run(bin, ['--help']);
    expect(r.code).toBe(0);
    for (const c of ['inspect', 'dump', 'verify', 'repair', 'tail']) expect(r.stdout).toContain(`${c} <path>`);
    for (const [cmd, opt] of [
      ['dump', '--from N'],
      ['repair', '--dry-run'],
      ['tail', '-f, --follow'],
      ['verify', 'exit: 0 healthy, 1 damaged, 2 usage error'],
      ['inspect', '--json'],
    ] as const) {
      const h = run(bin, [cmd, '--help']);
      expect(h.code).toBe(0);
      expect(h.stdout).toContain(`usage: logspec ${cmd}`);
      expect(h.stdout).toContain(opt);
    }
  });

  it('no arguments: help on stdout, exit 2', () => {
    const r = run(bin, []);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('usage: logspec <command>');
  });

  it.each([
    [['frobnicate', 'x'], 'CLI_USAGE', "unknown command 'frobnicate'"],
    [['dump'], 'CLI_USAGE', 'dump needs a path'],
    [['dump', '--bogus', 'x'], 'CLI_USAGE', "Unknown option '--bogus'"],
    [['dump', '--from', 'ten', join(RING, 'cap4_two.vrrl')], 'CLI_USAGE', '--from must be a non-negative integer'],
    [['dump', '--from', '5', '--to', '2', join(RING, 'cap4_two.vrrl')], 'CLI_USAGE', '--to 2 is below --from 5'],
    [['inspect', '--format', 'zip', join(RING, 'cap4_two.vrrl')], 'CLI_USAGE', "unknown format 'zip'"],
    [['inspect', 'a', 'b'], 'CLI_USAGE', 'inspect takes one path, got 2'],
    [['tail', '-n', '-3', join(RING, 'cap4_two.vrrl')], 'CLI_USAGE', "Option '-n' argument is ambiguous"],
    [['tail', '-n', 'x', join(RING, 'cap4_two.vrrl')], 'CLI_USAGE', '--lines must be an integer'],
  ])('%j → exit 2 with one error line (%s)', (args, code, text) => {
    const r = run(bin, args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(ERROR_LINE);
    expect(r.stderr.startsWith(`logspec: ${code}`)).toBe(true);
    expect(r.stderr).toContain(text);
  });

  it('a missing path is exit 1 (the operation failed), with one error line naming it', () => {
    const missing = join(RING, 'no-such-file.vrrl');
    for (const cmd of ['inspect', 'dump', 'verify', 'repair', 'tail']) {
      const r = run(bin, [cmd, missing]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(ERROR_LINE);
      expect(r.stderr).toContain(`logspec: CLI_NOT_FOUND: no such file or directory: ${missing}`);
    }
  });

  it('a file of no known format needs --format (exit 2)', () => {
    const f = join(tempDir(), 'notes.txt');
    writeFileSync(f, 'hello, world\n');
    const r = run(bin, ['inspect', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(ERROR_LINE);
    expect(r.stderr).toContain('CLI_UNKNOWN_FORMAT');
    expect(r.stderr).toContain('--format');
  });

  it('a damaged header is one error line with its code, offset and a hint (exit 1)', () => {
    const r = run(bin, ['inspect', join(RING, 'neg_bad_magic.vrrl')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(ERROR_LINE);
    expect(r.stderr).toMatch(/^logspec: RING_BAD_MAGIC at byte 0: .* — hint: /);
    const s = run(bin, ['dump', join(RING, 'neg_short_header.vrrl')]);
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/^logspec: RING_TRUNCATED_HEADER at byte \d+: /);
  });

  it('the source bin runs through tsx as well', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/bin.ts', '--version'], {
      cwd: PKG,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('format detection', () => {
  it.each([
    [join(RING, 'cap4_two.vrrl'), 'ring', 'magic VRRL0001'],
    [join(RING, 'empty.vrrl'), 'ring', 'magic VRRL0001'],
    [HOTLOG, 'hotlog', 'a kaizen root: hot/log.bin'],
    [join(HOTLOG, 'hot'), 'hotlog', 'a hot/ directory holding log.bin'],
    [join(HOTLOG, 'hot', 'log.bin'), 'hotlog', 'magic OHNEZIAK'],
    // Payloads that are not rkyv HotEventRecord archives: the frame view, not the event log.
    [join(HOTFRAME, 'basic'), 'hotframe', 'a kaizen root: hot/log.bin, payloads not rkyv HotEventRecord archives'],
    [
      join(HOTFRAME, 'basic', 'hot', 'log.bin'),
      'hotframe',
      'magic OHNEZIAK, payloads not rkyv HotEventRecord archives',
    ],
    [join(WAL, 'multi_dir'), 'wal', 'a directory of wal_*.log files'],
    [join(WAL, 'multi_dir', 'wal_000000000000000a.log'), 'wal', 'named wal_{seq}.log'],
    [join(WAL, 'all_types.log'), 'wal', 'starts with a CRC-valid WAL record'],
    [join(SEGMENT, 'partition_two'), 'segment', 'a partition directory of {base:020}.log segments'],
    [join(SEGMENT, 'partition_two', '00000000000000000011.index'), 'segment', 'named {base:020}.log'],
    [join(SESSION, 'branching'), 'session', 'a session store root (segments/, index/)'],
    [join(SESSION, 'branching', 'segments', '0000000000000001.seg'), 'session', 'a segment of a session store'],
  ])('%s is %s', (path, format, detected) => {
    const r = runJson<{ format: string; detected: string; health: { ok: boolean } }>(bin, ['inspect', '--json', path]);
    // The reference hot log holds a payload the original cannot parse: damage, exit 1.
    expect(r.code).toBe(r.value.health.ok ? 0 : 1);
    expect(r.value.health.ok).toBe(!path.startsWith(HOTLOG));
    expect(r.value.format).toBe(format);
    expect(r.value.detected).toBe(detected);
  });

  it('--format overrides detection (a hot log read as opaque frames)', () => {
    const r = runJson(bin, ['inspect', '--json', '--format', 'hotframe', join(HOTFRAME, 'basic')]);
    expect(r.value.format).toBe('hotframe');
    expect(r.value.frames).toBe(7);
    expect(r.value.detected).toBe('--format');
  });

  it("a pi v1 session file's .v2 sidecar", () => {
    const d = tempDir();
    const v1 = join(d, 'chat.jsonl');
    writeFileSync(v1, '{}\n');
    cpSync(join(SESSION, 'branching'), join(d, 'chat.v2'), { recursive: true });
    const r = runJson(bin, ['inspect', '--json', v1]);
    expect(r.value.format).toBe('session');
    expect(r.value.path).toBe(join(d, 'chat.v2'));
    expect(r.value.entries).toBe('7');
  });
});
