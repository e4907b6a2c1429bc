import type { RepairedFile, RepairPlanView } from '../shared/protocol.js';
import { h, num } from './dom.js';
import { tarOf } from './tar.js';

/**
 * Repair: the package's own recovery (the rules of `logspec repair`) runs on an in-memory
 * copy in the worker; the page first shows what it would cut or rewrite — listed here and
 * hatched on the damage map — and only then offers the repaired copy for download.
 */
export class RepairPanel {
  plan: RepairPlanView | null = null;
  requestPlan: (force: boolean) => Promise<RepairPlanView> = async () => {
    throw new Error('nothing open');
  };
  requestFiles: (force: boolean) => Promise<RepairedFile[]> = async () => [];
  sources: Blob[] = [];
  onPlan: (plan: RepairPlanView | null) => void = () => {};
  private readonly out: HTMLElement;
  private readonly force: HTMLInputElement;
  private readonly download: HTMLButtonElement;

  constructor(root: HTMLElement) {
    this.force = h('input', { type: 'checkbox', id: 'repair-force' });
    this.force.addEventListener('change', () => this.reset());
    this.download = h(
      'button',
      { class: 'btn primary', id: 'repair-download', disabled: true, onclick: () => void this.save() },
      'Download repaired copy',
    );
    this.out = h('div', { class: 'repair-out', id: 'repair-plan', 'aria-live': 'polite' });
    root.replaceChildren(
      h(
        'p',
        { class: 'muted' },
        'Runs the format package’s own recovery — the same rules as ',
        h('code', {}, 'logspec repair'),
        ' — on an in-memory copy. Nothing is downloaded before you have seen what it cuts.',
      ),
      h(
        'div',
        { class: 'repair-actions' },
        h(
          'label',
          { class: 'check' },
          this.force,
          ' force: also cut at damage that valid records follow (',
          h('code', {}, '--force'),
          ')',
        ),
        h(
          'button',
          { class: 'btn', id: 'repair-run', onclick: () => void this.run() },
          'Show what repair would change',
        ),
        this.download,
      ),
      this.out,
    );
  }

  reset(): void {
    this.plan = null;
    this.download.disabled = true;
    this.out.replaceChildren();
    this.onPlan(null);
  }

  async run(): Promise<void> {
    this.out.replaceChildren(h('p', { class: 'muted' }, 'planning…'));
    const plan = await this.requestPlan(this.force.checked);
    this.plan = plan;
    const changes = plan.changes.length
      ? h(
          'table',
          { class: 'changes' },
          h(
            'thead',
            {},
            h('tr', {}, h('th', {}, 'file'), h('th', {}, 'change'), h('th', {}, 'byte ranges'), h('th', {}, 'bytes')),
          ),
          h(
            'tbody',
            {},
            ...plan.changes.map((c) =>
              h(
                'tr',
                { 'data-kind': c.kind, 'data-file': c.file },
                h('td', {}, c.file),
                h('td', {}, c.kind === 'renamed' ? `renamed to ${c.to}` : c.kind),
                h('td', { class: 'mono' }, c.ranges.map(([a, b]) => `[${num(a)}, ${num(b)})`).join(' ') || '—'),
                h('td', { class: 'mono' }, num(c.bytes)),
              ),
            ),
          ),
        )
      : h('p', { class: 'ok-note' }, 'Repair would change nothing.');
    const lost = plan.changes.filter((c) => c.ranges.length > 0).reduce((n, c) => n + c.bytes, 0);
    const parts: (Node | null)[] = [
      plan.error
        ? h(
            'p',
            { class: 'refused' },
            `Refused: ${plan.error.code}${plan.error.offset === null ? '' : ` at byte ${plan.error.offset}`} — ${plan.error.message}`,
            plan.error.code.endsWith('CORRUPT_BEFORE_TAIL') || plan.error.code.endsWith('CORRUPT_TAIL')
              ? ' Tick “force” to cut at the damage anyway.'
              : '',
          )
        : null,
      plan.notes.length ? h('ul', { class: 'notes' }, ...plan.notes.map((n) => h('li', {}, n))) : null,
      changes,
      lost
        ? h('p', { class: 'warn-note' }, `${num(lost)} bytes would be cut or replaced (hatched on the damage map).`)
        : null,
      h(
        'p',
        { class: plan.remaining.length ? 'warn-note' : 'ok-note' },
        plan.remaining.length
          ? `${plan.remaining.length} problem(s) would remain: ${plan.remaining.map((p) => p.code ?? 'note').join(', ')}`
          : 'After repair: no problems.',
      ),
    ];
    this.out.replaceChildren(...parts.filter((p): p is Node => p !== null));
    this.download.disabled = plan.error !== null || plan.changes.length === 0;
    this.onPlan(plan);
  }

  private async save(): Promise<void> {
    if (!this.plan) return;
    const files = await this.requestFiles(this.plan.force);
    const blobs = files.map((f) => ({
      path: f.path,
      blob: new Blob(
        f.parts.map((p) =>
          'bytes' in p ? (p.bytes as Uint8Array<ArrayBuffer>) : (this.sources[p.source] as Blob).slice(p.start, p.end),
        ),
      ),
    }));
    const one = blobs.length === 1 ? blobs[0] : undefined;
    const blob = one ? one.blob : tarOf(blobs);
    const name = one ? (one.path.split('/').pop() ?? 'repaired') : 'repaired.tar';
    const a = h('a', { href: URL.createObjectURL(blob), download: name.includes('.') || one ? name : `${name}.bin` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
  }
}
