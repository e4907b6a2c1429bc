import * as nfs from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hexDecode } from '@logspec/core';
import type { ReferenceCorpusEntry } from '@logspec/core/testing';
import type { RecipeOp } from '../src/store.js';

export const GOLDEN = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../conformance/golden/segment/original-rivven-core-0.0.10',
);

export type CorpusEntry = ReferenceCorpusEntry<RecipeOp>;

export function corpus(): CorpusEntry[] {
  return (JSON.parse(nfs.readFileSync(join(GOLDEN, 'corpus.json'), 'utf8')) as { entries: CorpusEntry[] }).entries;
}

export function tempDir(prefix = 'seg-'): string {
  return nfs.mkdtempSync(join(tmpdir(), prefix));
}

/** The recipes' byte mutations (the conformance suite has its own copy; tests stay self-contained). */
export function mutate(root: string, op: RecipeOp): void {
  const file = join(root, String(op.file ?? op.dir));
  switch (op.op) {
    case 'xor_byte': {
      const b = nfs.readFileSync(file);
      const at = Number(op.offset);
      b[at] = (b[at] as number) ^ Number(op.mask);
      nfs.writeFileSync(file, b);
      return;
    }
    case 'truncate':
      nfs.truncateSync(file, Number(op.len));
      return;
    case 'append_bytes':
      nfs.appendFileSync(file, hexDecode(String(op.bytes)));
      return;
    case 'write_at': {
      const fd = nfs.openSync(file, 'r+');
      nfs.writeSync(fd, hexDecode(String(op.bytes)), 0, undefined, Number(op.offset));
      nfs.closeSync(fd);
      return;
    }
    case 'write_file':
      nfs.mkdirSync(dirname(file), { recursive: true });
      nfs.writeFileSync(file, hexDecode(String(op.bytes)));
      return;
    case 'remove_file':
      nfs.rmSync(file, { force: true });
      return;
    case 'mkdir':
      nfs.mkdirSync(file, { recursive: true });
      return;
    default:
      throw new Error(`unknown op ${op.op}`);
  }
}

/** Every file under `dir`, relative, sorted. */
export function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of nfs.readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (nfs.statSync(p).isDirectory()) out.push(...listFiles(p, `${prefix}${name}/`));
    else out.push(`${prefix}${name}`);
  }
  return out;
}
