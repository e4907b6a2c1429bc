import {
  DAMAGE_LABELS,
  DAMAGE_STATES,
  type DamageRange,
  type DamageState,
  type FileInfo,
  type Problem,
} from '../shared/protocol.js';
import { bytesLabel, h, hex } from './dom.js';

/**
 * The damage map: one strip per file over its whole length, coloured by state (valid, torn
 * tail, CRC-bad, undecodable, zero run, unreferenced). Problems are marked above the strip;
 * bytes a repair would cut are hatched. A click jumps to that byte.
 */

const COLORS_VAR: Record<DamageState, string> = {
  valid: '--st-valid',
  torn: '--st-torn',
  crc: '--st-crc',
  undecodable: '--st-undecodable',
  zero: '--st-zero',
  unreferenced: '--st-unreferenced',
};

export interface MapFile {
  info: FileInfo;
  damage: DamageRange[];
}

export class DamageStrip {
  onJump: (file: number, offset: number) => void = () => {};
  private files: MapFile[] = [];
  private problems: Problem[] = [];
  private cuts = new Map<string, [number, number][]>();
  private current = 0;

  /** Canvas sizes from the resize observer: drawing reads no layout. */
  private readonly sizes = new Map<number, { w: number; h: number }>();
  private colors: Record<string, string> | null = null;
  private readonly resize = new ResizeObserver((entries) => {
    for (const e of entries) {
      const id = Number((e.target as HTMLElement).dataset.file);
      this.sizes.set(id, { w: e.contentRect.width, h: e.contentRect.height });
    }
    this.draw();
  });

  constructor(private readonly root: HTMLElement) {
    window.addEventListener('themechange', () => {
      this.colors = null;
      this.draw();
    });
  }

  /** The theme's colours, read once per theme. */
  private palette(): Record<string, string> {
    if (!this.colors) {
      const css = getComputedStyle(document.documentElement);
      const names = [...Object.values(COLORS_VAR), '--cut'];
      this.colors = Object.fromEntries(names.map((n) => [n, css.getPropertyValue(n).trim() || '#888']));
    }
    return this.colors;
  }

  set(files: MapFile[], problems: Problem[]): void {
    this.files = files;
    this.problems = problems;
    this.cuts = new Map();
    this.render();
  }

  /** Byte ranges a repair would cut or rewrite, by file path: drawn hatched. */
  setCuts(cuts: Map<string, [number, number][]>): void {
    this.cuts = cuts;
    this.draw();
  }

  setCurrent(file: number): void {
    this.current = file;
    for (const row of this.root.querySelectorAll<HTMLElement>('.map-row')) {
      row.classList.toggle('current', Number(row.dataset.file) === file);
    }
  }

  private render(): void {
    const legend = h(
      'div',
      { class: 'legend', 'aria-label': 'damage map legend' },
      ...DAMAGE_STATES.map((s) => h('span', { class: 'lg' }, h('i', { class: `sw st-${s}` }), DAMAGE_LABELS[s])),
      h('span', { class: 'lg' }, h('i', { class: 'sw cut' }), 'cut by repair'),
    );
    const rows = this.files.map((f) => {
      const canvas = h('canvas', {
        class: 'strip',
        'data-file': f.info.id,
        role: 'img',
        'aria-label': `damage map of ${f.info.path}`,
      });
      canvas.addEventListener('click', (e) => {
        const r = canvas.getBoundingClientRect();
        const at = Math.floor(((e.clientX - r.left) / r.width) * f.info.size);
        this.onJump(f.info.id, Math.max(0, Math.min(f.info.size - 1, at)));
      });
      canvas.addEventListener('mousemove', (e) => {
        const r = canvas.getBoundingClientRect();
        const at = Math.floor(((e.clientX - r.left) / r.width) * f.info.size);
        const d = f.damage.find((x) => at >= x.from && at < x.to);
        canvas.title = `0x${hex(at, 6)} · ${d ? DAMAGE_LABELS[d.state] : ''}`;
      });
      const bad = f.damage.filter((d) => d.state !== 'valid');
      const summary = bad.length === 0 ? 'all valid' : `${bad.length} damaged range${bad.length === 1 ? '' : 's'}`;
      return h(
        'div',
        { class: `map-row${f.info.id === this.current ? ' current' : ''}`, 'data-file': f.info.id },
        h('button', { class: 'map-name', title: f.info.path, onclick: () => this.onJump(f.info.id, -1) }, f.info.path),
        h('div', { class: 'map-track' }, canvas, h('div', { class: 'marks' })),
        h('span', { class: `map-note${bad.length ? ' bad' : ''}` }, `${bytesLabel(f.info.size)} · ${summary}`),
        h(
          'ol',
          { class: 'sr-only', 'aria-label': `ranges of ${f.info.path}` },
          ...f.damage.map((d) =>
            h('li', { 'data-state': d.state, 'data-from': d.from, 'data-to': d.to }, `${d.state} [${d.from}, ${d.to})`),
          ),
        ),
      );
    });
    this.resize.disconnect();
    this.sizes.clear();
    this.root.replaceChildren(legend, ...rows);
    for (const c of this.root.querySelectorAll('canvas')) this.resize.observe(c);
  }

  private draw(): void {
    const colors = this.palette();
    for (const f of this.files) {
      const canvas = this.root.querySelector<HTMLCanvasElement>(`canvas[data-file="${f.info.id}"]`);
      const size = this.sizes.get(f.info.id);
      if (!canvas || !size) continue;
      const dpr = window.devicePixelRatio || 1;
      const w = Math.max(1, Math.floor(size.w * dpr));
      const hgt = Math.max(1, Math.floor(size.h * dpr));
      canvas.width = w;
      canvas.height = hgt;
      const g = canvas.getContext('2d');
      if (!g) continue;
      g.clearRect(0, 0, w, hgt);
      const bytes = Math.max(1, f.info.size);
      const x = (p: number) => (p / bytes) * w;
      // Valid first, then damage drawn at least 2 px wide so a 3-byte tail in a gigabyte shows.
      for (const pass of [true, false]) {
        for (const d of f.damage) {
          if ((d.state === 'valid') !== pass) continue;
          g.fillStyle = colors[COLORS_VAR[d.state]] as string;
          const x0 = x(d.from);
          const width = Math.max(pass ? 0.5 : 2 * dpr, x(d.to) - x0);
          g.fillRect(Math.min(x0, w - width), 0, width, hgt);
        }
      }
      const cuts = this.cuts.get(f.info.path) ?? [];
      if (cuts.length) {
        g.strokeStyle = colors['--cut'] as string;
        g.lineWidth = 1.5 * dpr;
        for (const [a, b] of cuts) {
          const x0 = x(a);
          const x1 = Math.max(x0 + 3 * dpr, x(b));
          g.save();
          g.beginPath();
          g.rect(x0, 0, x1 - x0, hgt);
          g.clip();
          for (let k = x0 - hgt; k < x1; k += 5 * dpr) {
            g.moveTo(k, hgt);
            g.lineTo(k + hgt, 0);
          }
          g.stroke();
          g.restore();
          g.strokeRect(x0, 0.5, x1 - x0, hgt - 1);
        }
      }
      const marks = canvas.parentElement?.querySelector('.marks');
      if (marks) {
        marks.replaceChildren(
          ...this.problems
            .filter((p) => p.file === f.info.id && p.offset !== null)
            .slice(0, 200)
            .map((p) => {
              const m = h('button', {
                class: `mark st-${p.state}`,
                title: `${p.code ?? 'note'} at byte ${p.offset}`,
                'aria-label': `${p.code ?? 'note'} at byte ${p.offset}`,
                onclick: () => this.onJump(f.info.id, p.offset as number),
              });
              m.style.left = `${((p.offset as number) / bytes) * 100}%`;
              return m;
            }),
        );
      }
    }
  }
}
