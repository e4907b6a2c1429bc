import type { SimFile } from './sim-file.js';

/** `SimFs`'s directories: the entries a process sees and those the last `fsyncDir` made durable. */

export class SimDir {
  readonly kind = 'dir';
  /** Entries as the process sees them. */
  entries: Map<string, SimNode>;
  /** Entries as of the last `fsyncDir` of this directory. */
  durable: Map<string, SimNode>;
  mode: number;
  mtimeMs: number;
  constructor(
    mode: number,
    mtimeMs: number,
    entries = new Map<string, SimNode>(),
    durable = new Map<string, SimNode>(),
  ) {
    this.entries = entries;
    this.durable = durable;
    this.mode = mode;
    this.mtimeMs = mtimeMs;
  }
}
export type SimNode = SimDir | SimFile;

/** Splits a path into segments; relative paths resolve against `/`. */
export function segments(path: string): string[] {
  const out: string[] = [];
  for (const s of path.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') out.pop();
    else out.push(s);
  }
  return out;
}
