import { closeSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBin, cleanup, copySample, corpusOf, lines, RING, readJson, run, runJson, treeHash } from './helpers.js';

let bin: string;
beforeAll(async () => {
  bin = await buildBin();
});
afterAll(cleanup);

const corpus = corpusOf(RING);
const positives = corpus.filter((e) => e.kind === 'positive').map((e) => e.path);

describe('ring: reading the reference files', () => {
  it.each(positives)('dump --json of %s gives the records of its .expect.json', (name) => {
    const expected = readJson<{ records: unknown[] }>(join(RING, `${name}.expect.json`));
    const r = run(bin, ['dump', '--json', join(RING, name)]);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual(expected.records);
  });

  it('inspect summarises capacity, cursor, records and time range', () => {
    const r = runJson(bin, ['inspect', '--json', join(RING, 'cap3_wrap.vrrl')]);
    expect(r.code).toBe(0);
    expect(r.value).toMatchObject({
      format: 'ring',
      size: 32 + 3 * 64,
      header: { version: 1, capacity: '3', next_slot: '2' },
      records: 3,
      empty_slots: 0,
      timestamp_ns: { min: '1000002', max: '1000004' },
      health: { ok: true, problems: [] },
    });
    const text = run(bin, ['inspect', join(RING, 'hole.vrrl')]).stdout;
    expect(text).toMatch(/^capacity: +4 slots of 64 bytes$/m);
    expect(text).toMatch(/^records: +\d+ \(1 empty slots\)$/m);
    expect(text).toMatch(/^health: +ok$/m);
  });

  it('dump --from/--to select by replay index; text lines name the slot', () => {
    const r = run(bin, ['dump', '--from', '1', '--to', '1', join(RING, 'cap3_wrap.vrrl')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      '#1 slot=0 ts=1970-01-01T00:00:00.001000003Z slot_idx=3 tenant=0 opcode=0x40000003 args=[3,6,9,12] epoch=103\n',
    );
  });

  it('tail -n prints the newest records', () => {
    const expected = readJson<{ records: unknown[] }>(join(RING, 'varied.vrrl.expect.json')).records;
    const r = run(bin, ['tail', '-n', '2', '--json', join(RING, 'varied.vrrl')]);
    expect(lines(r.stdout)).toEqual(expected.slice(-2));
  });
});

describe('ring: verify', () => {
  it.each(positives)('%s is healthy (exit 0)', (name) => {
    const r = run(bin, ['verify', join(RING, name)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/result: ok\n$/);
  });

  it.each([
    ['neg_bad_magic.vrrl', 'RING_BAD_MAGIC', 0],
    ['neg_bad_version.vrrl', 'RING_BAD_VERSION', 8],
    ['neg_zero_capacity.vrrl', 'RING_ZERO_CAPACITY', 16],
    ['neg_capacity_over_max.vrrl', 'RING_CAPACITY_OVERFLOW', 16],
    ['neg_short_header.vrrl', 'RING_TRUNCATED_HEADER', null],
    ['neg_short_body.vrrl', 'RING_SHORT_FILE', 160],
    ['neg_bad_record_magic.vrrl', 'RING_FOREIGN_SLOT_MAGIC', 32],
  ])('%s: exit 1, %s at its offset', (name, code, offset) => {
    const r = runJson<{ ok: boolean; problems: { code: string; offset: number | null }[] }>(bin, [
      'verify',
      '--json',
      join(RING, name),
    ]);
    expect(r.code).toBe(1);
    expect(r.value.ok).toBe(false);
    expect(r.value.problems[0]?.code).toBe(code);
    if (offset !== null) expect(r.value.problems[0]?.offset).toBe(offset);
    const text = run(bin, ['verify', join(RING, name)]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`  ${code}`);
    expect(text.stdout).toMatch(/result: damaged \(\d+ problems?\)/);
  });

  it('the strict findings of a valid file are notes, not problems', () => {
    const r = runJson<{ ok: boolean; notes: string[] }>(bin, ['verify', '--json', join(RING, 'cursor_mod.vrrl')]);
    expect(r.code).toBe(0);
    expect(r.value.notes.some((n) => n.includes('RING_CURSOR_OUT_OF_RANGE'))).toBe(true);
  });
});

describe('ring: repair', () => {
  /** A copy of cap4_two.vrrl whose slot 2 holds a record with a torn magic (`ef be 00 00`). */
  function tornRing(): string {
    const path = copySample(join(RING, 'cap4_two.vrrl'));
    const fd = openSync(path, 'r+');
    const slot1 = Buffer.alloc(64);
    const src = readFileSync(path);
    src.copy(slot1, 0, 32 + 64, 32 + 128);
    slot1[0] = 0xef;
    slot1[1] = 0xbe;
    slot1[2] = 0;
    slot1[3] = 0;
    writeSync(fd, slot1, 0, 64, 32 + 2 * 64);
    closeSync(fd);
    return path;
  }

  it('verify names the torn slot; --dry-run reports the fix and changes nothing', () => {
    const path = tornRing();
    const v = runJson<{ problems: { code: string; offset: number; message: string }[] }>(bin, [
      'verify',
      '--json',
      path,
    ]);
    expect(v.code).toBe(1);
    expect(v.value.problems).toHaveLength(1);
    expect(v.value.problems[0]).toMatchObject({ code: 'RING_FOREIGN_SLOT_MAGIC', offset: 160 });
    expect(v.value.problems[0]?.message).toContain('torn magic');
    const before = treeHash(join(path, '..'));
    const d = run(bin, ['repair', '--dry-run', path]);
    expect(d.code).toBe(0);
    expect(d.stdout).toContain('cleared torn slot magics: slots 2');
    expect(d.stdout).toMatch(/cap4_two\.vrrl: would rewrite \d+ bytes \[160, 2\d\d\)/);
    expect(d.stdout).toContain('result: would be healthy');
    expect(treeHash(join(path, '..'))).toEqual(before);
  });

  it('clears the torn slot, keeps its old bytes in the quarantine, and the ring verifies', () => {
    const path = tornRing();
    const old = readFileSync(path).subarray(160, 224);
    const r = runJson<{
      ok: boolean;
      quarantine: string;
      changes: { kind: string; saved: string[]; ranges: { from: number; to: number }[] }[];
    }>(bin, ['repair', '--json', path]);
    expect(r.code).toBe(0);
    expect(r.value.ok).toBe(true);
    // Every byte of the slot that was overwritten, and nothing outside the slot.
    expect(r.value.changes).toMatchObject([{ kind: 'rewritten', file: 'cap4_two.vrrl' }]);
    const [range] = r.value.changes[0]?.ranges ?? [];
    expect(range?.from).toBe(160);
    expect(range?.to).toBeLessThanOrEqual(224);
    expect(old.subarray((range?.to ?? 0) - 160).every((b) => b === 0)).toBe(true);
    const saved = readFileSync(join(r.value.quarantine, r.value.changes[0]?.saved[0] as string));
    expect(saved.equals(old.subarray(0, (range?.to ?? 0) - 160))).toBe(true);
    expect(readdirSync(r.value.quarantine).sort()).toEqual([`cap4_two.vrrl.160-${range?.to}`, 'manifest.json']);
    expect(
      readFileSync(path)
        .subarray(160, 224)
        .every((b) => b === 0),
    ).toBe(true);
    expect(run(bin, ['verify', path]).code).toBe(0);
    // The two original records are still there.
    expect(lines(run(bin, ['dump', '--json', path]).stdout)).toEqual(
      readJson<{ records: unknown[] }>(join(RING, 'cap4_two.vrrl.expect.json')).records,
    );
  });

  it('a short file cannot be repaired: exit 1, nothing changed', () => {
    const path = copySample(join(RING, 'neg_short_body.vrrl'));
    const before = treeHash(join(path, '..'));
    const r = run(bin, ['repair', path]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('refused: RING_SHORT_FILE at byte 160');
    expect(r.stdout).toContain('changes: none');
    expect(treeHash(join(path, '..'))).toEqual(before);
  });
});
