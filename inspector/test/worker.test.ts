// The worker's side in Node (no browser): every golden sample — valid and damaged, from both
// producers — opens, its damage map covers each file exactly, every unit's fields lie inside
// the file, and a repair plan's parts assemble to exactly the bytes the package's recovery
// left in the copy-on-write view.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fieldCoverage, flattenFields } from '@logspec/core';
import { describe, expect, test } from 'vitest';
import { bytesSource } from '../src/worker/blob-fs.js';
import { type Dropped, OpenedInput } from '../src/worker/input.js';
import { GOLDEN } from './harness.js';

/** Golden samples: each file or folder beside a `.expect.json` (or a store folder). */
function samples(): string[] {
  const out: string[] = [];
  for (const format of readdirSync(GOLDEN)) {
    const fdir = join(GOLDEN, format);
    if (!statSync(fdir).isDirectory()) continue;
    for (const producer of readdirSync(fdir)) {
      const pdir = join(fdir, producer);
      for (const name of readdirSync(pdir)) {
        if (/\.(json|md|txt)$/.test(name)) continue;
        out.push(join(format, producer, name));
      }
    }
  }
  return out.sort();
}

function dropped(sample: string): Dropped[] {
  const abs = join(GOLDEN, sample);
  const walk = (p: string): string[] =>
    statSync(p).isDirectory() ? readdirSync(p).flatMap((n) => walk(join(p, n))) : [p];
  const base = join(abs, '..');
  return walk(abs).map((f) => ({
    path: relative(base, f).split(sep).join('/'),
    source: bytesSource(new Uint8Array(readFileSync(f))),
  }));
}

const ALL = samples();
let repairedFiles = 0;

describe('every golden sample opens in the worker', () => {
  test('there are samples of every format', () => {
    for (const f of ['hotframe', 'hotlog', 'ring', 'wal', 'segment', 'session']) {
      expect(ALL.filter((s) => s.startsWith(`${f}/`)).length, f).toBeGreaterThan(3);
    }
  });

  test.each(ALL)('%s', async (sample) => {
    let input: OpenedInput;
    try {
      input = await OpenedInput.open(
        dropped(sample),
        () => {},
        () => {},
      );
    } catch (e) {
      // Only a file no rule recognises may fail, and only with detection's answer.
      expect((e as Error).message).toMatch(/^cannot tell the format/);
      return;
    }
    const m = input.model;
    for (const f of m.files) {
      const damage = input.damage(f.info.id);
      // The map covers the file exactly, in order, without overlap.
      let pos = 0;
      for (const d of damage) {
        expect(d.from).toBe(pos);
        expect(d.to).toBeGreaterThan(d.from);
        pos = d.to;
      }
      expect(pos).toBe(f.info.size);
      for (let i = 0; i < Math.min(f.units.count, 200); i++) {
        const u = input.unit(f.info.id, i);
        expect(u.offset + u.length).toBeLessThanOrEqual(f.info.size);
        const cov = fieldCoverage(u.fields, 0, f.info.size);
        expect(cov.outside, `${f.info.path} unit ${i}`).toEqual([]);
        for (const s of flattenFields(u.fields)) expect(s.length).toBeGreaterThanOrEqual(0);
        expect(input.rows(f.info.id, i, 1)[0]?.cells.length).toBe((f.info.columns ?? m.columns).length);
      }
    }
    for (const p of m.problems) {
      expect(p.file).toBeLessThan(m.files.length);
      if (p.offset !== null) expect(p.offset).toBeLessThanOrEqual(m.files[p.file]?.info.size ?? 0);
    }
    // Repair: the parts of each repaired file are the view's bytes.
    for (const force of [false, true]) {
      const plan = input.plan(force);
      const sources = dropped(sample).map((d) => d.source);
      for (const r of plan.repaired()) {
        const bytes = Buffer.concat(
          r.parts.map((p) =>
            'bytes' in p ? p.bytes : (sources[p.source] as ReturnType<typeof bytesSource>).read(p.start, p.end),
          ),
        );
        expect(
          plan.view.changes.some((c) => r.path.endsWith(c.file)),
          r.path,
        ).toBe(true);
        expect(Buffer.compare(bytes, Buffer.from(plan.files.readFile(`/in/${r.path}`)))).toBe(0);
        repairedFiles++;
      }
    }
  });

  test('some of them had something to repair (the check above ran)', () => {
    expect(repairedFiles).toBeGreaterThan(10);
  });
});
