/**
 * The ring format through the conformance suite in-process: every vector and golden case
 * (original and logspec corpora) judged by the suite's own code against the built-in handler,
 * and the committed vectors/golden files equal to what the generator produces now.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { handler } from '../../../conformance/src/builtin/formats/ring.js';
import type { Case } from '../../../conformance/src/cases/case.js';
import { goldenCases } from '../../../conformance/src/cases/golden.js';
import { propertyCases } from '../../../conformance/src/cases/properties.js';
import { loadVectorFiles, vectorCases } from '../../../conformance/src/cases/vectors.js';
import { loadPropertyProfile } from '../../../conformance/src/properties/load.js';
import { InProcessSubject } from '../../../conformance/src/subjects/in-process.js';
import generate from '../../../tools/src/fixtures/formats/ring/index.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

async function runCases(cases: Case[]) {
  const subject = new InProcessSubject(async () => ({ handlers: new Map([['ring', handler]]), broken: [] }));
  const hello = await subject.start();
  const failures: string[] = [];
  for (const c of cases) {
    const v = await c.run({ subject, hello, timeoutMs: 30_000, fc: { numRuns: 10 } });
    if (v.status !== 'passed')
      failures.push(`${c.id}: ${v.status} ${'message' in v ? v.message : 'reason' in v ? v.reason : ''}`);
  }
  await subject.stop();
  return failures;
}

describe('conformance suite, in-process', () => {
  it('every ring vector file is valid and every vector passes', async () => {
    const files = loadVectorFiles('ring');
    expect(files.map((f) => f.group).sort()).toEqual([
      'file-decode',
      'file-read',
      'file-write',
      'header-decode',
      'header-encode',
      'slot-decode',
      'slot-encode',
    ]);
    for (const f of files) expect(f.problems, f.file).toEqual([]);
    const cases = vectorCases('ring');
    expect(cases.length).toBeGreaterThan(90);
    expect(await runCases(cases)).toEqual([]);
  });

  it('every golden case (read and write) passes', async () => {
    const cases = goldenCases('ring');
    // 14 recipes of the original's corpus and 17 boundary samples (spec/conformance.md § 7).
    expect(cases.filter((c) => c.verb === 'write' && !c.id.startsWith('ring.write.b_')).length).toBe(14);
    expect(cases.filter((c) => c.verb === 'write' && c.id.startsWith('ring.write.b_')).length).toBe(17);
    expect(cases.filter((c) => c.id.includes('logspec-0.1.0')).length).toBe(9);
    expect(await runCases(cases)).toEqual([]);
  });

  it('every property case passes with the ring profile', async () => {
    const profile = await loadPropertyProfile('ring');
    expect(profile?.format).toBe('ring');
    const cases = propertyCases('ring', profile);
    expect(cases.map((c) => c.id).sort()).toContain('ring.property.bitflip.ring');
    expect(await runCases(cases)).toEqual([]);
  });

  it('cites only requirement IDs that spec/ring.md defines', () => {
    const spec = readFileSync(join(REPO, 'spec/ring.md'), 'utf8');
    const defined = new Set([...spec.matchAll(/\*\*(RING-[WRS]-\d{3})\*\*/g)].map((m) => m[1]));
    for (const f of loadVectorFiles('ring')) {
      for (const t of f.vectors?.tests ?? [])
        for (const r of t.requirements) expect(defined.has(r), `${t.id}: ${r}`).toBe(true);
    }
  });
});

describe('fixtures', () => {
  it('the committed vectors and golden files are what the generator writes', async () => {
    const want = new Map<string, Uint8Array>();
    await generate({
      json: (rel, v) => want.set(rel, new TextEncoder().encode(`${JSON.stringify(v, null, 2)}\n`)),
      bytes: (rel, d) => want.set(rel, new Uint8Array(d)),
    });
    for (const [rel, data] of want) {
      const abs = join(REPO, rel);
      expect(existsSync(abs), rel).toBe(true);
      expect(Buffer.compare(readFileSync(abs), data), rel).toBe(0);
    }
    for (const d of ['conformance/vectors/ring', 'conformance/golden/ring/logspec-0.1.0']) {
      // tree.json is the fixtures' record of the samples' directories, not the plugin's output.
      for (const n of readdirSync(join(REPO, d)).filter((x) => x !== 'tree.json')) {
        expect(want.has(`${d}/${n}`), `stale ${d}/${n}`).toBe(true);
      }
    }
  });

  it('our golden samples of the original recipes are byte-identical to the original files', () => {
    const ours = join(REPO, 'conformance/golden/ring/logspec-0.1.0');
    const original = join(REPO, 'conformance/golden/ring/original-vyre-runtime-0.6.1');
    for (const n of readdirSync(ours).filter((n) => n.endsWith('.vrrl') && existsSync(join(original, n)))) {
      expect(readFileSync(join(ours, n)), n).toEqual(readFileSync(join(original, n)));
      expect(JSON.parse(readFileSync(join(ours, `${n}.expect.json`), 'utf8'))).toEqual(
        JSON.parse(readFileSync(join(original, `${n}.expect.json`), 'utf8')),
      );
    }
  });
});
