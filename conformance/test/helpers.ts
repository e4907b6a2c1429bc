import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isErrorExpectation, loadCorpora } from '../src/cases/corpus.js';
import { readTree, sampleRoot } from '../src/cases/files.js';
import { loadVectorFiles } from '../src/cases/vectors.js';
import { CONFORMANCE_DIR } from '../src/paths.js';
import type { FormatName } from '../src/protocol/types.js';
import { AdapterSubject } from '../src/subjects/adapter.js';
import { dropLastRecord } from '../src/subjects/broken.js';

export const EXAMPLE_RING_ADAPTER = `node ${JSON.stringify(join(CONFORMANCE_DIR, 'examples/ring-adapter.mjs'))}`;
export const exampleRingAdapter = () => new AdapterSubject({ command: EXAMPLE_RING_ADAPTER });

/**
 * The golden and vector case ids a BrokenSubject (last written/encoded bit flipped, last read
 * record dropped) must fail, computed from the data rather than from running anything.
 */
export function idsBrokenMustFail(format: FormatName): Set<string> {
  const ids = new Set<string>();
  for (const c of loadCorpora(format)) {
    for (const e of c.entries) {
      const expected = e.expected();
      if (!isErrorExpectation(expected) && dropLastRecord(expected) !== expected) {
        ids.add(`${format}.read.${c.producer}.${e.name}`);
      }
      if (c.producer.startsWith('original-') && e.ops) {
        if (e.digests || readTree(c.dir, sampleRoot(e.path)).size > 0) ids.add(`${format}.write.${e.name}`);
      }
    }
  }
  for (const f of loadVectorFiles(format)) {
    for (const t of f.vectors?.tests ?? []) {
      const id = `${format}.vector.${f.group}.${t.tcId}`;
      const exp = t.expected as Record<string, unknown> | undefined;
      if (t.result !== 'valid' || exp === undefined) continue;
      if (f.vectors?.verb === 'encode' && typeof exp.hex === 'string' && exp.hex.length > 0) ids.add(id);
      if (f.vectors?.verb === 'read' && dropLastRecord(exp) !== exp) ids.add(id);
      if (f.vectors?.verb === 'write' && exp.files && Object.values(exp.files).some((h) => String(h).length > 0))
        ids.add(id);
    }
  }
  // The differential properties write and read the same random recipes as the reference.
  if (loadDifferentialFormats().includes(format)) {
    ids.add(`${format}.differential.write`);
    ids.add(`${format}.differential.read`);
  }
  return ids;
}

function loadDifferentialFormats(): string[] {
  return readdirSync(join(CONFORMANCE_DIR, 'src/differential'))
    .filter((n) => n.endsWith('.ts'))
    .map((n) => n.slice(0, -3));
}
