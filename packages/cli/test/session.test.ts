import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBin, cleanup, copySample, lines, readJson, run, runJson, SESSION, treeHash } from './helpers.js';

let bin: string;
beforeAll(async () => {
  bin = await buildBin();
});
afterAll(cleanup);

const RECOVERY = [
  'rec_torn_frame',
  'rec_unindexed_tail',
  'rec_bad_crc_row',
  'rec_garbage_index_line',
  'rec_missing_index',
  'rec_heal_newline',
  'rec_coordinate_mismatch',
];

/** The code of each warning the original logs while opening the recovery samples. */
const WARNING_CODES: Record<string, string[]> = {
  rec_torn_frame: ['SESS_W_BOOTSTRAP_REBUILD', 'SESS_W_TORN_FRAME'],
  rec_unindexed_tail: ['SESS_W_UNINDEXED_TAIL'],
  rec_bad_crc_row: ['SESS_W_INTEGRITY_REBUILD'],
  rec_garbage_index_line: ['SESS_W_BOOTSTRAP_REBUILD'],
  rec_missing_index: ['SESS_W_EMPTY_INDEX_REBUILD'],
  rec_heal_newline: ['SESS_W_EMPTY_INDEX_REBUILD', 'SESS_W_HEAL_NEWLINE'],
  rec_coordinate_mismatch: [
    'SESS_W_EMPTY_INDEX_REBUILD',
    'SESS_W_COORDINATE_MISMATCH',
    'SESS_W_SEGMENT_QUARANTINED',
    'SESS_W_SEGMENT_QUARANTINED',
  ],
};

describe('session: reading the reference stores', () => {
  it.each(['branching', 'rollback', ...RECOVERY])('dump --json of %s gives the frames of its .expect.json', (name) => {
    const expected = readJson<{ frames: unknown[] }>(join(SESSION, `${name}.expect.json`));
    const r = run(bin, ['dump', '--json', join(SESSION, name)]);
    // A store that needs recovery is damaged: its recovered entries are printed, the steps the
    // recovery would take are named on stderr, and the exit code is 1.
    const damaged = name.startsWith('rec_');
    expect(r.code).toBe(damaged ? 1 : 0);
    expect(r.stderr.includes('"warning":true,') && r.stderr.includes('"code":"SESS_W_')).toBe(damaged);
    expect(lines(r.stdout)).toEqual(expected.frames);
  });

  it('inspect summarises entries, head, checkpoints and the chain hash', () => {
    const expected = readJson<{ entry_count: string; head: { entry_id: string }; chain_hash: string }>(
      join(SESSION, 'branching.expect.json'),
    );
    const r = runJson(bin, ['inspect', '--json', join(SESSION, 'branching')]);
    expect(r.code).toBe(0);
    expect(r.value).toMatchObject({
      format: 'session',
      entries: expected.entry_count,
      head: { entry_id: expected.head.entry_id },
      chain_hash: expected.chain_hash,
      checkpoints: ['1', '2'],
      manifest: 'present',
      segments: 3,
      health: { ok: true },
    });
  });

  it('--from/--to select by entry_seq', () => {
    const got = lines(run(bin, ['dump', '--json', '--from', '3', '--to', '4', join(SESSION, 'branching')]).stdout) as {
      entry_seq: string;
    }[];
    expect(got.map((f) => f.entry_seq)).toEqual(['3', '4']);
  });

  it('reading never changes a store that needs recovery', () => {
    const root = copySample(join(SESSION, 'rec_torn_frame'));
    const before = treeHash(root);
    for (const cmd of ['inspect', 'verify', 'dump', 'tail']) run(bin, [cmd, root]);
    expect(treeHash(root)).toEqual(before);
  });
});

describe('session: verify', () => {
  it.each(['branching', 'rollback'])('%s is healthy', (name) => {
    expect(run(bin, ['verify', join(SESSION, name)]).code).toBe(0);
  });

  it.each([
    ['neg_parent_cycle', 'SESS_PARENT_CYCLE'],
    ['neg_missing_parent', 'SESS_MISSING_PARENT'],
    ['neg_duplicate_id', 'SESS_DUPLICATE_ID'],
    ['neg_rebuild_parse_error', 'SESS_REBUILD_PARSE'],
  ])('%s: exit 1, %s', (name, code) => {
    const r = runJson<{ problems: { code: string }[] }>(bin, ['verify', '--json', join(SESSION, name)]);
    expect(r.code).toBe(1);
    expect(r.value.problems.map((p) => p.code)).toEqual([code]);
  });

  it.each(RECOVERY)('%s: exit 1, one problem per recovery step the open would take, with its code', (name) => {
    const expected = readJson<{ warnings: string[] }>(join(SESSION, `${name}.expect.json`));
    const r = runJson<{ problems: { code: string; message: string }[] }>(bin, [
      'verify',
      '--json',
      join(SESSION, name),
    ]);
    expect(r.code).toBe(1);
    const recovered = r.value.problems.filter((p) => p.code.startsWith('SESS_W_'));
    expect(recovered.map((p) => p.message.split(': ')[0])).toEqual(expected.warnings);
    expect(recovered.map((p) => p.code)).toEqual(WARNING_CODES[name]);
  });
});

/** Samples whose recovery cuts frames that read as valid (a misplaced frame and the segments after it). */
const CUTS_VALID = new Set(['rec_coordinate_mismatch']);

describe('session: repair', () => {
  it.each(RECOVERY)('%s: repaired with the package recovery, nothing lost, healthy after', (name) => {
    const root = copySample(join(SESSION, name));
    // Without --force a recovery that would remove valid frames is refused, and changes nothing.
    const force = CUTS_VALID.has(name) ? ['--force'] : [];
    if (force.length) {
      const before = treeHash(root);
      const refused = run(bin, ['repair', root]);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toContain('refused: CLI_CORRUPT_BEFORE_TAIL');
      expect(refused.stdout).toContain("hint: 'logspec repair --force'");
      expect(treeHash(root)).toEqual(before);
    }
    const dry = run(bin, ['repair', '--dry-run', ...force, root]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('result: would be healthy');
    const r = runJson<{
      ok: boolean;
      changes: { kind: string; ranges: unknown[]; saved: string[] }[];
      quarantine: string | null;
    }>(bin, ['repair', '--json', ...force, root]);
    expect(r.code).toBe(0);
    expect(r.value.ok).toBe(true);
    // Every byte range that was cut or overwritten was saved first.
    for (const c of r.value.changes) expect(c.saved).toHaveLength(c.ranges.length);
    if (r.value.changes.some((c) => c.ranges.length > 0)) expect(existsSync(r.value.quarantine as string)).toBe(true);
    expect(run(bin, ['verify', root]).code).toBe(0);
    expect(lines(run(bin, ['dump', '--json', root]).stdout)).toEqual(
      readJson<{ frames: unknown[] }>(join(SESSION, `${name}.expect.json`)).frames,
    );
  });

  it('a store the original refuses to open is left as it is', () => {
    const root = copySample(join(SESSION, 'neg_duplicate_id'));
    const before = treeHash(root);
    const r = run(bin, ['repair', root]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('refused: SESS_DUPLICATE_ID');
    expect(r.stdout).toContain('changes: none');
    const after = treeHash(root);
    expect(after).toEqual(before);
    expect(readdirSync(join(root, '..'))).toEqual(['neg_duplicate_id']);
  });
});
