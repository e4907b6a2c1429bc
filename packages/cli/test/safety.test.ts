import { type ChildProcess, spawn } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { FileHandle, Fs } from '@logspec/core';
import { NodeFs } from '@logspec/core/node';
import { encodeHeader, MAX_CAPACITY } from '@logspec/ring-log';
import { makeMessage, timestampFromMillis } from '@logspec/segment-index';
import { Partition } from '@logspec/segment-index/store';
import { SessionStore } from '@logspec/session-store/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { buildBin, cleanup, copySample, HOTFRAME, PKG, run, runJson, SESSION, tempDir, treeHash } from './helpers.js';

/**
 * What a user's machine can hold that a log library must survive: symbolic links, killed
 * repairs, files the user may not read or write, headers that lie, and zero fill (issue 15).
 */

let bin: string;
beforeAll(async () => {
  bin = await buildBin();
});
afterAll(cleanup);

/** A segment partition written by the package: three 20-byte messages, frames at 0, 57 and 114. */
function partition(dir: string, n = 3): string {
  mkdirSync(dir, { recursive: true });
  const p = Partition.open(new NodeFs(), dir, {});
  for (let i = 0; i < n; i++) {
    p.append(
      makeMessage({ offset: BigInt(i), value: new Uint8Array(20).fill(i), timestamp: timestampFromMillis(1.7e12) }),
    );
  }
  p.close();
  return join(dir, '00000000000000000000.log');
}

function flip(file: string, at: number): void {
  const b = readFileSync(file);
  b[at] = (b[at] as number) ^ 0x01;
  writeFileSync(file, b);
}

describe('symbolic links: nothing is changed through one, and no walk follows one (items 1, 2)', () => {
  it('repair refuses a hot log that is a link to a file outside the root, and leaves that file whole', () => {
    const d = tempDir();
    cpSync(join(HOTFRAME, 'torn_tail', 'hot', 'log.bin'), join(d, 'outside.bin'));
    mkdirSync(join(d, 'root', 'hot'), { recursive: true });
    symlinkSync(join(d, 'outside.bin'), join(d, 'root', 'hot', 'log.bin'));
    const before = readFileSync(join(d, 'outside.bin'));
    for (const args of [['--dry-run'], []]) {
      const r = run(bin, ['repair', '--format', 'hotframe', ...args, join(d, 'root')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^logspec: CLI_SYMLINK: 1 symbolic link among the files this repair may change \(hot\/log\.bin\)/,
      );
      expect(readFileSync(join(d, 'outside.bin')).equals(before)).toBe(true);
      expect(readdirSync(join(d, 'root')).sort()).toEqual(['hot']);
    }
  });

  it('a link cycle in a session store: inspect and verify ignore it, repair --dry-run refuses at once', () => {
    const root = copySample(join(SESSION, 'branching'));
    symlinkSync('.', join(root, 'segments', 'a'));
    symlinkSync('.', join(root, 'segments', 'b'));
    const before = treeHash(join(root, 'index'));
    // The issue: this ran past 60 s (following a → a/b → a/b/a …) and left the tree as it was.
    const r = run(bin, ['repair', '--dry-run', root]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CLI_SYMLINK: 2 symbolic links among the files this repair may change');
    expect(r.stderr).toContain('segments/a');
    expect(run(bin, ['repair', root]).code).toBe(1);
    expect(readdirSync(dirname(root)).sort()).toEqual(['branching']);
    expect(run(bin, ['inspect', root]).code).toBe(0);
    expect(run(bin, ['verify', root]).code).toBe(0);
    expect(treeHash(join(root, 'index'))).toEqual(before);
  });

  it('repair of a partition with a link to an outside directory is refused; the directory stays whole', () => {
    const d = tempDir();
    const log = partition(join(d, 'p'));
    appendFileSync(log, new Uint8Array([1, 2, 3])); // a torn tail to repair
    mkdirSync(join(d, 'outside'));
    writeFileSync(join(d, 'outside', '00000000000000000099.log'), 'not a segment');
    symlinkSync(join(d, 'outside'), join(d, 'p', 'ext'));
    const r = run(bin, ['repair', join(d, 'p')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CLI_SYMLINK');
    expect(readFileSync(join(d, 'outside', '00000000000000000099.log'), 'utf8')).toBe('not a segment');
    expect(statSync(log).size).toBe(3 * 57 + 3);
  });
});

describe('an interrupted repair leaves nothing, or what the next one cleans up (item 2)', () => {
  it("a killed repair's snapshot is turned into a quarantine by the next repair and removed", () => {
    // The state a repair killed after its recovery cut the log leaves: the snapshot beside the
    // files (the only copy of the cut bytes), the log already cut, the lock of a dead process.
    const d = tempDir();
    const log = partition(join(d, 'p'));
    const whole = readFileSync(log);
    const snap = join(d, '.logspec-snapshot-999999-AbCdEf');
    mkdirSync(join(snap, 'p'), { recursive: true });
    cpSync(join(d, 'p'), join(snap, 'p'), { recursive: true });
    writeFileSync(join(snap, '.logspec-repair.json'), '{"entries":["p"]}\n');
    writeFileSync(log, whole.subarray(0, 57));
    const r = runJson<{ ok: boolean; package_report: string[] }>(bin, ['repair', '--json', join(d, 'p')]);
    expect(r.code).toBe(0);
    expect(r.value.package_report.join('\n')).toContain('an interrupted repair left .logspec-snapshot-999999-AbCdEf');
    expect(readdirSync(d).filter((n) => n.startsWith('.logspec'))).toEqual([]);
    const q = join(d, 'p.quarantine');
    const [stamp] = readdirSync(q);
    const manifest = JSON.parse(readFileSync(join(q, stamp as string, 'manifest.json'), 'utf8')) as {
      note: string;
      changes: { file: string; saved: string[] }[];
    };
    expect(manifest.note).toContain('a repair that did not finish');
    const piece = manifest.changes.find((c) => c.file === 'p/00000000000000000000.log')?.saved[0];
    expect(readFileSync(join(q, stamp as string, piece as string)).equals(whole.subarray(57))).toBe(true);
  });

  it('a repair killed with SIGKILL part way leaves a snapshot the next repair removes; nothing is lost', async () => {
    // A 48 MiB segment with a torn tail, so the snapshot copy takes long enough to kill in.
    const d = tempDir();
    const log = partition(join(d, 'p'), 1);
    const head = readFileSync(log);
    const torn = new Uint8Array(48 << 20);
    new DataView(torn.buffer).setUint32(4, 0x7fffffff, false); // a frame claiming more than is there
    appendFileSync(log, torn);
    let killedMidway = false;
    for (let attempt = 0; attempt < 10 && !killedMidway; attempt++) {
      const child: ChildProcess = spawn(process.execPath, [bin, 'repair', join(d, 'p')], { stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      const w = watch(d, (_e, name) => {
        if (String(name).startsWith('.logspec-snapshot-')) child.kill('SIGKILL');
      });
      await exited;
      w.close();
      killedMidway = readdirSync(d).some((n) => n.startsWith('.logspec-snapshot-'));
    }
    expect(killedMidway).toBe(true);
    const r = run(bin, ['repair', join(d, 'p')]);
    expect(r.code).toBe(0);
    expect(readdirSync(d).filter((n) => n.startsWith('.logspec'))).toEqual([]);
    expect(readFileSync(log).equals(head)).toBe(true);
    // The torn tail is in the quarantine, whichever run cut it.
    const q = join(d, 'p.quarantine');
    const saved = readdirSync(q).flatMap((s) =>
      (JSON.parse(readFileSync(join(q, s, 'manifest.json'), 'utf8')) as { changes: { saved: string[] }[] }).changes
        .flatMap((c) => c.saved)
        .map((n) => join(q, s, n)),
    );
    const piece = saved.find((p) => p.endsWith(`.${head.length}-${head.length + torn.length}`));
    expect(piece).toBeDefined();
    expect(statSync(piece as string).size).toBe(torn.length);
  });
});

describe('repair never cuts a record that reads as valid without --force (item 3)', () => {
  it('segment: a CRC-bad frame between good ones is named by verify and refused by repair', () => {
    const d = tempDir();
    const log = partition(join(d, 'p'));
    flip(log, 57 + 20);
    const before = treeHash(join(d, 'p'));
    const v = runJson<{ problems: { code: string; offset: number; end: number; message: string }[] }>(bin, [
      'verify',
      '--json',
      join(d, 'p'),
    ]);
    expect(v.code).toBe(1);
    expect(v.value.problems).toEqual([expect.objectContaining({ code: 'SEG_CRC_MISMATCH', offset: 57, end: 114 })]);
    expect(v.value.problems[0]?.message).toContain('a valid frame follows at byte 114');
    const r = run(bin, ['repair', join(d, 'p')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('refused: SEG_CORRUPT_BEFORE_TAIL at byte 57');
    expect(r.stdout).toContain('changes: none');
    expect(treeHash(join(d, 'p'))).toEqual(before);
    const forced = runJson<{ ok: boolean; quarantine: string }>(bin, ['repair', '--json', '--force', join(d, 'p')]);
    expect(forced.code).toBe(0);
    expect(statSync(log).size).toBe(57);
  });
});

describe('repair keeps modes (item 4)', () => {
  it("quarantined pieces keep their file's mode (0600 in a session store), the manifest too, directories 0700", () => {
    const root = join(tempDir(), 's');
    const s = SessionStore.open(new NodeFs(), root);
    s.appendEntry('a1', undefined, 'message', new TextEncoder().encode('{"x":1}'));
    s.appendEntry('a2', 'a1', 'message', new TextEncoder().encode('{"x":2}'));
    s.close();
    const seg = join(root, 'segments', readdirSync(join(root, 'segments'))[0] as string);
    expect(statSync(seg).mode & 0o777).toBe(0o600);
    appendFileSync(seg, '{"torn'); // an append cut by a crash
    const r = runJson<{ quarantine: string; changes: { file: string; saved: string[] }[] }>(bin, [
      'repair',
      '--json',
      root,
    ]);
    expect(r.code).toBe(0);
    const saved = r.value.changes.flatMap((c) => c.saved);
    expect(saved.length).toBeGreaterThan(0);
    for (const name of saved) expect(statSync(join(r.value.quarantine, name)).mode & 0o777).toBe(0o600);
    expect(statSync(join(r.value.quarantine, 'manifest.json')).mode & 0o777).toBe(0o600);
    expect(statSync(r.value.quarantine).mode & 0o777).toBe(0o700);
    expect(statSync(dirname(r.value.quarantine)).mode & 0o777).toBe(0o700);
  });
});

/** An Fs that records the largest buffer any read was given. */
function measuringFs(inner: Fs): Fs & { largestRead: number } {
  const state = { largestRead: 0 };
  const wrap = (h: FileHandle): FileHandle =>
    new Proxy(h, {
      get(t, p) {
        if (p !== 'read') return Reflect.get(t, p);
        return (buf: Uint8Array, off: number, len: number, pos: number) => {
          state.largestRead = Math.max(state.largestRead, buf.byteLength);
          return t.read(buf, off, len, pos);
        };
      },
    });
  return new Proxy(inner, {
    get(t, p) {
      if (p === 'largestRead') return state.largestRead;
      if (p === 'open') return (path: string, o?: object) => wrap(t.open(path, o));
      const v = Reflect.get(t, p);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  }) as Fs & { largestRead: number };
}

describe("a short ring file is read through the package's checks (item 5)", () => {
  it('a 288-byte file whose header claims 1,048,576 slots: RING_SHORT_FILE, no buffer beyond the file', async () => {
    const path = join(tempDir(), 'short.vrrl');
    const file = new Uint8Array(288);
    file.set(encodeHeader({ capacity: MAX_CAPACITY }));
    writeFileSync(path, file);
    for (const cmd of ['inspect', 'dump', 'verify', 'tail']) {
      const fs = measuringFs(new NodeFs());
      let out = '';
      let err = '';
      const code = await main([cmd, '--json', path], {
        stdout: (t) => {
          out += t;
        },
        stderr: (t) => {
          err += t;
        },
        stderrIsTTY: false,
        env: {},
        fs,
        onInterrupt: () => () => {},
      });
      expect(code, cmd).toBe(1);
      expect(`${out}${err}`, cmd).toContain('RING_SHORT_FILE');
      expect(fs.largestRead, cmd).toBeLessThanOrEqual(288);
    }
  });
});

describe('zero fill is one problem with a range, in every format and command (item 6)', () => {
  const SIXTEEN_MIB = 16 << 20;

  it('segment: 16 MiB of zeros', () => {
    const d = tempDir();
    const log = join(d, '00000000000000000000.log');
    writeFileSync(log, new Uint8Array(SIXTEEN_MIB));
    const i = runJson<{ health: { problems: { offset: number; end: number }[] } }>(bin, ['inspect', '--json', log]);
    expect(i.code).toBe(1);
    expect(i.value.health.problems).toEqual([expect.objectContaining({ offset: 0, end: SIXTEEN_MIB })]);
    const v = runJson<{ problems: unknown[] }>(bin, ['verify', '--json', log]);
    expect(v.code).toBe(1);
    expect(v.value.problems).toHaveLength(1);
    for (const cmd of [['dump'], ['tail', '-n', '5'], ['dump', '--json']]) {
      const r = run(bin, [...cmd, log]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(cmd.includes('--json') ? '"end":16777216' : `at bytes [0, ${SIXTEEN_MIB})`);
    }
  });

  it('hot log: a valid header, then 16 MiB of zeros', () => {
    const root = copySample(join(HOTFRAME, 'header_only'));
    appendFileSync(join(root, 'hot', 'log.bin'), new Uint8Array(SIXTEEN_MIB));
    for (const cmd of ['dump', 'tail']) {
      const r = run(bin, [cmd, '--format', 'hotlog', root]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^logspec: warning: HOT_ARCHIVE_TOO_SHORT at bytes \[12, 16777228\) in log\.bin: /),
      ]);
    }
    const v = runJson<{ problems: { end: number }[] }>(bin, ['verify', '--json', '--format', 'hotlog', root]);
    expect(v.value.problems).toEqual([expect.objectContaining({ offset: 12, end: 12 + SIXTEEN_MIB })]);
    // As frames (the frame view) they are valid, empty: a note names the run once.
    const f = runJson<{ notes: string[]; ok: boolean }>(bin, ['verify', '--json', '--format', 'hotframe', root]);
    expect(f.value.notes).toEqual([
      `2097152 empty frames at bytes [12, ${12 + SIXTEEN_MIB}) (valid frames, but what zero fill reads as)`,
    ]);
  });

  it('WAL: a file of 16 MiB of zeros, and 8 MiB of random bytes read as a WAL', () => {
    const d = tempDir();
    const zeros = join(d, 'wal_0000000000000000.log');
    writeFileSync(zeros, new Uint8Array(SIXTEEN_MIB));
    const random = join(d, 'random.bin');
    const bytes = new Uint8Array(8 << 20);
    for (let i = 0; i < bytes.length; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
    writeFileSync(random, bytes);
    for (const [path, size] of [
      [zeros, SIXTEEN_MIB],
      [random, 8 << 20],
    ] as const) {
      const v = runJson<{ problems: { offset: number; end: number }[] }>(bin, [
        'verify',
        '--json',
        '--format',
        'wal',
        path,
      ]);
      expect(v.code).toBe(1);
      expect(v.value.problems).toEqual([expect.objectContaining({ offset: 0, end: size })]);
      const r = run(bin, ['dump', '--format', 'wal', path]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('session: zeros after the last frame of a segment', () => {
    const root = copySample(join(SESSION, 'branching'));
    const segs = readdirSync(join(root, 'segments')).sort();
    appendFileSync(join(root, 'segments', segs.at(-1) as string), new Uint8Array(SIXTEEN_MIB));
    const r = run(bin, ['dump', root]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining('SESS_W_UNINDEXED_TAIL')]);
    expect(runJson<{ problems: unknown[] }>(bin, ['verify', '--json', root]).value.problems).toHaveLength(1);
  });

  it('ring: a zero-filled file is one error', () => {
    const path = join(tempDir(), 'zero.vrrl');
    writeFileSync(path, new Uint8Array(SIXTEEN_MIB));
    for (const cmd of ['inspect', 'dump', 'tail']) {
      const r = run(bin, [cmd, path]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^logspec: RING_BAD_MAGIC at byte 0: /)]);
    }
  });
});

describe('diagnostics say what was checked (item 10)', () => {
  it('a WAL with more than 64 MiB after a bad length: valid records may follow, not "follow"', () => {
    const path = join(tempDir(), 'big.log');
    writeFileSync(path, new Uint8Array(65 << 20));
    const v = runJson<{ problems: { code: string; message: string }[] }>(bin, [
      'verify',
      '--json',
      '--format',
      'wal',
      path,
    ]);
    expect(v.code).toBe(1);
    expect(v.value.problems).toHaveLength(1);
    const m = v.value.problems[0]?.message ?? '';
    expect(m).not.toContain('valid records follow');
    expect(m).toContain('no valid record in the first 64 MiB after it');
    expect(m).toContain('were not searched: valid records may follow');
  });

  it('a hot log whose payloads are not rkyv archives is detected as hotframe and reads without archive errors', () => {
    const r = runJson<{ format: string; health: { ok: boolean } }>(bin, ['inspect', '--json', join(HOTFRAME, 'basic')]);
    expect(r.code).toBe(0);
    expect(r.value).toMatchObject({ format: 'hotframe', health: { ok: true } });
    const v = run(bin, ['verify', join(HOTFRAME, 'basic')]);
    expect(v.code).toBe(0);
    expect(v.stdout).not.toContain('HOT_ARCHIVE');
  });

  it("inspect of a session store writes nothing, not even a copy in the temp directory (README's promise)", () => {
    const root = copySample(join(SESSION, 'rec_torn_frame'));
    const tmp = tempDir();
    const before = treeHash(root);
    const r = run(bin, ['inspect', root], { TMPDIR: tmp });
    expect(r.code).toBe(1);
    expect(readdirSync(tmp)).toEqual([]);
    expect(treeHash(root)).toEqual(before);
    expect(existsSync(join(root, 'LOCK'))).toBe(false);
    expect(readFileSync(join(PKG, 'README.md'), 'utf8')).not.toContain('private copy in the temp directory');
  });
});
