import { DAMAGE_LABELS, type FileInfo, type Problem } from '../shared/protocol.js';
import { h, num } from './dom.js';
import { ruleLink, rules } from './rules.js';

/**
 * Every problem found: its error code, the file and offset (a link into the hex view), what
 * it means, and the spec rule it breaks, linked to the spec text shipped with the page.
 */
export class ProblemList {
  onJump: (file: number, offset: number) => void = () => {};

  constructor(private readonly root: HTMLElement) {}

  async show(problems: Problem[], files: FileInfo[]): Promise<void> {
    if (problems.length === 0) {
      this.root.replaceChildren(h('p', { class: 'ok-note' }, '✓ No problems: every check the format allows passed.'));
      return;
    }
    const index = await rules();
    const rows = problems.map((p, i) => {
      const code = p.code ? index?.codes[p.code] : undefined;
      const ruleIds = code?.rules ?? [];
      const file = files[p.file];
      const at =
        p.offset === null
          ? h('span', { class: 'muted' }, '—')
          : h(
              'button',
              { class: 'link', onclick: () => this.onJump(p.file, p.offset as number), 'data-offset': p.offset },
              `byte ${num(p.offset)} (0x${p.offset.toString(16)})`,
            );
      const rulesEl = h(
        'div',
        { class: 'rules' },
        ...ruleIds.slice(0, 3).map((id) => {
          const r = index?.rules[id];
          return h(
            'div',
            { class: 'rule' },
            h(
              'a',
              {
                href: ruleLink(r?.chapter ?? code?.chapter ?? '', id),
                target: '_blank',
                rel: 'noopener',
                class: 'rule-id',
              },
              id,
            ),
            h('span', { class: 'rule-text' }, r ? r.text : ''),
          );
        }),
        code && ruleIds.length === 0
          ? h(
              'div',
              { class: 'rule' },
              h(
                'a',
                { href: ruleLink(code.chapter, `code-${p.code}`), target: '_blank', rel: 'noopener', class: 'rule-id' },
                `${code.chapter} error table`,
              ),
              h('span', { class: 'rule-text' }, code.meaning),
            )
          : null,
      );
      return h(
        'li',
        {
          class: `problem st-${p.state}`,
          'data-code': p.code ?? '',
          'data-offset': p.offset ?? '',
          'data-file': file?.path ?? '',
          tabindex: 0,
        },
        h(
          'div',
          { class: 'p-head' },
          h('span', { class: `chip st-${p.state}` }, DAMAGE_LABELS[p.state]),
          h('code', { class: 'p-code' }, p.code ?? 'note'),
          h('span', { class: 'p-where' }, file ? file.path : '', ' · ', at),
          h('span', { class: 'p-n muted' }, `#${i + 1}`),
        ),
        h('div', { class: 'p-msg' }, p.message),
        code ? h('div', { class: 'p-meaning muted' }, code.meaning) : null,
        rulesEl,
      );
    });
    this.root.replaceChildren(h('ol', { class: 'problems' }, ...rows));
  }
}
