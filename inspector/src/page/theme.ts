/** Light and dark themes: the system's by default, a toggle that is remembered. */
const KEY = 'logspec-inspector-theme';

function apply(theme: 'light' | 'dark'): void {
  document.documentElement.dataset.theme = theme;
  const b = document.getElementById('theme-toggle');
  if (b) {
    b.setAttribute('aria-pressed', theme === 'dark' ? 'true' : 'false');
    b.title = theme === 'dark' ? 'Switch to the light theme (t)' : 'Switch to the dark theme (t)';
  }
  window.dispatchEvent(new Event('themechange'));
}

export function initTheme(): void {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(KEY);
  } catch {
    // Storage may be off (private mode): the system's theme then.
  }
  const system = window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  apply(saved === 'dark' || saved === 'light' ? saved : system);
  document.getElementById('theme-toggle')?.addEventListener('click', toggleTheme);
}

export function toggleTheme(): void {
  const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
  try {
    localStorage.setItem(KEY, next);
  } catch {
    // Not remembered, still applied.
  }
  apply(next);
}
