import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** The codec entry point and everything it imports, transitively. */
function codecFiles(): string[] {
  const seen = new Set<string>();
  const visit = (rel: string) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    const text = readFileSync(`${SRC}${rel}`, 'utf8');
    for (const m of text.matchAll(/from '(\.[^']+)\.js'/g)) {
      const target = new URL(`${m[1]}.ts`, `file:///${rel}`).pathname.slice(1);
      visit(target);
    }
  };
  visit('index.ts');
  return [...seen].sort();
}

describe('the codec entry point is browser-safe', () => {
  it('imports no node: module, no Buffer, nothing from the store', () => {
    const files = codecFiles();
    expect(files).toContain('scan.ts');
    for (const f of files) {
      const text = readFileSync(`${SRC}${f}`, 'utf8');
      expect(f.startsWith('store'), f).toBe(false);
      expect(text, f).not.toMatch(/from 'node:|require\(|\bBuffer\b|process\./);
      expect(text, f).not.toMatch(/from '@logspec\/core\/(node|testing)'/);
    }
  });

  it('only store files do I/O, and only through Fs', () => {
    for (const f of readdirSync(`${SRC}store`)) {
      expect(readFileSync(`${SRC}store/${f}`, 'utf8'), f).not.toMatch(/from 'node:/);
    }
  });
});
