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

/** A page's route as getCurrentPages() gives it (no leading slash in weapp, maybe a query in H5) as a Route path. */
function pathOf(route: string): string {
  return `/${route.replace(/^\//, '').split('?')[0]}`;
}

/**
 * Ends a flow of several pages (a form, then its confirmation) by opening `route` in place of
 * all of them: when the page below this one is `flowStart`, both close and `route` opens on
 * what was under them, so "back" from it goes to where the flow began, not to an emptied form.
 * Otherwise (the flow was opened as the first page) `route` replaces this page.
 */
export async function finishFlow(flowStart: Route, route: Route, params?: Record<string, string | undefined>): Promise<void> {
  const pages = Taro.getCurrentPages();
  const below = pages.length >= 3 ? pages[pages.length - 2]?.route : undefined;
  if (below !== undefined && pathOf(below) === flowStart) {
    await Taro.navigateBack({ delta: 2 });
    await Taro.navigateTo({ url: urlOf(route, params) });
    return;
  }
  await Taro.redirectTo({ url: urlOf(route, params) });
}
