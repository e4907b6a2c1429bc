/**
 * Scrolling over more lines than a browser can lay out: the scroller holds a spacer at most
 * `MAX_SPACE` pixels tall and maps its scroll position linearly onto the lines, so a million
 * records (or a gigabyte of hex lines) scroll with the native scrollbar, and only the lines in
 * view exist as elements.
 */

/** Chromium and Firefox cap element heights near 33 million pixels; stay well below. */
const MAX_SPACE = 8_000_000;

export class VirtualScroll {
  lines = 0;
  private spacer: HTMLElement;

  constructor(
    readonly viewport: HTMLElement,
    readonly lineHeight: number,
    private readonly render: (first: number, count: number) => void,
  ) {
    this.spacer = document.createElement('div');
    this.spacer.className = 'v-spacer';
    viewport.prepend(this.spacer);
    viewport.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(viewport);
  }

  private frame = 0;
  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  setLines(n: number): void {
    this.lines = n;
    this.spacer.style.height = `${Math.min(n * this.lineHeight, MAX_SPACE)}px`;
    this.schedule();
  }

  /** Lines that fit the viewport. */
  get visible(): number {
    return Math.max(1, Math.floor(this.viewport.clientHeight / this.lineHeight));
  }

  /** The first line shown for the current scroll position. */
  get first(): number {
    const max = Math.max(0, this.lines - this.visible);
    const room = this.viewport.scrollHeight - this.viewport.clientHeight;
    if (room <= 0 || max === 0) return 0;
    return Math.min(max, Math.round((this.viewport.scrollTop / room) * max));
  }

  /** Scrolls so that `line` is shown (as the first line when it is not in view already). */
  reveal(line: number, center = false): void {
    const first = this.first;
    if (!center && line >= first && line < first + this.visible) return;
    const max = Math.max(0, this.lines - this.visible);
    const target = Math.max(0, Math.min(max, center ? line - Math.floor(this.visible / 2) : line));
    const room = this.viewport.scrollHeight - this.viewport.clientHeight;
    this.viewport.scrollTop = max === 0 ? 0 : (target / max) * room;
    this.schedule();
  }

  draw(): void {
    this.render(this.first, Math.min(this.visible + 1, Math.max(0, this.lines - this.first)));
  }
}
