import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { Case } from '../src/cases/case.js';
import { collectCases } from '../src/cases/collect.js';
import { inProfile } from '../src/cases/profiles.js';
import { parseCli } from '../src/cli/args.js';
import { judgeError, withoutDir } from '../src/json/compare.js';
import { runSubject } from '../src/runner/run.js';
import { loadRegistry } from '../src/spec/registry.js';
import type { Subject } from '../src/subjects/subject.js';

describe('profiles (spec/conformance.md § 1.1)', () => {
  test('every case has one; original cases check only rules the spec marks (original)', async () => {
    const reg = loadRegistry();
    const cases = await collectCases();
    for (const c of cases) {
      expect(['original', 'logspec']).toContain(c.profile);
      if (c.profile !== 'original') continue;
      for (const id of c.requirements) {
        if (id.startsWith('CONF-')) continue;
        expect(reg.requirementOrigin(id), `${c.id} cites ${id}`).toBe('original');
      }
    }
  });

  test("the cases that test logspec's own rules are logspec's, and those the original answers in its own words are the original's", async () => {
    const byId = new Map((await collectCases()).map((c) => [c.id, c]));
    const profileOf = (id: string) => byId.get(id)?.profile;
    for (const id of [
      'hotframe.vector.write.3',
      'hotframe.vector.write.4',
      'hotframe.vector.write.5',
      'hotframe.vector.write.6',
      'wal.vector.write.3',
      'wal.vector.write.4',
      'ring.vector.file-write.7',
    ]) {
      expect(profileOf(id), id).toBe('logspec');
    }
    for (const id of ['ring.vector.file-write.5', 'ring.vector.file-write.6', 'segment.vector.file-write.3']) {
      expect(profileOf(id), id).toBe('original');
    }
    expect(profileOf('ring.property.damage')).toBe('logspec');
    expect(profileOf('ring.differential.write')).toBe('original');
  });

  test('--profile original selects the original cases only; logspec (the default) selects all', async () => {
    const cases = await collectCases({ formats: ['ring'] });
    const original = cases.filter((c) => inProfile(c, 'original'));
    expect(original.length).toBeGreaterThan(50);
    expect(original.every((c) => c.profile === 'original')).toBe(true);
    expect(cases.filter((c) => inProfile(c, 'logspec'))).toHaveLength(cases.length);
    expect(parseCli([]).profile).toBe('logspec');
    expect(parseCli(['--profile', 'original']).profile).toBe('original');
    expect(() => parseCli(['--profile', 'strict'])).toThrow(/--profile must be one of original, logspec/);
  });
});

describe('error vocabularies (spec/conformance.md § 4)', () => {
  const judge = (format: Parameters<typeof judgeError>[0], code: string, extras: object, actual: object) =>
    judgeError(format, code, extras as Record<string, unknown>, actual as { code: string });

  test("a logspec code is answered by the original's kind for it, and the reverse", () => {
    expect(judge('ring', 'RING_ZERO_CAPACITY', {}, { code: 'zero_capacity' })).toEqual({
      difference: null,
      vocabulary: 'original',
    });
    expect(judge('segment', 'SEG_OFFSET_BELOW_BASE', {}, { code: 'other' }).difference).toBeNull();
    expect(judge('ring', 'header_mismatch', {}, { code: 'RING_BAD_VERSION' })).toEqual({
      difference: null,
      vocabulary: 'logspec',
    });
    expect(judge('ring', 'RING_BAD_MAGIC', {}, { code: 'zero_capacity' }).difference).toMatch(
      /expected RING_BAD_MAGIC, got "zero_capacity" \(the original's kind for it: header_mismatch\)/,
    );
    expect(judge('ring', 'zero_capacity', {}, { code: 'RING_BAD_MAGIC' }).difference).toMatch(/error code/);
    expect(judge('ring', 'RING_ZERO_CAPACITY', {}, { code: 'RING_CAPACITY_OVERFLOW' }).difference).toMatch(
      /error code/,
    );
  });

  test("the kind's narrowing fields must agree (postcard's variant, io's kind)", () => {
    expect(
      judge('segment', 'SEG_BAD_BOOL', {}, { code: 'deserialize', postcard: 'DeserializeBadBool' }).difference,
    ).toBeNull();
    expect(
      judge('segment', 'SEG_BAD_BOOL', {}, { code: 'deserialize', postcard: 'DeserializeBadOption' }).difference,
    ).toMatch(/postcard = DeserializeBadBool/);
    expect(
      judge('segment', 'deserialize', { postcard: 'DeserializeBadOption' }, { code: 'SEG_BAD_OPTION' }).difference,
    ).toBeNull();
    expect(
      judge('segment', 'deserialize', { postcard: 'DeserializeBadOption' }, { code: 'SEG_BAD_BOOL' }).difference,
    ).toMatch(/postcard/);
    expect(judge('ring', 'RING_SHORT_FILE', {}, { code: 'io', op: 'read', io_kind: 'Other' }).difference).toMatch(
      /io_kind/,
    );
  });

  test("numeric extras compare whatever their JSON type; logspec's offsets are not asked of the original's kinds", () => {
    expect(
      judge('wal', 'wal_corruption', { position: '73' }, { code: 'WAL_BAD_LENGTH', position: 73 }).difference,
    ).toBeNull();
    expect(judge('wal', 'wal_corruption', { position: '73' }, { code: 'WAL_BAD_LENGTH' }).difference).toMatch(
      /position/,
    );
    expect(judge('ring', 'RING_ZERO_CAPACITY', { offset: 16 }, { code: 'zero_capacity' }).difference).toBeNull();
    expect(
      judge('ring', 'RING_ZERO_CAPACITY', { offset: 16 }, { code: 'RING_ZERO_CAPACITY', offset: '16' }).difference,
    ).toBeNull();
    expect(
      judge('ring', 'RING_ZERO_CAPACITY', { offset: 16 }, { code: 'RING_ZERO_CAPACITY', offset: 17 }).difference,
    ).toMatch(/offset/);
  });

  test('a run counts the error answers it judged in each vocabulary', async () => {
    const cases = (await collectCases({ formats: ['ring'] })).filter((c) => c.id === 'ring.vector.file-write.5');
    const speaksOriginal: Subject = {
      name: 'kinds',
      start: async () => ({ implementation: 'k', version: '1', capabilities: { ring: ['write'] } }),
      run: async () => ({ error: { code: 'zero_capacity', message: 'zero capacity' } }),
      stop: async () => {},
    };
    const run = await runSubject(speaksOriginal, cases as Case[], { timeoutMs: 1000, fc: { numRuns: 1 } });
    expect(run.results[0]?.verdict).toEqual({ status: 'passed', vocabulary: 'original' });
  });

  test('answers are judged without the temporary directory they were read from', () => {
    const answer = { ok: { message: 'Failed to parse manifest /tmp/x-1/store/s/manifest.json: EOF', n: 1 } };
    expect(withoutDir(answer, '/tmp/x-1/store')).toEqual({
      ok: { message: 'Failed to parse manifest s/manifest.json: EOF', n: 1 },
    });
  });
});

describe('golden samples are laid out exactly (spec/conformance.md § 7)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'logspec-layout-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  test('the empty session store reaches the adapter with its empty directories, though git keeps none', async () => {
    const seen: string[][] = [];
    const lister: Subject = {
      name: 'lister',
      start: async () => ({ implementation: 'l', version: '1', capabilities: { session: ['read'] } }),
      run: async (req) => {
        if (req.verb === 'read') seen.push(readdirSync(req.path).sort());
        return { error: { code: 'not_found' } };
      },
      stop: async () => {},
    };
    const cases = (await collectCases({ formats: ['session'] })).filter((c) =>
      c.id.startsWith('session.read.original-pi_agent_rust-0.1.11.empty'),
    );
    expect(cases).toHaveLength(1);
    await runSubject(lister, cases, { timeoutMs: 1000, fc: { numRuns: 1 } });
    expect(seen).toEqual([['checkpoints', 'index', 'migrations', 'segments', 'tmp']]);
  });

  test('a sample missing from the golden files fails its case as a defect of the suite', async () => {
    const { goldenCases } = await import('../src/cases/golden.js');
    const { cpSync } = await import('node:fs');
    const golden = join(tmp, 'golden');
    cpSync(
      join(__dirname, '../golden/ring/original-vyre-runtime-0.6.1'),
      join(golden, 'ring/original-vyre-runtime-0.6.1'),
      {
        recursive: true,
      },
    );
    rmSync(join(golden, 'ring/original-vyre-runtime-0.6.1/cap4_two.vrrl'));
    const c = goldenCases('ring', golden).find(
      (x) => x.id === 'ring.read.original-vyre-runtime-0.6.1.cap4_two',
    ) as Case;
    const asked: string[] = [];
    const subject: Subject = {
      name: 's',
      start: async () => ({ implementation: 's', version: '1', capabilities: { ring: ['read'] } }),
      run: async (req) => {
        asked.push(req.verb);
        return { ok: {} };
      },
      stop: async () => {},
    };
    const run = await runSubject(subject, [c], { timeoutMs: 1000, fc: { numRuns: 1 } });
    expect(run.results[0]?.verdict).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/^suite defect: sample/),
    });
    expect(asked).toEqual([]);
  });
});
