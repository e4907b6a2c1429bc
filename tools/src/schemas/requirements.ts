/**
 * The requirement IDs a spec chapter defines, each with its mark: `original` (what the original
 * implementation does) or `logspec` (logspec's stricter or safer rule, spec/README.md § 1.2).
 * The conformance profiles are derived from these marks (via spec/schemas/registry.json), so a
 * case is only in the `original` profile when every rule it checks is one the original follows.
 */
export type Origin = 'original' | 'logspec';

export interface Requirement {
  id: string;
  chapter: string;
  /** The rule's mark; `undefined` when the chapter gives none (a spec defect the tests report). */
  origin: Origin | undefined;
}

const DEFINITION = /\*\*((?:RING|WAL|SEG|SESS|HOT)-[WRS]-[0-9]{3,})(?:\s*\(([^)]*)\))?\*\*(\s*\(([^)]*)\))?/g;
const MARK = /\((original|logspec)\b[^)]*\)/;

/**
 * The mark of a rule: the first `(original…)` or `(logspec…)` in its own text, which runs from its
 * bold ID to the next rule's ID, the next top-level bullet or the next blank line. A rule that mixes both
 * ("(original policy, logspec accounting)") takes the first word.
 */
export function parseRequirements(text: string, chapter: string): Requirement[] {
  const out: Requirement[] = [];
  const defs = [...text.matchAll(DEFINITION)];
  defs.forEach((m, i) => {
    const start = (m.index ?? 0) + m[0].length;
    const nextDef = defs[i + 1]?.index ?? text.length;
    let end = Math.min(nextDef, text.length);
    const blank = text.slice(start, end).search(/\n\s*\n|\n[-*] |\n[0-9]+\. |\n#/);
    if (blank >= 0) end = start + blank;
    const inline = m[2] ?? m[4];
    const mark = (inline !== undefined ? `(${inline})` : '').match(MARK) ?? text.slice(start, end).match(MARK);
    out.push({ id: m[1] as string, chapter, origin: mark ? (mark[1] as Origin) : undefined });
  });
  return out;
}
