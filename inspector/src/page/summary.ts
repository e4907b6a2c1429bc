import type { Chart, Summary } from '../shared/protocol.js';
import { h, num, s } from './dom.js';

/**
 * The summary of the input: facts, and a small chart where one helps — records over time,
 * tokens or cost per session, a session's branch tree with its active path, a ring's slots
 * with its cursor and wrap point. Charts are plain SVG, coloured by the theme's variables.
 */
export function renderSummary(root: HTMLElement, sum: Summary): void {
  const facts = h('dl', { class: 'facts' }, ...sum.facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  const notes = sum.notes.length ? h('ul', { class: 'notes' }, ...sum.notes.map((n) => h('li', {}, n))) : null;
  const charts = sum.charts.map((c) =>
    h('figure', { class: `chart chart-${c.kind}` }, h('figcaption', {}, c.title), chart(c)),
  );
  root.replaceChildren(h('div', { class: 'summary-grid' }, h('div', { class: 'facts-box' }, facts, notes), ...charts));
}

function chart(c: Chart): Element {
  switch (c.kind) {
    case 'timeline':
      return timeline(c);
    case 'bars':
      return bars(c);
    case 'ring':
      return ring(c);
    case 'tree':
      return tree(c);
  }
}

function timeline(c: Extract<Chart, { kind: 'timeline' }>): Element {
  const W = 480;
  const H = 120;
  const max = Math.max(1, ...c.bins);
  const bw = W / c.bins.length;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H + 18}`, class: 'svg', role: 'img', 'aria-label': c.title });
  c.bins.forEach((v, i) => {
    const bh = (v / max) * H;
    const rect = s('rect', { x: i * bw + 0.5, y: H - bh, width: Math.max(1, bw - 1), height: bh, class: 'bar' });
    rect.append(s('title', {}, `${num(v)}`));
    svg.append(rect);
  });
  svg.append(s('line', { x1: 0, y1: H, x2: W, y2: H, class: 'axis' }));
  const fmt = (ms: number) => {
    const d = new Date(ms);
    return Number.isNaN(d.getTime())
      ? String(ms)
      : d
          .toISOString()
          .replace('T', ' ')
          .replace(/\.\d+Z$/, '');
  };
  svg.append(s('text', { x: 0, y: H + 14, class: 'tick' }, fmt(c.fromMs)));
  svg.append(s('text', { x: W, y: H + 14, class: 'tick', 'text-anchor': 'end' }, fmt(c.toMs)));
  svg.append(s('text', { x: 4, y: 12, class: 'tick' }, `max ${num(max)} / bin`));
  return svg;
}

function bars(c: Extract<Chart, { kind: 'bars' }>): Element {
  const max = Math.max(1, ...c.items.map((i) => i.value));
  if (c.items.length === 0) return h('p', { class: 'muted' }, 'nothing to show');
  return h(
    'div',
    { class: 'hbars', role: 'list' },
    ...c.items.slice(0, 16).map((i) => {
      const bar = h('span', { class: 'hbar' });
      bar.style.width = `${(i.value / max) * 100}%`;
      return h(
        'div',
        { class: 'hrow', role: 'listitem' },
        h('span', { class: 'hlabel', title: i.label }, i.label),
        h('span', { class: 'htrack' }, bar),
        h('span', { class: 'hval' }, `${num(i.value)} ${c.unit}`, i.note ? h('small', {}, ` · ${i.note}`) : null),
      );
    }),
  );
}

function ring(c: Extract<Chart, { kind: 'ring' }>): Element {
  const R = 80;
  const r0 = 52;
  const cx = 110;
  const cy = 100;
  const n = c.cells.length;
  const svg = s('svg', { viewBox: '0 0 440 200', class: 'svg', role: 'img', 'aria-label': c.title });
  const pt = (a: number, r: number) => [cx + r * Math.sin(a), cy - r * Math.cos(a)] as const;
  const arc = (i: number) => {
    const a0 = (i / n) * 2 * Math.PI;
    const a1 = ((i + 1) / n) * 2 * Math.PI - (n > 1 ? Math.min(0.02, 0.3 / n) : 0);
    const [x0, y0] = pt(a0, R);
    const [x1, y1] = pt(a1, R);
    const [x2, y2] = pt(a1, r0);
    const [x3, y3] = pt(a0, r0);
    const large = a1 - a0 > Math.PI ? 1 : 0;
    return `M${x0},${y0} A${R},${R} 0 ${large} 1 ${x1},${y1} L${x2},${y2} A${r0},${r0} 0 ${large} 0 ${x3},${y3} Z`;
  };
  c.cells.forEach((k, i) => {
    const p = s('path', { d: arc(i), class: k === 1 ? 'slot-rec' : k === 2 ? 'slot-foreign' : 'slot-empty' });
    p.append(
      s(
        'title',
        {},
        `slot${c.slotsPerCell > 1 ? 's' : ''} ${i * c.slotsPerCell}${c.slotsPerCell > 1 ? `…${(i + 1) * c.slotsPerCell - 1}` : ''}: ${['empty', 'record', 'foreign'][k]}`,
      ),
    );
    svg.append(p);
  });
  const marker = (slot: number, cls: string, label: string) => {
    const a = ((slot + 0.5) / (c.capacity || 1)) * 2 * Math.PI;
    const [x0, y0] = pt(a, r0 - 6);
    const [x1, y1] = pt(a, R + 10);
    svg.append(s('line', { x1: x0, y1: y0, x2: x1, y2: y1, class: cls }));
    const [tx, ty] = pt(a, R + 20);
    svg.append(s('text', { x: tx, y: ty, class: `${cls}-label`, 'text-anchor': 'middle' }, label));
  };
  if (c.oldest !== null && c.oldest !== c.nextSlot) marker(c.oldest, 'wrap', 'oldest');
  marker(c.nextSlot, 'cursor', 'cursor');
  svg.append(s('text', { x: cx, y: cy - 4, class: 'ring-big', 'text-anchor': 'middle' }, num(c.capacity)));
  svg.append(s('text', { x: cx, y: cy + 12, class: 'tick', 'text-anchor': 'middle' }, 'slots'));
  const lines = [
    `cursor ${c.cursor} → next slot ${c.nextSlot}`,
    c.oldest === null
      ? 'no records'
      : c.oldest === c.nextSlot
        ? `wrapped: oldest record at slot ${c.oldest}`
        : `oldest record at slot ${c.oldest}`,
    c.slotsPerCell > 1 ? `${c.slotsPerCell} slots per segment` : '1 slot per segment',
  ];
  lines.forEach((t, i) => {
    svg.append(s('text', { x: 230, y: 60 + i * 18, class: 'tick' }, t));
  });
  const legend: [string, string][] = [
    ['slot-rec', 'record'],
    ['slot-empty', 'empty'],
    ['slot-foreign', 'foreign'],
  ];
  legend.forEach(([cls, t], i) => {
    svg.append(s('rect', { x: 230, y: 126 + i * 16, width: 10, height: 10, class: cls }));
    svg.append(s('text', { x: 246, y: 135 + i * 16, class: 'tick' }, t));
  });
  return svg;
}

function tree(c: Extract<Chart, { kind: 'tree' }>): Element {
  // Depth-first from the roots, children in log order: an indented tree, the active path marked.
  const children = new Map<string | null, typeof c.nodes>();
  const ids = new Set(c.nodes.map((n) => n.id));
  for (const n of c.nodes) {
    const p = n.parent !== null && ids.has(n.parent) ? n.parent : null;
    children.set(p, [...(children.get(p) ?? []), n]);
  }
  const items: Element[] = [];
  const seen = new Set<string>();
  const visit = (n: (typeof c.nodes)[number], depth: number, last: boolean[]) => {
    if (seen.has(n.id)) return;
    seen.add(n.id);
    const guide = last.map((l, i) => (i === last.length - 1 ? (l ? '└─ ' : '├─ ') : l ? '   ' : '│  ')).join('');
    const kids = children.get(n.id) ?? [];
    items.push(
      h(
        'li',
        { class: `tnode${n.active ? ' active' : ''}${kids.length > 1 ? ' fork' : ''}`, 'data-id': n.id },
        h('span', { class: 'guide' }, guide),
        h('span', { class: 'dot' }),
        h('span', { class: 'tid' }, n.id),
        h('span', { class: 'ttype' }, n.label),
        h('span', { class: 'tseq muted' }, `#${n.seq}`),
        kids.length > 1 ? h('span', { class: 'fork-note' }, `${kids.length} branches`) : null,
      ),
    );
    kids.forEach((k, i) => {
      visit(k, depth + 1, [...last, i === kids.length - 1]);
    });
  };
  const roots = children.get(null) ?? [];
  roots.forEach((r, i) => {
    visit(r, 0, roots.length > 1 ? [i === roots.length - 1] : []);
  });
  const active = c.nodes.filter((n) => n.active).length;
  return h(
    'div',
    { class: 'tree-chart' },
    h(
      'p',
      { class: 'muted' },
      `${num(c.nodes.length)} entries · active path ${active} long (highlighted)${c.truncated ? ` · ${num(c.truncated)} more not drawn` : ''}`,
    ),
    h('ul', { class: 'branch-tree' }, ...items),
  );
}
