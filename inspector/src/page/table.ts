import type { Row } from '../shared/protocol.js';
import { esc, h, hex, num } from './dom.js';
import { VirtualScroll } from './virtual.js';

/**
 * The records table: one row per unit of the current file, virtualised (only the rows in view
 * exist), filled a page at a time from the worker. Arrow keys, Page Up/Down, Home/End move the
 * selection; the selection drives the hex view.
 */

const ROW_HEIGHT = 26;
const PAGE = 200;

export class RecordsTable {
  private readonly scroll: VirtualScroll;
  private readonly layer: HTMLElement;
  private readonly head: HTMLElement;
  private pages = new Map<number, Row[] | 'loading'>();
  private columns: string[] = [];
  private count = 0;
  private generation = 0;
  selected = -1;
  onSelect: (index: number) => void = () => {};
  fetchRows: (from: number, count: number) => Promise<Row[]> = async () => [];

  constructor(root: HTMLElement) {
    this.head = h('div', { class: 'vt-head', role: 'row' });
    const viewport = h('div', {
      class: 'vt-body',
      tabindex: 0,
      role: 'grid',
      'aria-label': 'records',
      id: 'records-grid',
    });
    this.layer = h('div', { class: 'vt-layer', role: 'rowgroup' });
    viewport.append(this.layer);
    root.append(this.head, viewport);
    this.scroll = new VirtualScroll(viewport, ROW_HEIGHT, (first, n, top) => this.render(first, n, top));
    viewport.addEventListener('keydown', (e) => this.key(e));
    viewport.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
      if (row) this.select(Number(row.dataset.index));
    });
  }

  reset(columns: string[], count: number): void {
    this.generation++;
    this.columns = columns;
    this.count = count;
    this.pages = new Map();
    this.selected = -1;
    this.head.replaceChildren(
      ...['#', 'at byte', 'size', ...columns].map((c, i) =>
        h('div', { class: `c c${Math.min(i, 3)}`, role: 'columnheader' }, c),
      ),
    );
    this.head.style.gridTemplateColumns = this.template();
    this.scroll.setLines(count);
    this.scroll.viewport.scrollTop = 0;
    this.scroll.viewport.dataset.rows = String(count);
  }

  private template(): string {
    return `5.5em 7.5em 5em ${this.columns.map((c) => (/time/.test(c) ? 'minmax(14em, 1.4fr)' : 'minmax(5em, 1fr)')).join(' ')}`;
  }

  focus(): void {
    this.scroll.viewport.focus();
  }

  private page(p: number): Row[] | undefined {
    const got = this.pages.get(p);
    if (got === 'loading') return undefined;
    if (got) return got;
    this.pages.set(p, 'loading');
    const gen = this.generation;
    void this.fetchRows(p * PAGE, PAGE).then(
      (rows) => {
        if (gen !== this.generation) return;
        this.pages.set(p, rows);
        if (this.pages.size > 64) this.pages.delete(this.pages.keys().next().value as number);
        this.scroll.schedule();
      },
      () => this.pages.delete(p),
    );
    return undefined;
  }

  private render(first: number, n: number, scrollTop: number): void {
    this.layer.style.transform = `translateY(${scrollTop}px)`;
    // One string of HTML per draw: a page of rows costs one parse, not thousands of calls.
    const template = esc(this.template());
    let html = '';
    for (let i = first; i < first + n && i < this.count; i++) {
      const r = this.page(Math.floor(i / PAGE))?.[i % PAGE];
      const cells = r
        ? [num(r.index), `0x${hex(r.offset, 6)}`, num(r.length), ...r.cells]
        : [num(i), '…', '', ...this.columns.map(() => '')];
      const cls = `vt-row${i === this.selected ? ' selected' : ''}${r && r.state !== 'valid' ? ` st-${r.state}` : ''}`;
      html += `<div class="${cls}" role="row" data-index="${i}" aria-selected="${i === this.selected}" style="grid-template-columns:${template}">`;
      for (let k = 0; k < cells.length; k++) {
        const c = esc(cells[k] as string);
        html += `<div class="c c${Math.min(k, 3)}" role="gridcell" title="${c}">${c}</div>`;
      }
      html += '</div>';
    }
    this.layer.innerHTML = html;
  }

  select(i: number, center = false, notify = true): void {
    if (this.count === 0) return;
    const j = Math.max(0, Math.min(this.count - 1, i));
    this.selected = j;
    this.scroll.reveal(j, center);
    this.scroll.schedule();
    if (notify) this.onSelect(j);
  }

  private key(e: KeyboardEvent): void {
    const step = this.scroll.visible - 1;
    const moves: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: step,
      PageUp: -step,
      j: 1,
      k: -1,
    };
    if (e.key in moves) this.select(Math.max(0, this.selected) + (moves[e.key] as number));
    else if (e.key === 'Home') this.select(0);
    else if (e.key === 'End') this.select(this.count - 1);
    else return;
    e.preventDefault();
  }

  /** Rows currently shown (for tests and the status line). */
  get firstShown(): number {
    return this.scroll.first;
  }
}
