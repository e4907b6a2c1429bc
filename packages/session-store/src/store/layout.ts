import { joinPath } from '@logspec/core';
import { pad16, type U64 } from '../u64.js';

/**
 * Where everything lives under a store root. `label` is the root as the caller names it
 * (the original prints `root.display()` into messages and into the ledger's `targetPath`),
 * while `root` is the path I/O goes through.
 */
export class Layout {
  readonly segments: string;
  readonly indexDir: string;
  readonly checkpoints: string;
  readonly migrations: string;
  readonly tmp: string;
  /** logspec: bytes recovery cut from a file are copied here first (the original ignores it). */
  readonly quarantine: string;
  readonly index: string;
  readonly manifest: string;
  readonly ledger: string;
  /** logspec's single-writer lock file (the original has no lock and ignores this file). */
  readonly lock: string;

  readonly root: string;
  readonly label: string;

  constructor(root: string, label: string = root) {
    this.root = root.length > 1 ? root.replace(/\/+$/, '') : root;
    this.label = label;
    root = this.root;
    this.segments = joinPath(root, 'segments');
    this.indexDir = joinPath(root, 'index');
    this.checkpoints = joinPath(root, 'checkpoints');
    this.migrations = joinPath(root, 'migrations');
    this.tmp = joinPath(root, 'tmp');
    this.quarantine = joinPath(root, 'quarantine');
    this.index = joinPath(this.indexDir, 'offsets.jsonl');
    this.manifest = joinPath(root, 'manifest.json');
    this.ledger = joinPath(this.migrations, 'ledger.jsonl');
    this.lock = joinPath(root, 'LOCK');
  }

  segment(seq: U64): string {
    return joinPath(this.segments, `${pad16(seq)}.seg`);
  }

  checkpoint(seq: U64): string {
    return joinPath(this.checkpoints, `${pad16(seq)}.json`);
  }

  /** How the original would print `path` (`root.join(...).display()`). */
  display(path: string): string {
    if (path === this.root) return this.label;
    const prefix = this.root === '/' ? '/' : `${this.root}/`;
    if (!path.startsWith(prefix)) return path;
    const label = this.label.length > 1 ? this.label.replace(/\/+$/, '') : this.label;
    return `${label === '/' ? '' : label}/${path.slice(prefix.length)}`;
  }
}
