/** Directory trees as the checks compare them: every file, by relative path, byte for byte. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Relative paths of every regular file under `root` (symlinks are not followed), sorted. */
export function listFiles(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(root, p));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

/** Total size of the files under `root`. */
export function treeBytes(root: string): number {
  return listFiles(root).reduce((sum, f) => sum + statSync(join(root, f)).size, 0);
}

/**
 * The differences between `ours` and `reference`, empty when every reference file exists in
 * `ours` with the same bytes and `ours` has no other file (except names matching `oursOnly`).
 */
export function compareTrees(ours: string, reference: string, oursOnly?: RegExp): string[] {
  const a = listFiles(ours).filter((f) => !oursOnly?.test(f));
  const b = listFiles(reference);
  const problems: string[] = [];
  for (const f of b) if (!a.includes(f)) problems.push(`missing ${f}`);
  for (const f of a) if (!b.includes(f)) problems.push(`unexpected ${f}`);
  for (const f of a.filter((x) => b.includes(x))) {
    const x = readFileSync(join(ours, f));
    const y = readFileSync(join(reference, f));
    if (x.equals(y)) continue;
    let i = 0;
    while (i < x.length && i < y.length && x[i] === y[i]) i++;
    problems.push(`${f}: ${x.length} vs ${y.length} bytes, first difference at byte ${i}`);
  }
  return problems;
}
