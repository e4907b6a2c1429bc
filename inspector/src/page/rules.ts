/**
 * The spec's rules and error codes, extracted at build time (`spec/rules.json`): for each code
 * its chapter, its meaning (the chapter's error table) and the rules whose text names it.
 */
export interface RuleIndex {
  codes: Record<string, { chapter: string; meaning: string; rules: string[] }>;
  rules: Record<string, { chapter: string; text: string }>;
}

let index: Promise<RuleIndex | null> | undefined;

export function rules(): Promise<RuleIndex | null> {
  index ??= fetch('spec/rules.json')
    .then((r) => (r.ok ? (r.json() as Promise<RuleIndex>) : null))
    .catch(() => null);
  return index;
}

export function ruleLink(chapter: string, id: string): string {
  return `spec/${chapter}.html#${encodeURIComponent(id)}`;
}
