import { toggleTheme } from './theme.js';

/**
 * Keyboard: every action has a key, and the help dialog (`?`) lists them. Keys are ignored
 * while typing in a form field.
 */
export interface KeyActions {
  open(): void;
  openFolder(): void;
  focusTable(): void;
  focusHex(): void;
  nextProblem(direction: number): void;
  tab(name: string): void;
}

export function installKeys(a: KeyActions): void {
  const help = document.getElementById('help') as HTMLDialogElement | null;
  document.getElementById('help-button')?.addEventListener('click', () => help?.showModal());
  document.addEventListener('keydown', (e) => {
    const t = e.target as HTMLElement;
    if (e.ctrlKey || e.metaKey || e.altKey || /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName)) return;
    const actions: Record<string, () => void> = {
      o: a.open,
      O: a.openFolder,
      t: toggleTheme,
      r: a.focusTable,
      x: a.focusHex,
      n: () => a.nextProblem(1),
      N: () => a.nextProblem(-1),
      p: () => a.tab('problems'),
      s: () => a.tab('summary'),
      R: () => a.tab('repair'),
      '?': () => help?.showModal(),
    };
    const f = actions[e.key];
    if (!f) return;
    e.preventDefault();
    f();
  });
}
