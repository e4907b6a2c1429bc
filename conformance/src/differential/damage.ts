/**
 * Damage to written files for the random-file property: what crashes, disks and careless tools
 * leave. Positions lean on a file's first and last bytes, where headers, lengths and torn tails
 * live; the rest land anywhere.
 */
import { readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { concatBytes } from '@logspec/core';
import fc from 'fast-check';

export type Position = { from: 'start' | 'end' | 'any'; k: number };

export type Damage =
  | { t: 'truncate'; file: number; at: Position }
  | { t: 'flip'; file: number; at: Position; bit: number }
  | { t: 'zero'; file: number; at: Position; len: number }
  | { t: 'set'; file: number; at: Position; bytes: number[] }
  | { t: 'append'; file: number; bytes: number[] }
  | { t: 'remove'; file: number }
  | { t: 'duplicate-line'; file: number; line: number }
  | { t: 'drop-line'; file: number; line: number }
  | { t: 'swap-case'; file: number; at: Position };

const position: fc.Arbitrary<Position> = fc.record({
  from: fc.constantFrom('start' as const, 'end' as const, 'any' as const),
  k: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.nat()),
});

export function damageArb(lines: boolean): fc.Arbitrary<Damage[]> {
  const file = fc.nat();
  const one: fc.Arbitrary<Damage>[] = [
    fc.record({ t: fc.constant('truncate' as const), file, at: position }),
    fc.record({ t: fc.constant('flip' as const), file, at: position, bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ t: fc.constant('zero' as const), file, at: position, len: fc.integer({ min: 1, max: 64 }) }),
    fc.record({
      t: fc.constant('set' as const),
      file,
      at: position,
      bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }),
    }),
    fc.record({
      t: fc.constant('append' as const),
      file,
      bytes: fc.oneof(
        fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 16 }),
        fc.array(fc.constant(0), { minLength: 1, maxLength: 16 }),
      ),
    }),
    fc.record({ t: fc.constant('remove' as const), file }),
  ];
  if (lines) {
    one.push(
      fc.record({ t: fc.constant('duplicate-line' as const), file, line: fc.nat() }),
      fc.record({ t: fc.constant('drop-line' as const), file, line: fc.nat() }),
      fc.record({ t: fc.constant('swap-case' as const), file, at: position }),
    );
  }
  return fc.array(fc.oneof(...one), { minLength: 1, maxLength: 3 });
}

function offsetOf(at: Position, size: number): number {
  if (size === 0) return 0;
  if (at.from === 'start') return Math.min(at.k, size - 1);
  if (at.from === 'end') return Math.max(0, size - 1 - (at.k % size));
  return at.k % size;
}

/** Applies the damage to the files under `dir` (`files`: their relative paths); returns what was done, for the report. */
export function applyDamage(dir: string, files: readonly string[], damage: readonly Damage[]): string[] {
  const done: string[] = [];
  let present = [...files];
  for (const d of damage) {
    if (present.length === 0) break;
    const rel = present[d.file % present.length] as string;
    const p = join(dir, ...rel.split('/'));
    let b: Uint8Array = new Uint8Array(readFileSync(p));
    switch (d.t) {
      case 'truncate': {
        const at = offsetOf(d.at, b.length);
        truncateSync(p, at);
        done.push(`truncate ${rel} to ${at}`);
        continue;
      }
      case 'remove':
        rmSync(p);
        present = present.filter((f) => f !== rel);
        done.push(`remove ${rel}`);
        continue;
      case 'flip': {
        if (b.length === 0) continue;
        const at = offsetOf(d.at, b.length);
        b[at] = (b[at] as number) ^ (1 << d.bit);
        done.push(`flip ${rel} byte ${at} bit ${d.bit}`);
        break;
      }
      case 'zero': {
        const at = offsetOf(d.at, b.length);
        b.fill(0, at, Math.min(b.length, at + d.len));
        done.push(`zero ${rel} [${at}, ${Math.min(b.length, at + d.len)})`);
        break;
      }
      case 'set': {
        const at = offsetOf(d.at, b.length);
        const n = Math.min(d.bytes.length, b.length - at);
        b.set(d.bytes.slice(0, n), at);
        done.push(`set ${rel} [${at}, ${at + n}) to ${hexOf(d.bytes.slice(0, n))}`);
        break;
      }
      case 'append': {
        const out = new Uint8Array(b.length + d.bytes.length);
        out.set(b);
        out.set(d.bytes, b.length);
        b = out;
        done.push(`append ${hexOf(d.bytes)} to ${rel}`);
        break;
      }
      case 'duplicate-line':
      case 'drop-line': {
        const ls = splitLines(b);
        if (ls.length === 0) continue;
        const i = d.line % ls.length;
        const kept = d.t === 'drop-line' ? ls.filter((_, j) => j !== i) : [...ls.slice(0, i + 1), ...ls.slice(i)];
        b = concatBytes(kept);
        done.push(`${d.t === 'drop-line' ? 'drop' : 'duplicate'} line ${i + 1} of ${rel}`);
        break;
      }
      case 'swap-case': {
        const at = offsetOf(d.at, b.length);
        const i = b.findIndex((x, j) => j >= at && ((x >= 0x61 && x <= 0x66) || (x >= 0x41 && x <= 0x46)));
        if (i < 0) continue;
        b[i] = (b[i] as number) ^ 0x20;
        done.push(`swap the case of byte ${i} of ${rel}`);
        break;
      }
    }
    writeFileSync(p, b);
  }
  return done;
}

/** Lines with their `\n` (the last may lack one). */
function splitLines(b: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x0a) {
      out.push(b.subarray(start, i + 1));
      start = i + 1;
    }
  }
  if (start < b.length) out.push(b.subarray(start));
  return out;
}

function hexOf(b: readonly number[]): string {
  return b.map((x) => x.toString(16).padStart(2, '0')).join('');
}
