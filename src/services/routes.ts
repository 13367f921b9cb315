import Taro from '@tarojs/taro';
import { ROUTES } from './routeTable';

/** The table lives in ./routeTable.ts (no Taro import), which the browser tests read too. */
export { ROUTES };

export type Route = (typeof ROUTES)[keyof typeof ROUTES];

export function urlOf(route: Route, params: Record<string, string | undefined> = {}): string {
  const query = Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
  return query ? `${route}?${query}` : route;
}

/** Opens a page on top of the current one. */
export function go(route: Route, params?: Record<string, string | undefined>): void {
  void Taro.navigateTo({ url: urlOf(route, params) });
}

/** Replaces the whole page stack (after login, logout, verification). */
export function restart(route: Route): void {
  void Taro.reLaunch({ url: route });
}

/** Back one page, or home when there is nothing to go back to (a deep link in H5). */
export function back(): void {
  const pages = Taro.getCurrentPages();
  if (pages.length > 1) void Taro.navigateBack();
  else restart(ROUTES.home);
}

/** A page's own URL (`/pages/…?a=b`) from its router (useRouter), to come back to after logging in. */
export function pageUrl(router: { path?: string; params: Record<string, string | undefined> }): string | null {
  const path = (router.path ?? '').split('?')[0] ?? '';
  if (!path.startsWith('/pages/')) return null;
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(router.params)) {
    if (typeof value === 'string' && !key.startsWith('$') && !key.startsWith('__') && key !== 'stamp') params[key] = value;
  }
  return urlOf(path as Route, params);
}

const KNOWN: ReadonlySet<string> = new Set(Object.values(ROUTES));

/**
 * Where to go after logging in: a page of this app (never another site, never login itself),
 * or null. `redirect` is what `currentUrl()` gave, carried through the login page's URL.
 */
export function safeRedirect(redirect: string | undefined): string | null {
  if (!redirect) return null;
  let url: string;
  try {
    url = decodeURIComponent(redirect);
  } catch {
    return null;
  }
  const path = url.split('?')[0] ?? '';
  const normalised = path.startsWith('/') ? path : `/${path}`;
  if (!KNOWN.has(normalised) || normalised === ROUTES.login || normalised === ROUTES.verify || normalised === ROUTES.notFound) return null;
  return url.startsWith('/') ? url : `/${url}`;
}

/** Replaces the whole page stack with a URL that `safeRedirect` accepted. */
export function restartAt(url: string): void {
  void Taro.reLaunch({ url });
}
