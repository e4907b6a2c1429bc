import * as nfs from 'node:fs';
import { dirname, join } from 'node:path';
import { hexDecode } from '@logspec/core';
import type { Op } from '../protocol/types.js';

export const MUTATION_OPS = [
  'xor_byte',
  'write_at',
  'truncate',
  'append_bytes',
  'write_file',
  'remove_file',
  'mkdir',
] as const;

export function isMutation(op: Op): boolean {
  return (MUTATION_OPS as readonly string[]).includes(op.op);
}

/**
 * Applies one of the recipes' byte mutations inside `dir` (paths are relative to it), as the
 * reference generator did after the API calls. Shared by every format's built-in handler.
 */
export function applyMutation(dir: string, op: Op): void {
  const file = (f: unknown) => join(dir, String(f));
  switch (op.op) {
    case 'xor_byte': {
      const p = file(op.file);
      const b = nfs.readFileSync(p);
      const at = Number(op.offset);
      b[at] = (b[at] as number) ^ Number(op.mask);
      nfs.writeFileSync(p, b);
      return;
    }
    case 'write_at': {
      const fd = nfs.openSync(file(op.file), 'r+');
      try {
        nfs.writeSync(fd, hexDecode(String(op.bytes)), 0, undefined, Number(op.offset));
      } finally {
        nfs.closeSync(fd);
      }
      return;
    }
    case 'truncate':
      nfs.truncateSync(file(op.file), Number(op.len));
      return;
    case 'append_bytes':
      nfs.appendFileSync(file(op.file), hexDecode(String(op.bytes)));
      return;
    case 'write_file':
      nfs.mkdirSync(dirname(file(op.file)), { recursive: true });
      nfs.writeFileSync(file(op.file), hexDecode(String(op.bytes)));
      return;
    case 'remove_file':
      nfs.rmSync(file(op.file), { force: true });
      return;
    case 'mkdir':
      nfs.mkdirSync(file(op.dir), { recursive: true });
      return;
    default:
      throw new Error(`not a byte mutation: ${op.op}`);
  }
}
