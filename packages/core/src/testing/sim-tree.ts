import { IoError } from '../fs.js';
import type { SimFile } from './sim-file.js';

/** A directory of `SimFs`: its entries as the process sees them and as of its last `fsyncDir`. */
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

/** A symbolic link: immutable once made, so clones and crashes share it. */
export class SimLink {
  readonly kind = 'link';
  constructor(
    readonly target: string,
    readonly mtimeMs: number,
  ) {}
}

export type SimNode = SimDir | SimFile | SimLink;

/** Splits a path into segments; relative paths resolve against `/`, `..` lexically. */
export function segments(path: string): string[] {
  const out: string[] = [];
  for (const s of path.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') out.pop();
    else out.push(s);
  }
  return out;
}

/** Where a path leads: the directory holding its last component, that name, and what is there. */
export interface Resolved {
  dir: SimDir;
  /** Empty when the path is the root itself. */
  name: string;
  node: SimNode | undefined;
}

/** Links followed in one resolution before it fails with ELOOP (Linux's limit). */
const MAX_LINKS = 40;

function linkTarget(parent: readonly string[], target: string): string[] {
  return segments(target.startsWith('/') ? target : [...parent, target].join('/'));
}

/**
 * Resolves `path` as the kernel does: every component but the last must be a directory, a
 * symbolic link on the way is followed (its target taken relative to the link's directory,
 * with `..` applied lexically), and so is the last component when `followLast`. More than 40
 * links is ELOOP; a missing component ENOENT, a file on the way ENOTDIR.
 */
export function resolvePath(root: SimDir, path: string, followLast: boolean, op: string): Resolved {
  let segs = segments(path);
  for (let links = 0; ; ) {
    if (segs.length === 0) return { dir: root, name: '', node: root };
    let dir = root;
    let next: string[] | undefined;
    for (let i = 0; i < segs.length - 1 && next === undefined; i++) {
      const n = dir.entries.get(segs[i] as string);
      if (!n) throw new IoError(op, path, 'ENOENT');
      if (n.kind === 'link') next = [...linkTarget(segs.slice(0, i), n.target), ...segs.slice(i + 1)];
      else if (n.kind !== 'dir') throw new IoError(op, path, 'ENOTDIR');
      else dir = n;
    }
    if (next === undefined) {
      const name = segs[segs.length - 1] as string;
      const node = dir.entries.get(name);
      if (!(followLast && node?.kind === 'link')) return { dir, name, node };
      next = linkTarget(segs.slice(0, -1), node.target);
    }
    if (++links > MAX_LINKS) throw new IoError(op, path, 'ELOOP', `${op} ${path}: too many levels of symbolic links`);
    segs = next;
  }
}
