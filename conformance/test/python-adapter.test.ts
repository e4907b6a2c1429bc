// The example adapter in a second language (conformance/examples/python/ring_adapter.py, Python 3
// standard library only) run through the conformance CLI with --adapter, as another project would
// run its own implementation: every ring read case passes, and what the example leaves out
// (write, strict mode) is reported skipped, never failed.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { CONFORMANCE_DIR } from '../src/paths.js';

const ADAPTER = join(CONFORMANCE_DIR, 'examples', 'python', 'ring_adapter.py');
const CLI = join(CONFORMANCE_DIR, 'src', 'cli', 'main.ts');

interface ReportCase {
  id: string;
  verb: string;
  status: 'passed' | 'failed' | 'errored' | 'skipped' | 'expected-failure' | string;
  message?: string;
}

const tmp = mkdtempSync(join(tmpdir(), 'logspec-python-adapter-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function python3Version(): string {
  try {
    return execFileSync('python3', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('python3 is needed to run the Python example adapter (it uses the standard library only)');
  }
}

describe('the Python ring adapter through --adapter', () => {
  let run: { status: number | null; stdout: string; cases: ReportCase[] } | undefined;
  const runOnce = () => {
    if (run) return run;
    python3Version();
    const report = join(tmp, 'report.json');
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        CLI,
        '--adapter',
        `python3 ${JSON.stringify(ADAPTER)}`,
        '--formats',
        'ring',
        '--json-report',
        report,
      ],
      { encoding: 'utf8', cwd: join(CONFORMANCE_DIR, '..'), timeout: 120_000 },
    );
    const parsed = JSON.parse(readFileSync(report, 'utf8')) as { subjects: { cases: ReportCase[] }[] };
    run = { status: r.status, stdout: `${r.stdout}${r.stderr}`, cases: parsed.subjects.flatMap((s) => s.cases) };
    return run;
  };

  test('the run succeeds: nothing failed or errored', () => {
    const { status, stdout, cases } = runOnce();
    const bad = cases.filter((c) => c.status !== 'passed' && c.status !== 'skipped');
    expect(bad.map((c) => `${c.id}: ${c.status} ${c.message ?? ''}`)).toEqual([]);
    expect(status, stdout).toBe(0);
    expect(stdout).toMatch(/\d+ passed, 0 failed, \d+ skipped/);
  });

  test('every ring read case passes, golden and vectors', () => {
    // (ring.property.damage reads too, but writes its stores first: it needs write.)
    const reads = runOnce().cases.filter((c) => c.verb === 'read' && !c.id.startsWith('ring.property.'));
    expect(reads.length).toBeGreaterThan(10);
    expect(reads.filter((c) => c.status !== 'passed').map((c) => `${c.id}: ${c.status} ${c.message ?? ''}`)).toEqual(
      [],
    );
    // Both the original implementation's files and logspec's own.
    expect(reads.some((c) => c.id.startsWith('ring.read.original-'))).toBe(true);
    expect(reads.some((c) => c.id.startsWith('ring.read.logspec-'))).toBe(true);
  });

  test('decode and encode vectors and properties in original mode pass; write and strict mode are skipped', () => {
    const cases = runOnce().cases;
    const skipped = cases.filter((c) => c.status === 'skipped');
    // The runner skips what the capabilities leave out (write); the adapter skips strict mode.
    for (const c of skipped) expect(`${c.id}: ${c.message}`).toMatch(/not implemented: ring write|strict mode/);
    expect(skipped.some((c) => c.verb === 'write')).toBe(true);
    const passedVerbs = new Set(cases.filter((c) => c.status === 'passed').map((c) => c.verb));
    expect([...passedVerbs].sort()).toEqual(expect.arrayContaining(['decode', 'encode', 'read']));
    expect(cases.filter((c) => c.id.startsWith('ring.property.') && c.status === 'passed').length).toBeGreaterThan(0);
  });
});
