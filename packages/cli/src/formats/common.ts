import { basename, type LogspecError } from '@logspec/core';
import { bareMessage } from '../errors.js';
import type { Problem } from './types.js';

export function problemOf(e: LogspecError, file: string | null): Problem {
  return { code: e.code, file, offset: e.offset ?? null, message: bareMessage(e) };
}

/** `health: …` for `inspect`: ok, or how many problems and the first few. */
export function healthLine(problems: readonly Problem[]): string {
  if (problems.length === 0) return 'ok';
  const first = problems
    .slice(0, 3)
    .map((p) => `${p.code}${p.offset === null ? '' : ` at byte ${p.offset}`}${p.file ? ` in ${p.file}` : ''}`)
    .join(', ');
  const more = problems.length > 3 ? `, … ${problems.length - 3} more` : '';
  return `damaged: ${problems.length} problem${problems.length === 1 ? '' : 's'} (${first}${more}) — run 'logspec verify'`;
}

export function healthJson(problems: readonly Problem[]): { ok: boolean; problems: Problem[] } {
  return { ok: problems.length === 0, problems: [...problems] };
}

/** The last path component, for labels. */
export function label(path: string): string {
  return basename(path) || path;
}
