import { basename, type LogspecError } from '@logspec/core';
import { bareMessage } from '../errors.js';
import type { Problem } from './types.js';

export function problemOf(e: LogspecError, file: string | null): Problem {
  return { code: e.code, file, offset: e.offset ?? null, message: bareMessage(e) };
}

/** Problems kept and listed per command; more are counted (a hostile file cannot flood the output). */
export const MAX_LISTED_PROBLEMS = 200;

/**
 * The problems of one check or scan. A problem that continues the previous one — same code,
 * same file, starting where it ended — extends it (`end`, `count`) instead of adding a line:
 * a run of damage is one problem with a range. Past `MAX_LISTED_PROBLEMS` problems are only
 * counted (`unlisted`), so memory and output stay bounded whatever the file holds.
 */
export class ProblemList {
  readonly items: Problem[] = [];
  unlisted = 0;

  add(p: Problem): void {
    const last = this.items.at(-1);
    if (
      this.unlisted === 0 &&
      last !== undefined &&
      last.code === p.code &&
      last.file === p.file &&
      last.end !== undefined &&
      last.end !== null &&
      p.offset === last.end
    ) {
      last.end = p.end ?? last.end;
      last.count = (last.count ?? 1) + (p.count ?? 1);
      return;
    }
    if (this.items.length >= MAX_LISTED_PROBLEMS) {
      this.unlisted++;
      return;
    }
    this.items.push({ ...p });
  }

  addAll(ps: readonly Problem[]): void {
    for (const p of ps) this.add(p);
  }

  get total(): number {
    return this.items.length + this.unlisted;
  }
}

/** `CODE at byte N` or `CODE at bytes [a, b)` (a range), `in FILE`, then the message (a run says how many). */
export function problemLine(p: Problem): string {
  let at = '';
  if (p.offset !== null) {
    const range = p.end !== undefined && p.end !== null && p.end > p.offset + 1;
    at = range ? ` at bytes [${p.offset}, ${p.end})` : ` at byte ${p.offset}`;
  }
  const file = p.file ? ` in ${p.file}` : '';
  const what = p.count !== undefined && p.count > 1 ? `${p.count} in a row, the first: ${p.message}` : p.message;
  return `${p.code}${at}${file}: ${what}`;
}

/** `health: …` for `inspect`: ok, or how many problems and the first few. */
export function healthLine(problems: readonly Problem[], unlisted = 0): string {
  const total = problems.length + unlisted;
  if (total === 0) return 'ok';
  const first = problems
    .slice(0, 3)
    .map((p) => `${p.code}${p.offset === null ? '' : ` at byte ${p.offset}`}${p.file ? ` in ${p.file}` : ''}`)
    .join(', ');
  const more = total > 3 ? `, … ${total - 3} more` : '';
  return `damaged: ${total} problem${total === 1 ? '' : 's'} (${first}${more}) — run 'logspec verify'`;
}

export function healthJson(
  problems: readonly Problem[],
  unlisted = 0,
): { ok: boolean; problems: Problem[]; problems_not_listed: number } {
  return { ok: problems.length + unlisted === 0, problems: [...problems], problems_not_listed: unlisted };
}

/** The last path component, for labels. */
export function label(path: string): string {
  return basename(path) || path;
}
