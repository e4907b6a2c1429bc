import { appendFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildBin,
  cleanup,
  copySample,
  corpusOf,
  HOTFRAME,
  HOTLOG,
  lines,
  readJson,
  run,
  runJson,
  tempDir,
  treeHash,
} from './helpers.js';

let bin: string;
beforeAll(async () => {
  bin = await buildBin();
});
afterAll(cleanup);

const frameCorpus = corpusOf(HOTFRAME);
const framePositives = frameCorpus.filter((e) => e.kind === 'positive').map((e) => e.path);

describe('hotlog: the rkyv 0.8 reference log', () => {
  const reference = readJson<{ events: Record<string, unknown>[] }>(join(HOTLOG, 'log.json')).events;

  it('dump --json gives every event as log.json lists it', () => {
    const r = run(bin, ['dump', '--json', HOTLOG]);
    // The event whose payload_json the original cannot parse is printed, and named as damage.
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr)).toMatchObject({ warning: true, code: 'HOT_PAYLOAD_JSON', offset: 232 });
    const got = lines(r.stdout) as Record<string, unknown>[];
    expect(got).toHaveLength(reference.length);
    got.forEach((ev, i) => {
      const { archive_hex: _hex, note: _note, ...want } = reference[i] as Record<string, unknown>;
      expect(ev).toEqual(want);
    });
  });

  it('inspect counts events and sessions and reports the payload the original cannot parse', () => {
    const r = runJson<Record<string, unknown> & { health: { problems: { code: string }[] } }>(bin, [
      'inspect',
      '--json',
      HOTLOG,
    ]);
    // The payload the original cannot parse is damage: exit 1, as for verify.
    expect(r.code).toBe(1);
    expect(r.value).toMatchObject({
      format: 'hotlog',
      frames: 12,
      events: 12,
      undecodable: 0,
      stop: { reason: 'eof' },
    });
    expect(r.value.health.problems.map((p) => p.code)).toEqual(['HOT_PAYLOAD_JSON']);
  });

  it('verify: exit 1 for the payload that is not JSON, at its archive', () => {
    const r = runJson<{ problems: { code: string; offset: number }[] }>(bin, ['verify', '--json', HOTLOG]);
    expect(r.code).toBe(1);
    expect(r.value.problems).toEqual([expect.objectContaining({ code: 'HOT_PAYLOAD_JSON', offset: 228 + 4 })]);
  });

  it('dump text and --from/--to select by event index', () => {
    const r = run(bin, ['dump', '--from', '0', '--to', '0', HOTLOG]);
    expect(r.stdout).toMatch(/^#0 @12 session="s1" seq=7 ts=2023-11-14T22:13:27\.000Z ToolCall\/Tail tool="bash" /);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });
});

describe('hotframe: the reference frame logs', () => {
  it.each(framePositives)('dump --json --format hotframe of %s gives its .expect.json records', (name) => {
    const expected = readJson<{ records: unknown[] }>(join(HOTFRAME, `${name}.expect.json`));
    const r = run(bin, ['dump', '--json', '--format', 'hotframe', join(HOTFRAME, name)]);
    expect(lines(r.stdout)).toEqual(expected.records);
    // Where the replay stopped at damage, dump says so on stderr and exits 1.
    expect(r.code).toBe(r.stderr === '' ? 0 : 1);
  });

  it.each([
    ['basic', null],
    ['header_only', null],
    ['torn_tail', 'HOT_FRAME_TORN'],
    ['short_trailer', 'HOT_FRAME_TORN'],
    ['huge_len', 'HOT_FRAME_TORN'],
    ['crc_mismatch', 'HOT_FRAME_CRC'],
    ['tiny_garbage', 'HOT_BAD_MAGIC'],
    ['neg_bad_magic', 'HOT_BAD_MAGIC'],
    ['neg_bad_version', 'HOT_BAD_VERSION'],
  ])('verify --format hotframe %s → %s', (name, code) => {
    const expected = readJson<{ stop?: { at: string } }>(join(HOTFRAME, `${name}.expect.json`));
    const r = runJson<{ ok: boolean; problems: { code: string; offset: number }[] }>(bin, [
      'verify',
      '--json',
      '--format',
      'hotframe',
      join(HOTFRAME, name),
    ]);
    expect(r.code).toBe(code === null ? 0 : 1);
    expect(r.value.problems[0]?.code ?? null).toBe(code);
    // A bad frame is reported where the original's replay stopped.
    if (code?.startsWith('HOT_FRAME')) expect(String(r.value.problems[0]?.offset)).toBe(expected.stop?.at);
  });

  it('crc_mismatch is corruption before the tail (valid frames follow), not a torn tail', () => {
    const r = runJson<{ problems: { code: string; message: string }[] }>(bin, [
      'verify',
      '--json',
      '--format',
      'hotframe',
      join(HOTFRAME, 'crc_mismatch'),
    ]);
    // One damaged region, one problem: its range ends at the valid frame that follows.
    expect(r.value.problems).toEqual([expect.objectContaining({ code: 'HOT_FRAME_CRC', offset: 25, end: 38 })]);
    expect(r.value.problems[0]?.message).toContain('a valid frame follows at byte 38');
  });

  it('a root without hot/log.bin: HOT_NOT_FOUND (exit 1)', () => {
    const root = join(tempDir(), 'neg_missing');
    mkdirSync(root);
    const r = run(bin, ['inspect', '--format', 'hotlog', root]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^logspec: HOT_NOT_FOUND: open hot log: .*neg_missing\/hot\/log\.bin — hint: /);
  });
});

describe('hot log: repair', () => {
  it('cuts a torn tail; the cut bytes are in the quarantine', () => {
    const root = copySample(join(HOTFRAME, 'torn_tail'));
    const log = join(root, 'hot', 'log.bin');
    const original = readFileSync(log);
    const r = runJson<{ ok: boolean; quarantine: string; changes: { file: string; kind: string; saved: string[] }[] }>(
      bin,
      ['repair', '--json', '--format', 'hotframe', root],
    );
    expect(r.code).toBe(0);
    expect(r.value.ok).toBe(true);
    expect(r.value.changes).toMatchObject([{ file: 'hot/log.bin', kind: 'truncated', saved: ['log.bin.39-82'] }]);
    expect(statSync(log).size).toBe(39);
    expect(readFileSync(join(r.value.quarantine, 'log.bin.39-82')).equals(original.subarray(39))).toBe(true);
    expect(r.value.quarantine.startsWith(join(root, 'hot', 'log.bin.quarantine'))).toBe(true);
    // No lock or temp file is left behind.
    expect(readdirSync(join(root, 'hot')).sort()).toEqual(['log.bin', 'log.bin.quarantine']);
    expect(run(bin, ['verify', '--format', 'hotframe', root]).code).toBe(0);
  });

  it('refuses to cut valid frames after a bad one; --force cuts them into the quarantine', () => {
    const root = copySample(join(HOTFRAME, 'crc_mismatch'));
    const log = join(root, 'hot', 'log.bin');
    const original = readFileSync(log);
    const before = treeHash(root);
    const refused = run(bin, ['repair', '--format', 'hotframe', root]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('refused: HOT_CORRUPT_BEFORE_TAIL at byte 25');
    expect(refused.stdout).toContain("hint: 'logspec repair --force'");
    expect(treeHash(root)).toEqual(before);

    const dry = run(bin, ['repair', '--dry-run', '--force', '--format', 'hotframe', root]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('hot/log.bin: would cut 28 bytes at the end [25, 53)');
    expect(treeHash(root)).toEqual(before);

    const forced = runJson<{ quarantine: string }>(bin, ['repair', '--json', '--force', '--format', 'hotframe', root]);
    expect(forced.code).toBe(0);
    expect(statSync(log).size).toBe(25);
    expect(readFileSync(join(forced.value.quarantine, 'log.bin.25-53')).equals(original.subarray(25))).toBe(true);
  });

  it('a zero-filled tail (empty frames) is reported as one run and cut by the event log repair', () => {
    const root = copySample(HOTLOG);
    const log = join(root, 'hot', 'log.bin');
    const size = statSync(log).size;
    appendFileSync(log, new Uint8Array(24));
    const v = runJson<{ problems: { code: string; offset: number; message: string }[] }>(bin, [
      'verify',
      '--json',
      root,
    ]);
    expect(v.value.problems.map((p) => [p.code, p.offset])).toEqual([
      ['HOT_PAYLOAD_JSON', 232],
      ['HOT_ARCHIVE_TOO_SHORT', size],
    ]);
    expect(v.value.problems[1]).toMatchObject({ end: size + 24 });
    expect(v.value.problems[1]?.message).toContain('24 bytes of empty frames');
    const r = runJson<{
      changes: { kind: string; ranges: { from: number; to: number }[] }[];
      remaining: { code: string }[];
    }>(bin, ['repair', '--json', root]);
    expect(r.code).toBe(1); // the payload that is not JSON is no crash damage: it stays
    expect(r.value.changes).toMatchObject([{ kind: 'truncated', ranges: [{ from: size, to: size + 24 }] }]);
    expect(r.value.remaining.map((p) => p.code)).toEqual(['HOT_PAYLOAD_JSON']);
    expect(statSync(log).size).toBe(size);
  });

  it('repair needs the kaizen layout', () => {
    // Given the log.bin of a kaizen root, repair works on that root (here: the payload that is
    // not JSON is no crash damage, so nothing is cut and the problem remains).
    const root = copySample(HOTLOG);
    const before = treeHash(root);
    const r = run(bin, ['repair', join(root, 'hot', 'log.bin')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('changes: none');
    expect(r.stdout).toMatch(/1 problem remains:\n {2}HOT_PAYLOAD_JSON at byte 232/);
    expect(treeHash(root)).toEqual(before);
    const odd = copySample(join(HOTLOG, 'hot', 'log.bin'), 'events.bin');
    const o = run(bin, ['repair', '--format', 'hotlog', odd]);
    expect(o.code).toBe(2);
    expect(o.stderr).toMatch(/^logspec: CLI_UNSUPPORTED: repair works on kaizen's layout/);
  });
});
