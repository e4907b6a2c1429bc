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
  /** Sizes kept from the resize observer and `setLines`, so drawing reads no layout. */
  private viewHeight = 0;
  private space = 0;

  constructor(
    readonly viewport: HTMLElement,
    readonly lineHeight: number,
    private readonly render: (first: number, count: number, scrollTop: number) => void,
  ) {
    this.spacer = document.createElement('div');
    this.spacer.className = 'v-spacer';
    viewport.prepend(this.spacer);
    viewport.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver((entries) => {
      this.viewHeight = entries[0]?.contentRect.height ?? viewport.clientHeight;
      this.schedule();
    }).observe(viewport);
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
    this.space = Math.min(n * this.lineHeight, MAX_SPACE);
    this.spacer.style.height = `${this.space}px`;
    this.schedule();
  }

  /** Lines that fit the viewport. */
  get visible(): number {
    return Math.max(1, Math.floor((this.viewHeight || this.viewport.clientHeight) / this.lineHeight));
  }

  /** The first line shown for the current scroll position. */
  get first(): number {
    return this.firstAt(this.viewport.scrollTop);
  }

  private get room(): number {
    return Math.max(0, this.space - (this.viewHeight || this.viewport.clientHeight));
  }

  private firstAt(scrollTop: number): number {
    const max = Math.max(0, this.lines - this.visible);
    const room = this.room;
    if (room <= 0 || max === 0) return 0;
    return Math.min(max, Math.round((scrollTop / room) * max));
  }

  /** Scrolls so that `line` is shown (as the first line when it is not in view already). */
  reveal(line: number, center = false): void {
    const first = this.first;
    if (!center && line >= first && line < first + this.visible) return;
    const max = Math.max(0, this.lines - this.visible);
    const target = Math.max(0, Math.min(max, center ? line - Math.floor(this.visible / 2) : line));
    this.viewport.scrollTop = max === 0 ? 0 : (target / max) * this.room;
    this.schedule();
  }

  draw(): void {
    const top = this.viewport.scrollTop;
    const first = this.firstAt(top);
    this.render(first, Math.min(this.visible + 1, Math.max(0, this.lines - first)), top);
  }
}
