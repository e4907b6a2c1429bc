import { type FileStat, type Fs, isErrno, joinPath } from './fs.js';

/**
 * Walks and removal of directory trees through `Fs`. Both use `lstat` and never follow a
 * symbolic link: a link is an entry of the tree, not a way into another one. So a walk ends
 * (a link cycle cannot make it loop) and a removal never reaches outside the tree — Rust's
 * `fs::remove_dir_all` and `walkdir` behave the same.
 */

/** One entry met by `walkTree`. */
export interface TreeEntry {
  /** Relative to the walk's root, `/`-separated; `''` for the root itself. */
  rel: string;
  /** The full path (`joinPath(root, rel)`). */
  path: string;
  /** The entry itself (`lstat`, the root `stat`): a link has `isSymbolicLink` set and is not entered. */
  stat: FileStat;
}

/**
 * Visits `root` and everything under it, depth first, names in sorted order, without
 * following symbolic links below the root (the root itself is followed: the caller named it).
 * `visit` returning `false` for a directory skips what is inside it. A missing root visits
 * nothing; an entry that vanishes during the walk is passed over.
 */
export function walkTree(fs: Fs, root: string, visit: (e: TreeEntry) => boolean | undefined): void {
  const step = (rel: string): void => {
    const path = rel === '' ? root : joinPath(root, rel);
    const stat = rel === '' ? fs.stat(path) : fs.lstat(path);
    if (!stat) return;
    if (visit({ rel, path, stat }) === false || !stat.isDirectory) return;
    let names: string[];
    try {
      names = fs.readdir(path);
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return;
      throw e;
    }
    for (const name of [...names].sort()) step(rel === '' ? name : `${rel}/${name}`);
  };
  step('');
}

/**
 * Removes `path` and everything under it (`fs::remove_dir_all`). A symbolic link, at `path`
 * or anywhere below, is unlinked, never followed. A missing `path` is not an error.
 */
export function removeTree(fs: Fs, path: string): void {
  const st = fs.lstat(path);
  if (!st) return;
  if (!st.isDirectory) {
    fs.unlink(path);
    return;
  }
  for (const name of fs.readdir(path)) removeTree(fs, joinPath(path, name));
  fs.rmdir(path);
}
