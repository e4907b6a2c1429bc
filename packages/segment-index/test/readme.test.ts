import * as nfs from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { quickstart } from '../examples/quickstart.js';
import { tempDir } from './helpers.js';

const HERE = dirname(fileURLToPath(import.meta.url));

describe('README example', () => {
  it('is the runnable examples/quickstart.ts, and it runs', () => {
    const readme = nfs.readFileSync(join(HERE, '../README.md'), 'utf8');
    const example = nfs.readFileSync(join(HERE, '../examples/quickstart.ts'), 'utf8');
    expect(readme).toContain(example.trim());
    const dir = tempDir();
    try {
      const out = quickstart(join(dir, 'orders', 'partition-0'));
      expect(out).toContain('first offset 0, next 100');
      expect(out).toContain('polled 100 messages');
      expect(out).toContain('offset at 2025-06-01T10:00:01.5Z: 51');
      expect(out).toContain('original reader: 100 messages');
      expect(out).toContain('frame of 44 bytes, timestamp 2024-05-06T07:08:09.500Z');
    } finally {
      nfs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
