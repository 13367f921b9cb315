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
