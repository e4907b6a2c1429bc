import type { FieldSpan } from '@logspec/core';
import type { UnitFields } from '../shared/protocol.js';
import { h, hex, num } from './dom.js';

/**
 * The selected unit's fields as a tree, named as the spec's layout tables name them. Clicking
 * a field (or Enter on it) selects it: its bytes light up in the hex view.
 */
export class FieldTree {
  onField: (f: FieldSpan) => void = () => {};
  /** A pointer's target was asked for (its file position). */
  onTarget: (offset: number) => void = () => {};
  private selectedPath = '';

  constructor(private readonly root: HTMLElement) {
    root.addEventListener('keydown', (e) => {
      const items = [...root.querySelectorAll<HTMLElement>('.fld')];
      const i = items.indexOf(document.activeElement as HTMLElement);
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        const next = items[Math.max(0, Math.min(items.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)))];
        next?.focus();
        e.preventDefault();
      } else if (e.key === 'Enter' || e.key === ' ') {
        (document.activeElement as HTMLElement)?.click();
        e.preventDefault();
      }
    });
  }

  clear(message: string): void {
    this.root.replaceChildren(h('p', { class: 'muted' }, message));
  }

  show(u: UnitFields): void {
    this.selectedPath = '';
    const head = h(
      'div',
      { class: 'unit-head' },
      h('strong', {}, u.title),
      h('span', { class: `chip st-${u.state}` }, u.state),
      h('span', { class: 'muted' }, ` at 0x${hex(u.offset, 6)} · ${num(u.length)} bytes`),
    );
    const list = h('ul', { class: 'tree', role: 'tree' });
    const add = (spans: readonly FieldSpan[], into: HTMLElement, prefix: string) => {
      for (const f of spans) {
        const path = prefix ? `${prefix}.${f.name}` : f.name;
        const item = h(
          'li',
          { role: 'treeitem' },
          h(
            'div',
            {
              class: `fld r-${f.role}`,
              tabindex: 0,
              'data-path': path,
              'data-offset': f.offset,
              'data-length': f.length,
              onclick: () => this.pick(f, path),
            },
            h('span', { class: 'swatch' }),
            h('span', { class: 'fname' }, f.name),
            h('span', { class: 'ftype', title: f.type ?? f.role }, f.type ?? f.role),
            h('span', { class: 'fval', title: f.value ?? '' }, f.value ?? ''),
            f.target === undefined
              ? h('span', { class: 'frange' }, `${num(f.length)} B @ 0x${hex(f.offset, 6)}`)
              : h(
                  'button',
                  {
                    type: 'button',
                    class: 'link target',
                    title: 'show what it points at',
                    onclick: (e: Event) => {
                      e.stopPropagation();
                      this.onTarget(f.target as number);
                    },
                  },
                  `→ 0x${hex(f.target, 6)}`,
                ),
          ),
        );
        if (f.children?.length) {
          const sub = h('ul', { role: 'group' });
          add(f.children, sub, path);
          item.append(sub);
        }
        into.append(item);
      }
    };
    add(u.fields, list, '');
    this.root.replaceChildren(head, list);
  }

  private pick(f: FieldSpan, path: string): void {
    this.mark(path);
    this.onField(f);
  }

  /** Marks the field at `path` (dotted names) as selected. */
  mark(path: string): void {
    this.selectedPath = path;
    for (const el of this.root.querySelectorAll<HTMLElement>('.fld')) {
      el.classList.toggle('selected', el.dataset.path === path);
      el.setAttribute('aria-selected', el.dataset.path === path ? 'true' : 'false');
    }
    this.root.querySelector<HTMLElement>('.fld.selected')?.scrollIntoView({ block: 'nearest' });
  }

  get path(): string {
    return this.selectedPath;
  }
}
