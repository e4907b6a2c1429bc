import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';

/**
 * The spec shipped with the page, so a problem's rule is one click away and works offline:
 * each chapter rendered to HTML with an anchor on every requirement ID and error code, and
 * `rules.json`: for every error code its chapter, its meaning (the chapter's error table) and
 * the rules whose text names it; for every rule its text.
 */

export const CHAPTERS = ['README', 'ring', 'wal', 'segment', 'session', 'hotlog', 'conformance'] as const;

const RULE_ID = /\*\*((?:RING|WAL|SEG|SESS|HOT|CONF)-[WRSA]-\d{3})(?: \((?:original|logspec)\))?\*\*/g;
const CODE = /^(?:CORE|RING|WAL|SEG|SESS|HOT)_[A-Z0-9_]+$/;

export interface RuleIndex {
  codes: Record<string, { chapter: string; meaning: string; rules: string[]; original?: string[] }>;
  rules: Record<string, { chapter: string; text: string }>;
}

/** Markdown inline syntax removed, whitespace folded: a rule's text for a tooltip-sized view. */
function plain(md: string): string {
  return md
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\*\*([^*]*)\*\*/g, '$1')
    .replace(/(^|[\s(])_([^_\n]+)_(?=[\s.,;:)]|$)/g, '$1$2')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Each rule's text: from its ID to the next rule, the end of its list item or paragraph. */
function rulesOf(chapter: string, md: string, into: RuleIndex['rules']): void {
  const hits = [...md.matchAll(RULE_ID)];
  hits.forEach((m, i) => {
    const from = (m.index as number) + m[0].length;
    const next = hits[i + 1]?.index ?? md.length;
    let to = next;
    const para = md.slice(from).search(/\n\s*\n|\n(?:- |\d+\. |#)/);
    if (para >= 0) to = Math.min(to, from + para);
    const id = m[1] as string;
    if (!into[id]) into[id] = { chapter, text: plain(md.slice(from, to)) };
  });
}

/** Rows `| `CODE` | meaning | …` of the chapter's error tables. */
function codesOf(chapter: string, md: string, into: RuleIndex['codes']): void {
  for (const line of md.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const code = cells[1]?.replace(/`/g, '');
    if (!code || !CODE.test(code) || into[code]) continue;
    // The origin column names the original's error kind (`wal_read`), which the rules cite.
    const original = [...(cells[4] ?? '').matchAll(/`([a-z][a-z0-9_]+)`/g)].map((m) => m[1] as string);
    into[code] = { chapter, meaning: plain(cells[2] ?? ''), rules: [], ...(original.length ? { original } : {}) };
  }
}

/** Rules naming each code, reader rules first, then store rules, then writer rules. */
function link(index: RuleIndex): void {
  const weight = (id: string) => ({ R: 0, S: 1, W: 2, A: 3 })[id.split('-')[1] as 'R'] ?? 4;
  const ids = Object.keys(index.rules).sort((a, b) => weight(a) - weight(b) || (a < b ? -1 : 1));
  for (const [code, entry] of Object.entries(index.codes)) {
    const named = (word: string) => ids.filter((id) => new RegExp(`\\b${word}\\b`).test(index.rules[id]?.text ?? ''));
    // Rules in the code's own chapter first: the README repeats codes in passing.
    const own = (list: string[]) => [
      ...list.filter((id) => index.rules[id]?.chapter === entry.chapter),
      ...list.filter((id) => index.rules[id]?.chapter !== entry.chapter),
    ];
    const byCode = own(named(code));
    entry.rules =
      byCode.length > 0
        ? byCode
        : own([...new Set((entry.original ?? []).flatMap(named))]).filter(
            (id) => index.rules[id]?.chapter === entry.chapter,
          );
  }
}

const PAGE = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><title>${title} · logspec spec</title><link rel="stylesheet" href="spec.css"></head>
<body><nav><a href="../index.html">← inspector</a> · ${CHAPTERS.map((c) => `<a href="${c}.html">${c === 'README' ? 'overview' : c}</a>`).join(' · ')}</nav>
<main>${body}</main></body></html>
`;

export const SPEC_CSS = `body{margin:0;font:15px/1.6 system-ui,sans-serif;color:#1b1f24;background:#fff}
@media (prefers-color-scheme:dark){body{color:#e6edf3;background:#0d1117}a{color:#6cb6ff}code,pre{background:#161b22!important}th,td{border-color:#30363d!important}}
nav{position:sticky;top:0;padding:10px 24px;background:inherit;border-bottom:1px solid #8884;font-size:13px}
main{max-width:980px;margin:0 auto;padding:8px 24px 80px}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;background:#f3f4f6;border-radius:4px}
code{padding:1px 4px}pre{padding:12px;overflow:auto}pre code{padding:0;background:none!important}
table{border-collapse:collapse;display:block;overflow:auto;font-size:13px}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left}
:target{background:#fff3b0;color:#1b1f24;border-radius:3px;scroll-margin-top:60px}tr:target td{background:#fff3b0;color:#1b1f24}
strong[id]{scroll-margin-top:60px}`;

export interface SpecPages {
  /** File name (under `spec/`) → content. */
  files: Map<string, string>;
  index: RuleIndex;
}

export function specPages(specDir: string): SpecPages {
  const md = new MarkdownIt({ html: true, linkify: false });
  const index: RuleIndex = { codes: {}, rules: {} };
  const files = new Map<string, string>();
  for (const chapter of CHAPTERS) {
    const text = readFileSync(join(specDir, `${chapter}.md`), 'utf8');
    if (chapter !== 'README') codesOf(chapter, text, index.codes);
    rulesOf(chapter, text, index.rules);
    const html = md
      .render(text)
      .replace(
        /<strong>((?:RING|WAL|SEG|SESS|HOT|CONF)-[WRSA]-\d{3})( \((?:original|logspec)\))?<\/strong>/g,
        '<strong id="$1">$1$2</strong>',
      )
      .replace(/<tr>\n<td><code>([A-Z][A-Z0-9_]+)<\/code><\/td>/g, '<tr id="code-$1">\n<td><code>$1</code></td>')
      .replace(/href="([\w-]+)\.md(#[^"]*)?"/g, 'href="$1.html$2"')
      .replace(/<h([23])>([^<]*)<\/h\1>/g, (_m, level: string, title: string) => {
        const slug = title
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, '');
        return `<h${level} id="${slug}">${title}</h${level}>`;
      });
    files.set(`${chapter}.html`, PAGE(chapter, html));
  }
  // The README's registry repeats the chapters' tables; core codes are only there.
  codesOf('README', readFileSync(join(specDir, 'README.md'), 'utf8'), index.codes);
  link(index);
  files.set('spec.css', SPEC_CSS);
  files.set('rules.json', JSON.stringify(index));
  return { files, index };
}
