import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { CONFORMANCE_DIR } from '../src/paths.js';
import { EXAMPLE_RING_ADAPTER } from './helpers.js';

const bin = join(CONFORMANCE_DIR, 'bin/logspec-conformance.mjs');
const dir = mkdtempSync(join(tmpdir(), 'logspec-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = (args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { cwd: tmpdir(), encoding: 'utf8', timeout: 60_000 });

describe('the logspec-conformance bin', () => {
  test('--help prints the usage and exits 0; a bad flag exits 2', () => {
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--adapter "<command>"');
    const bad = run(['--formats', 'nope']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown format(s) nope');
  });

  test('runs an external adapter from any directory, prints the table and the closing line, writes the report', () => {
    const report = join(dir, 'r.json');
    const r = run([
      '--adapter',
      EXAMPLE_RING_ADAPTER,
      '--formats',
      'ring',
      '--case',
      'ring.read.',
      '--json-report',
      report,
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`== adapter: ${EXAMPLE_RING_ADAPTER} — ring-adapter.mjs 1`);
    expect(lines[1]).toMatch(/^format +cases +passed +failed +skipped +xfail$/);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(lines.at(-1)).toBe(`${json.totals.passed} passed, 0 failed, 0 skipped`);
    expect(json.totals.passed).toBeGreaterThanOrEqual(14);
  });
});
