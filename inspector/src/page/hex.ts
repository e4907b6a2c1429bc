import type { FieldSpan } from '@logspec/core';
import type { ByteWindow } from '../shared/protocol.js';
import { esc, h, hex } from './dom.js';
import { VirtualScroll } from './virtual.js';

/**
 * The hex view of the current file: 16 bytes a line, every line of the file reachable by the
 * scrollbar, bytes fetched a window at a time. Each byte is coloured by the role of the field
 * it belongs to (from the package's describe API); the selected unit is outlined and the
 * selected field highlighted. A click on a byte (or a drag over several) asks which field
 * they belong to.
 */

const LINE = 16;
const LINE_HEIGHT = 20;
/** Bytes fetched around the lines in view. */
const WINDOW = 64 * LINE;

export class HexView {
  private readonly scroll: VirtualScroll;
  private readonly layer: HTMLElement;
  private size = 0;
  private window: ByteWindow | null = null;
  private loading: number | null = null;
  private generation = 0;
  /** The selected unit's range and the selected field's. */
  unit: { offset: number; length: number } | null = null;
  field: FieldSpan | null = null;
  /** A range of bytes selected by hand. */
  picked: { from: number; to: number } | null = null;
  private dragFrom: number | null = null;
  cursor = -1;
  fetchBytes: (from: number, to: number) => Promise<ByteWindow> = async () => ({
    from: 0,
    data: new Uint8Array(0),
    units: [],
    damage: [],
  });
  onPick: (from: number, to: number) => void = () => {};

  constructor(root: HTMLElement) {
    const viewport = h('div', { class: 'hex-body', tabindex: 0, 'aria-label': 'hex view', id: 'hex-view' });
    this.layer = h('div', { class: 'hex-layer' });
    viewport.append(this.layer);
    root.append(viewport);
    this.scroll = new VirtualScroll(viewport, LINE_HEIGHT, (first, n, top) => this.render(first, n, top));
    viewport.addEventListener('mousedown', (e) => {
      const at = this.byteAt(e);
      if (at === null) return;
      this.dragFrom = at;
      this.picked = { from: at, to: at + 1 };
      this.cursor = at;
      this.scroll.schedule();
      e.preventDefault();
    });
    viewport.addEventListener('mousemove', (e) => {
      if (this.dragFrom === null) return;
      const at = this.byteAt(e);
      if (at === null) return;
      this.picked = { from: Math.min(this.dragFrom, at), to: Math.max(this.dragFrom, at) + 1 };
      this.scroll.schedule();
    });
    window.addEventListener('mouseup', () => {
      if (this.dragFrom === null || !this.picked) return;
      this.dragFrom = null;
      this.onPick(this.picked.from, this.picked.to);
    });
    viewport.addEventListener('keydown', (e) => this.key(e));
  }

  private byteAt(e: MouseEvent): number | null {
    const el = (e.target as HTMLElement).closest<HTMLElement>('[data-at]');
    return el ? Number(el.dataset.at) : null;
  }

  reset(size: number): void {
    this.generation++;
    this.size = size;
    this.window = null;
    this.loading = null;
    this.unit = null;
    this.field = null;
    this.picked = null;
    this.cursor = -1;
    this.scroll.setLines(Math.ceil(size / LINE));
    this.scroll.viewport.scrollTop = 0;
  }

  focus(): void {
    this.scroll.viewport.focus();
  }

  /** Shows `offset` (its line near the top third when it was out of view). */
  show(offset: number, center = true): void {
    this.scroll.reveal(Math.floor(offset / LINE), center);
  }

  /** Refetches the bytes in view (after the selection or the file changed). */
  refresh(): void {
    this.window = null;
    this.loading = null;
    this.scroll.schedule();
  }

  private ensure(from: number, to: number): void {
    const w = this.window;
    if (this.size === 0 || (w && from >= w.from && to <= w.from + w.data.length)) return;
    if (to > this.size) to = this.size;
    const start = Math.max(0, Math.floor((from - WINDOW / 4) / LINE) * LINE);
    if (this.loading === start) return;
    this.loading = start;
    const gen = this.generation;
    this.fetchBytes(start, Math.min(this.size, start + WINDOW)).then(
      (got) => {
        if (gen !== this.generation) return;
        this.loading = null;
        this.window = got;
        this.scroll.schedule();
      },
      () => {
        if (gen === this.generation) this.loading = null;
      },
    );
  }

  private render(first: number, n: number, scrollTop: number): void {
    this.layer.style.transform = `translateY(${scrollTop}px)`;
    const from = first * LINE;
    const to = Math.min(this.size, (first + n) * LINE);
    this.ensure(from, to);
    const w = this.window;
    // Classes of each byte in view: its field's role and, where it is damaged, its state.
    const count = Math.max(0, to - from);
    const role: (string | undefined)[] = new Array(count);
    const state: (string | undefined)[] = new Array(count);
    const paint = (into: (string | undefined)[], a: number, b: number, v: string) => {
      for (let p = Math.max(from, a); p < Math.min(to, b); p++) into[p - from] = v;
    };
    if (w) {
      for (const d of w.damage) if (d.state !== 'valid') paint(state, d.from, d.to, d.state);
      for (const u of w.units) {
        if (u.state !== 'valid') paint(state, u.offset, u.offset + u.length, u.state);
        for (const leaf of u.leaves) paint(role, leaf.offset, leaf.offset + leaf.length, leaf.role);
      }
    }
    const inside = (p: number, r: { offset: number; length: number } | null) =>
      r !== null && p >= r.offset && p < r.offset + r.length;
    let html = '';
    for (let line = first; line < first + n; line++) {
      const at = line * LINE;
      if (at >= this.size) break;
      let bytes = '';
      let chars = '';
      for (let k = 0; k < LINE; k++) {
        const p = at + k;
        if (p >= this.size) break;
        const v = w && p >= w.from && p < w.from + w.data.length ? (w.data[p - w.from] as number) : -1;
        let cls = 'b';
        const r = role[p - from];
        if (r) cls += ` r-${r}`;
        const st = state[p - from];
        if (st) cls += ` st-${st}`;
        if (inside(p, this.unit)) cls += ' in-unit';
        if (this.field && inside(p, this.field)) cls += ' in-field';
        if (this.picked && p >= this.picked.from && p < this.picked.to) cls += ' picked';
        if (p === this.cursor) cls += ' cursor';
        if (k === 8) cls += ' mid';
        bytes += `<span class="${cls}" data-at="${p}">${v < 0 ? '··' : hex(v, 2)}</span>`;
        const c = v >= 0x20 && v < 0x7f ? esc(String.fromCharCode(v)) : v < 0 ? ' ' : '.';
        chars += `<span class="${cls}" data-at="${p}">${c}</span>`;
      }
      html += `<div class="hex-line"><span class="off">${hex(at, 8)}</span><span class="bytes">${bytes}</span><span class="ascii">${chars}</span></div>`;
    }
    this.layer.innerHTML = html;
  }

  private key(e: KeyboardEvent): void {
    const moves: Record<string, number> = {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: LINE,
      ArrowUp: -LINE,
      PageDown: LINE * (this.scroll.visible - 1),
      PageUp: -LINE * (this.scroll.visible - 1),
    };
    let next: number | null = null;
    if (e.key in moves)
      next = Math.max(0, Math.min(this.size - 1, Math.max(0, this.cursor) + (moves[e.key] as number)));
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = this.size - 1;
    else if (e.key === 'Enter' && this.cursor >= 0) {
      this.onPick(this.cursor, this.cursor + 1);
      e.preventDefault();
      return;
    }
    if (next === null) return;
    e.preventDefault();
    this.cursor = next;
    this.picked = null;
    this.scroll.reveal(Math.floor(next / LINE));
    this.scroll.schedule();
  }

  /** The bytes shown for `[from, to)` as hex, or null when they are not loaded (tests, copy). */
  bytesOf(from: number, to: number): string | null {
    const w = this.window;
    if (!w || from < w.from || to > w.from + w.data.length) return null;
    return [...w.data.subarray(from - w.from, to - w.from)].map((b) => hex(b, 2)).join('');
  }
}
