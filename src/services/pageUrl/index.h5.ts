/**
 * Writes the page's query into the hash route in place (`#/pages/…?month=2026-11`), without a
 * new history entry and without Taro re-rendering the page: a reload opens the page with it.
 */
export function replaceQuery(params: Record<string, string | undefined>): void {
  const hash = window.location.hash.replace(/^#/, '');
  const [path = '', query = ''] = hash.split('?');
  const search = new URLSearchParams(query);
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === '') search.delete(key);
    else search.set(key, value);
  }
  const next = search.toString();
  const url = `${window.location.pathname}${window.location.search}#${path}${next ? `?${next}` : ''}`;
  window.history.replaceState(window.history.state, '', url);
}
