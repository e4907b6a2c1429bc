import type { FieldSpan } from '@logspec/core';
import type { ByteWindow, FileInfo, FromWorker, Problem, RepairPlanView, Row, UnitFields } from '../shared/protocol.js';
import { WorkerClient } from './client.js';
import { DamageStrip } from './damage.js';
import { $, bytesLabel, h, hex, num } from './dom.js';
import { filesOfDrop, filesOfInput, type Picked, preloaded } from './drop.js';
import { FieldTree } from './fields.js';
import { HexView } from './hex.js';
import { installKeys } from './keys.js';
import { ProblemList } from './problems.js';
import { RepairPanel } from './repair.js';
import { renderSummary } from './summary.js';
import { RecordsTable } from './table.js';
import { initTheme } from './theme.js';

/**
 * The inspector page: wires the drop zone, the worker, the records table, the hex view, the
 * field tree, the damage map, the problems, the summary and the repair panel together.
 */

class App {
  private readonly client = new WorkerClient('worker.js');
  private readonly table = new RecordsTable($('records'));
  private readonly hexView = new HexView($('hex'));
  private readonly tree = new FieldTree($('fields'));
  private readonly strip = new DamageStrip($('map'));
  private readonly problemList = new ProblemList($('problems'));
  private readonly repair = new RepairPanel($('repair'));
  private files: FileInfo[] = [];
  private units: number[] = [];
  private columns: string[] = [];
  private problems: Problem[] = [];
  private picked: Picked[] = [];
  private current = 0;
  private unitToken = 0;
  private format = '';
  private problemCursor = -1;

  constructor() {
    this.client.onMessage = (m) => this.message(m);
    this.table.fetchRows = (from, count) =>
      this.client.request<Row[]>({ type: 'rows', file: this.current, from, count });
    this.table.onSelect = (i) => void this.loadUnit(i);
    this.hexView.fetchBytes = (from, to) =>
      this.client.request<ByteWindow>({ type: 'bytes', file: this.current, from, to });
    this.hexView.onPick = (from, to) => void this.locate(from, to);
    this.tree.onField = (f) => this.selectField(f);
    this.tree.onTarget = (offset) => void this.jump(this.current, offset);
    this.strip.onJump = (file, offset) => void this.jump(file, offset);
    this.problemList.onJump = (file, offset) => void this.jump(file, offset);
    this.repair.requestPlan = (force) => this.client.request<RepairPlanView>({ type: 'plan', force });
    this.repair.requestFiles = (force) => this.client.request({ type: 'repaired', force });
    this.repair.onPlan = (plan) => {
      const cuts = new Map<string, [number, number][]>();
      for (const c of plan?.changes ?? []) {
        const f = this.files.find(
          (x) => x.path === c.file || x.path.endsWith(`/${c.file}`) || c.file.endsWith(`/${x.path}`),
        );
        if (f) cuts.set(f.path, c.ranges);
      }
      this.strip.setCuts(cuts);
    };
    this.wireInputs();
    installKeys({
      open: () => ($('pick-files') as HTMLInputElement).click(),
      openFolder: () => ($('pick-folder') as HTMLInputElement).click(),
      focusTable: () => this.table.focus(),
      focusHex: () => this.hexView.focus(),
      nextProblem: (d) => this.stepProblem(d),
      tab: (name) => this.tab(name),
    });
    document.body.dataset.state = 'empty';
  }

  private wireInputs(): void {
    const zone = document.body;
    zone.addEventListener('dragover', (e) => {
      e.preventDefault();
      document.body.classList.add('dragging');
    });
    zone.addEventListener('dragleave', (e) => {
      if (e.relatedTarget === null) document.body.classList.remove('dragging');
    });
    zone.addEventListener('drop', (e) => {
      e.preventDefault();
      document.body.classList.remove('dragging');
      if (e.dataTransfer) void filesOfDrop(e.dataTransfer).then((f) => this.open(f));
    });
    for (const id of ['pick-files', 'pick-folder']) {
      const input = $(id) as HTMLInputElement;
      input.addEventListener('change', () => {
        const f = filesOfInput(input);
        input.value = '';
        if (f.length) this.open(f);
      });
    }
    for (const b of document.querySelectorAll<HTMLElement>('[data-pick]')) {
      b.addEventListener('click', () => ($(b.dataset.pick as string) as HTMLInputElement).click());
    }
    for (const b of document.querySelectorAll<HTMLElement>('[data-tab]')) {
      b.addEventListener('click', () => this.tab(b.dataset.tab as string));
    }
    $('view-select').addEventListener('change', (e) => {
      const v = (e.target as HTMLSelectElement).value as 'hotlog' | 'hotframe';
      if (this.picked.length) this.open(this.picked, v);
    });
  }

  async preload(): Promise<void> {
    if (!new URLSearchParams(location.search).has('preload')) return;
    this.setState('loading');
    $('progress-label').textContent = 'fetching the files logspec inspect --web serves…';
    try {
      const files = await preloaded((done, total) => this.progress(done, total, 'fetching'));
      if (files?.length) this.open(files);
    } catch (e) {
      this.fail(e instanceof Error ? e.message : String(e), null);
    }
  }

  open(files: Picked[], view?: 'hotlog' | 'hotframe'): void {
    this.picked = files;
    this.repair.sources = files.map((f) => f.blob);
    this.repair.reset();
    this.setState('loading');
    $('error').hidden = true;
    $('progress-label').textContent =
      `reading ${files.length} file${files.length === 1 ? '' : 's'} (${bytesLabel(files.reduce((n, f) => n + f.blob.size, 0))})`;
    this.progress(0, 1, 'starting');
    this.client.open(
      files.map((f) => ({ path: f.path, blob: f.blob })),
      view,
    );
  }

  private setState(s: 'empty' | 'loading' | 'scanned' | 'failed'): void {
    document.body.dataset.state = s;
    $('workspace').hidden = s === 'empty' || s === 'failed';
    $('welcome').hidden = !(s === 'empty' || s === 'failed');
  }

  private progress(done: number, total: number, phase: string): void {
    const bar = $('progress-bar');
    if (phase !== 'done') bar.classList.remove('done');
    const pct = total > 0 ? Math.min(100, (done / total) * 100) : 0;
    bar.style.width = `${pct}%`;
    $('progress').setAttribute('aria-valuenow', String(Math.round(pct)));
    $('progress-text').textContent = `${phase} · ${bytesLabel(done)} of ${bytesLabel(total)}`;
  }

  private fail(message: string, code: string | null): void {
    this.setState('failed');
    const el = $('error');
    el.hidden = false;
    el.textContent = `${code ? `${code}: ` : ''}${message}`;
  }

  private message(m: FromWorker): void {
    switch (m.type) {
      case 'detected':
        this.detected(m);
        return;
      case 'progress':
        this.progress(m.done, m.total, m.phase);
        return;
      case 'scanned':
        this.scanned(m);
        return;
      case 'failed':
        this.fail(m.message, m.code);
        return;
      case 'reply':
        return;
    }
  }

  private detected(m: Extract<FromWorker, { type: 'detected' }>): void {
    this.files = m.files;
    this.columns = m.columns;
    this.format = m.format;
    $('format').textContent = m.format;
    $('format').dataset.format = m.format;
    $('reason').textContent = `detected: ${m.reason}`;
    const sel = $('view-select') as HTMLSelectElement;
    sel.hidden = m.views.length < 2;
    sel.replaceChildren(
      ...m.views.map((v) =>
        h(
          'option',
          { value: v, selected: v === m.format },
          v === 'hotlog' ? 'events (hotlog)' : v === 'hotframe' ? 'frames (hotframe)' : v,
        ),
      ),
    );
  }

  private scanned(m: Extract<FromWorker, { type: 'scanned' }>): void {
    performance.mark('logspec-scanned');
    this.units = m.files.map((f) => f.units);
    this.problems = m.problems;
    this.problemCursor = -1;
    // The page is drawn in steps of their own (tabs and map; table and bytes; lists), so that
    // no single task of the main thread draws everything at once.
    setTimeout(() => this.showScan(m), 0);
  }

  private showScan(m: Extract<FromWorker, { type: 'scanned' }>): void {
    const n = m.problems.length;
    this.setState('scanned');
    $('progress-text').textContent = `scanned in ${(m.elapsedMs / 1000).toFixed(2)} s`;
    $('progress-bar').style.width = '100%';
    $('progress-bar').classList.add('done');
    const tabs = this.files.map((f) =>
      h(
        'button',
        {
          type: 'button',
          class: 'file-tab',
          role: 'tab',
          'data-file': f.id,
          title: `${f.path} (${bytesLabel(f.size)})`,
          onclick: () => this.selectFile(f.id),
        },
        h('span', { class: `dot${m.files[f.id]?.damage.some((d) => d.state !== 'valid') ? ' bad' : ''}` }),
        f.path.split('/').pop() ?? f.path,
        h('small', {}, ` ${num(this.units[f.id] ?? 0)}`),
      ),
    );
    $('file-tabs').replaceChildren(...tabs);
    this.strip.set(
      this.files.map((info) => ({ info, damage: m.files[info.id]?.damage ?? [] })),
      m.problems,
    );
    $('problems-count').textContent = String(n);
    $('problems-count').classList.toggle('bad', n > 0);
    $('records-total').textContent =
      `${num(this.units.reduce((a, b) => a + b, 0))} units in ${this.files.length} file${this.files.length === 1 ? '' : 's'}`;
    $('problems').replaceChildren();
    setTimeout(() => this.selectFile(0), 0);
    setTimeout(() => {
      renderSummary($('summary'), m.summary);
      this.tab(n > 0 ? 'problems' : 'summary');
      void this.problemList.show(m.problems, this.files).then(() => {
        document.body.dataset.scanned = String(Date.now());
      });
    }, 0);
  }

  private selectFile(id: number, then?: () => void): void {
    this.current = id;
    for (const t of document.querySelectorAll<HTMLElement>('.file-tab')) {
      const on = Number(t.dataset.file) === id;
      t.classList.toggle('active', on);
      t.setAttribute('aria-selected', on ? 'true' : 'false');
    }
    this.strip.setCurrent(id);
    const f = this.files[id];
    if (!f) return;
    this.table.reset(f.columns ?? this.columns, this.units[id] ?? 0);
    this.hexView.reset(f.size);
    this.tree.clear('Select a record to see its fields.');
    $('hex-selection').textContent = '';
    $('status').textContent = 'Click a byte to see which field it belongs to.';
    $('file-name').textContent = f.path;
    if (then) then();
    else if ((this.units[id] ?? 0) > 0) {
      // Past a header, the first record is the more telling first view.
      const first = (this.units[id] ?? 0) > 1 && /^(ring|hotlog|hotframe)$/.test(this.format) ? 1 : 0;
      this.table.select(first);
    }
  }

  private async loadUnit(i: number, fieldPath?: string[], picked?: [number, number]): Promise<void> {
    const token = ++this.unitToken;
    const file = this.current;
    const u = await this.client.request<UnitFields>({ type: 'unit', file, unit: i });
    if (token !== this.unitToken || file !== this.current) return;
    this.tree.show(u);
    this.hexView.unit = { offset: u.offset, length: u.length };
    this.hexView.field = null;
    if (!picked) this.hexView.picked = null;
    let status = `${u.title} · ${u.state} · bytes [${num(u.offset)}, ${num(u.offset + u.length)})`;
    if (fieldPath?.length) {
      const path = fieldPath.join('.');
      this.tree.mark(path);
      const span = findPath(u.fields, fieldPath);
      if (span) this.hexView.field = span;
      status = `${picked ? `bytes [${num(picked[0])}, ${num(picked[1])}) are in ` : ''}${u.title} › ${fieldPath.join(' › ')}${span?.value ? ` = ${span.value}` : ''}`;
    }
    $('status').textContent = status;
    if (!picked) this.hexView.show(u.offset);
    this.hexView.refresh();
  }

  private selectField(f: FieldSpan): void {
    this.hexView.field = f;
    this.hexView.picked = null;
    this.hexView.show(f.offset);
    this.hexView.refresh();
    $('status').textContent =
      `${this.tree.path} · ${f.type ?? f.role} · ${num(f.length)} bytes at 0x${hex(f.offset, 6)}${f.value ? ` = ${f.value}` : ''}`;
    const sel = $('hex-selection');
    sel.textContent = '';
    sel.dataset.offset = String(f.offset);
    sel.dataset.length = String(f.length);
    const file = this.current;
    const shown = Math.min(f.length, 256);
    void this.client.request<ByteWindow>({ type: 'bytes', file, from: f.offset, to: f.offset + shown }).then((w) => {
      if (file !== this.current || sel.dataset.offset !== String(f.offset)) return;
      sel.textContent = [...w.data.subarray(0, shown)].map((b) => hex(b, 2)).join('') + (f.length > shown ? '…' : '');
    });
  }

  private async locate(from: number, to: number): Promise<void> {
    const file = this.current;
    const r = await this.client.request<{ unit: number; path: string[] }>({ type: 'locate', file, offset: from });
    if (file !== this.current) return;
    if (r.unit < 0) {
      $('status').textContent = `bytes [${num(from)}, ${num(to)}) belong to no record (unreferenced)`;
      this.tree.clear('These bytes belong to no record.');
      this.hexView.unit = null;
      this.hexView.field = null;
      this.hexView.refresh();
      return;
    }
    this.table.select(r.unit, true, false);
    await this.loadUnit(r.unit, r.path, [from, to]);
  }

  private async jump(file: number, offset: number): Promise<void> {
    const go = () => {
      if (offset < 0) return;
      this.hexView.show(offset);
      this.hexView.cursor = offset;
      void this.locate(offset, offset + 1);
    };
    if (file !== this.current) this.selectFile(file, go);
    else go();
  }

  private stepProblem(d: number): void {
    if (this.problems.length === 0) return;
    this.problemCursor = (this.problemCursor + d + this.problems.length) % this.problems.length;
    const p = this.problems[this.problemCursor] as Problem;
    const items = document.querySelectorAll<HTMLElement>('.problem');
    items[this.problemCursor]?.focus();
    if (p.offset !== null) void this.jump(p.file, p.offset);
  }

  private tab(name: string): void {
    for (const b of document.querySelectorAll<HTMLElement>('[data-tab]')) {
      const on = b.dataset.tab === name;
      b.classList.toggle('active', on);
      b.setAttribute('aria-selected', on ? 'true' : 'false');
    }
    for (const p of document.querySelectorAll<HTMLElement>('.tab-panel')) p.hidden = p.id !== name;
  }
}

function findPath(spans: readonly FieldSpan[], path: string[]): FieldSpan | undefined {
  let level: readonly FieldSpan[] | undefined = spans;
  let found: FieldSpan | undefined;
  for (const name of path) {
    found = level?.find((f) => f.name === name);
    level = found?.children;
  }
  return found;
}

initTheme();
const app = new App();
void app.preload();
if ('serviceWorker' in navigator && location.protocol.startsWith('http')) {
  void navigator.serviceWorker.register('sw.js').catch(() => {});
}
