// The build: a folder of static files within the size budget, bundles with no Node built-in,
// and the spec shipped with every error code the packages can report.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreCode } from '@logspec/core';
import { HotCode } from '@logspec/frame';
import { RingCode } from '@logspec/ring-log';
import { SegCode } from '@logspec/segment-index';
import { SessCode, SessWarning } from '@logspec/session-store';
import { WalCode } from '@logspec/wal';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BUDGET_GZIP, type BuildReport, buildInspector } from '../src/build/build.js';
import type { RuleIndex } from '../src/build/spec-pages.js';

let report: BuildReport;
// A build of its own: other test files serve the shared one meanwhile.
const OUTDIR = join(mkdtempSync(join(tmpdir(), 'logspec-inspector-build-')), 'dist');

beforeAll(async () => {
  report = await buildInspector({ outdir: OUTDIR });
}, 300_000);

afterAll(() => rmSync(join(OUTDIR, '..'), { recursive: true, force: true }));

describe('the built page', () => {
  test('is static files only, each code file within its gzipped budget', () => {
    const names = report.files.map((f) => f.file);
    for (const f of ['index.html', 'app.js', 'app.css', 'worker.js', 'sw.js', 'spec/rules.json', 'spec/wal.html']) {
      expect(names).toContain(f);
    }
    expect(report.overBudget).toEqual([]);
    for (const [file, budget] of Object.entries(BUDGET_GZIP)) {
      const f = report.files.find((x) => x.file === file);
      expect(f, file).toBeDefined();
      expect(f?.gzip, file).toBeLessThanOrEqual(budget);
    }
    console.log(
      `inspector bundle: ${report.files
        .filter((f) => f.file in BUDGET_GZIP)
        .map((f) => `${f.file} ${(f.bytes / 1024).toFixed(1)} KiB (${(f.gzip / 1024).toFixed(1)} KiB gzip)`)
        .join(', ')}; code ${(report.codeGzip / 1024).toFixed(1)} KiB gzipped`,
    );
  });

  test('the page draws and the worker reads: no codec in the page, every codec in the worker', () => {
    const app = readFileSync(join(OUTDIR, 'app.js'), 'utf8');
    const worker = readFileSync(join(OUTDIR, 'worker.js'), 'utf8');
    // Codec-only strings: the VRRL magic check and the session frame schema.
    expect(app).not.toContain('pi.session_store_v2.segment_frame.v1');
    expect(worker).toContain('pi.session_store_v2.segment_frame.v1');
    for (const js of [app, worker]) expect(js).not.toMatch(/from\s*["']node:|require\(["']node:/);
    // Only SHA-256 of hash-wasm is bundled.
    expect(worker).not.toMatch(/createBLAKE3|createArgon2/);
  });

  test('the service worker caches every built file', () => {
    const sw = readFileSync(join(OUTDIR, 'sw.js'), 'utf8');
    const listed = JSON.parse(/const FILES = (\[.*\]);/.exec(sw)?.[1] ?? '[]') as string[];
    for (const f of report.files) if (f.file !== 'sw.js') expect(listed).toContain(f.file);
  });

  test('every error code the packages define is in the shipped spec, most with the rule that names it', () => {
    const index = JSON.parse(readFileSync(join(OUTDIR, 'spec/rules.json'), 'utf8')) as RuleIndex;
    const codes = [CoreCode, RingCode, WalCode, SegCode, SessCode, SessWarning, HotCode].flatMap((o) =>
      Object.values(o),
    );
    expect(codes.filter((c) => !index.codes[c])).toEqual([]);
    // Every rule a code points to exists, with its text, and its chapter page has its anchor.
    for (const [code, entry] of Object.entries(index.codes)) {
      for (const id of entry.rules) {
        expect(index.rules[id]?.text.length, `${code} → ${id}`).toBeGreaterThan(10);
      }
    }
    const wal = readFileSync(join(OUTDIR, 'spec/wal.html'), 'utf8');
    expect(wal).toContain('id="WAL-R-006"');
    expect(wal).toContain('id="code-WAL_CRC_MISMATCH"');
    expect(index.codes.WAL_CRC_MISMATCH?.rules).toContain('WAL-R-006');
    const linked = Object.values(index.codes).filter((c) => c.rules.length > 0).length;
    expect(linked / Object.keys(index.codes).length).toBeGreaterThan(0.4);
  });
});
