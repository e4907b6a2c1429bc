import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeMessage, messageFromJson } from '@logspec/segment-index';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { collectCases } from '../src/cases/collect.js';
import { seedFor } from '../src/cases/fast-check.js';
import { applyDamage } from '../src/differential/damage.js';
import { loadDifferentialProfile } from '../src/differential/load.js';
import { FORMATS } from '../src/protocol/types.js';
import { runSubject } from '../src/runner/run.js';
import { BrokenSubject } from '../src/subjects/broken.js';
import { InProcessSubject } from '../src/subjects/in-process.js';

const tmp = mkdtempSync(join(tmpdir(), 'logspec-differential-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('differential properties (spec/conformance.md § 5.2)', () => {
  test('a write that differs by one bit fails with the shrunk recipe and what replays it', async () => {
    const cases = (await collectCases({ formats: ['ring'] })).filter((c) => c.id === 'ring.differential.write');
    const run = await runSubject(new BrokenSubject(new InProcessSubject(), ['flip-written-bit']), cases, {
      timeoutMs: 20_000,
      fc: { numRuns: 40 },
    });
    const v = run.results[0]?.verdict;
    expect(v?.status).toBe('failed');
    const message = v && 'message' in v ? v.message : '';
    expect(message).toMatch(/r\.vrrl: byte \d+ differs/);
    expect(message).toMatch(
      /replay with LOGSPEC_FC_SEED=-?\d+ LOGSPEC_FC_PATH=[\d:]+ LOGSPEC_FC_CASE=ring\.differential\.write/,
    );
    // Shrunk: the smallest recipe that writes a file is one open of capacity 1.
    expect(message).toContain('counterexample {"ops":[{"op":"open","file":"r.vrrl","capacity":"1"}],"read":"r.vrrl"}');
  });

  test('a reader that drops the last record fails with the damaged files as hex', async () => {
    const cases = (await collectCases({ formats: ['hotframe'] })).filter((c) => c.id === 'hotframe.differential.read');
    const run = await runSubject(new BrokenSubject(new InProcessSubject(), ['drop-last-record']), cases, {
      timeoutMs: 20_000,
      fc: { numRuns: 40 },
    });
    const v = run.results[0]?.verdict;
    expect(v?.status).toBe('failed');
    const message = v && 'message' in v ? v.message : '';
    expect(message).toMatch(/the answers differ: \$\.records: expected \d+ items, got \d+/);
    expect(message).toMatch(/files: k\/hot\/log\.bin \(\d+ bytes\) 4f484e455a49414b/);
  });

  test.each(FORMATS.filter((f) => f !== 'hotlog'))(
    '%s: the reference agrees with itself through the protocol path (runs repeat: a fixed seed per case)',
    async (format) => {
      const cases = (await collectCases({ formats: [format] })).filter((c) => c.source === 'differential');
      expect(cases.map((c) => c.id).sort()).toEqual([`${format}.differential.read`, `${format}.differential.write`]);
      const opts = { timeoutMs: 30_000, fc: { numRuns: 16 } };
      const a = await runSubject(new InProcessSubject(), cases, opts);
      const b = await runSubject(new InProcessSubject(), cases, opts);
      expect(a.results.map((r) => r.verdict)).toEqual(b.results.map((r) => r.verdict));
      for (const r of a.results) expect(r.verdict.status, JSON.stringify(r.verdict)).toBe('passed');
    },
  );

  test('seeds: fixed per case by default, given, or random', () => {
    expect(seedFor({ numRuns: 1 }, 'ring.differential.write')).toBe(seedFor({ numRuns: 1 }, 'ring.differential.write'));
    expect(seedFor({ numRuns: 1 }, 'ring.differential.write')).not.toBe(
      seedFor({ numRuns: 1 }, 'ring.differential.read'),
    );
    expect(seedFor({ numRuns: 1, seed: 7 }, 'x')).toBe(7);
    expect(seedFor({ numRuns: 1, seed: 'random' }, 'x')).toBeUndefined();
  });

  test('segment recipes land frames exactly on, before and after the index interval', async () => {
    const p = await loadDifferentialProfile('segment');
    const samples = fc.sample(
      p?.recipes({ thorough: false }) as fc.Arbitrary<{ ops: Array<Record<string, unknown>> }>,
      {
        seed: 1,
        numRuns: 200,
      },
    );
    const starts = new Set<number>();
    for (const r of samples.filter((x) => x.ops[0]?.op === 'segment_new')) {
      let pos = 0;
      for (const op of r.ops) {
        const ms = op.op === 'append' ? [op.message] : op.op === 'append_batch' ? (op.messages as unknown[]) : [];
        for (const m of ms) {
          starts.add(pos);
          pos += 8 + encodeMessage(messageFromJson(m)).length;
        }
      }
    }
    for (const edge of [4095, 4096, 4097])
      expect(starts.has(edge) || starts.has(edge + 4096), `a frame at ${edge}`).toBe(true);
    expect(samples.filter((r) => r.ops[0]?.op === 'log_manager_new').length).toBeGreaterThan(40);
  });
});

describe('damage', () => {
  test('truncations, flips, zeroed ranges, stray bytes, lines and case swaps land where asked', () => {
    const dir = join(tmp, 'd');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a'), Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
    writeFileSync(join(dir, 'b.jsonl'), '{"x":"ab"}\n{"y":1}\n');
    const done = applyDamage(
      dir,
      ['a', 'b.jsonl'],
      [
        { t: 'flip', file: 0, at: { from: 'start', k: 1 }, bit: 0 },
        { t: 'zero', file: 0, at: { from: 'end', k: 1 }, len: 9 },
        { t: 'duplicate-line', file: 1, line: 1 },
        { t: 'swap-case', file: 1, at: { from: 'start', k: 0 } },
        { t: 'append', file: 0, bytes: [0xff] },
      ],
    );
    expect(done).toEqual([
      'flip a byte 1 bit 0',
      'zero a [6, 8)',
      'duplicate line 2 of b.jsonl',
      'swap the case of byte 6 of b.jsonl',
      'append ff to a',
    ]);
    expect([...readFileSync(join(dir, 'a'))]).toEqual([1, 3, 3, 4, 5, 6, 0, 0, 0xff]);
    expect(readFileSync(join(dir, 'b.jsonl'), 'utf8')).toBe('{"x":"Ab"}\n{"y":1}\n{"y":1}\n');
    expect(applyDamage(dir, ['a'], [{ t: 'truncate', file: 0, at: { from: 'any', k: 20 } }])).toEqual([
      'truncate a to 2',
    ]);
    expect(applyDamage(dir, ['a'], [{ t: 'remove', file: 0 }])).toEqual(['remove a']);
  });
});
