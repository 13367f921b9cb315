/**
 * `@tarojs/taro` for the jsdom tests (aliased in vitest.config.mts): navigation and feedback
 * are recorded spies, storage lives in memory, and the page hooks run like this:
 * useLoad/useDidShow once after mounting; pull-down and reach-bottom when a test calls
 * `pullDownRefresh()` / `reachBottom()`; useRouter answers the params set by `setRouterParams`.
 */
import { useEffect, useRef } from 'react';
import { vi } from 'vitest';

type Handler = () => unknown;

const storage = new Map<string, unknown>();
let routerParams: Record<string, string> = {};
const pullDownHandlers = new Set<Handler>();
const reachBottomHandlers = new Set<Handler>();

export function setRouterParams(params: Record<string, string>): void {
  routerParams = params;
}

export async function pullDownRefresh(): Promise<void> {
  await Promise.all([...pullDownHandlers].map((handler) => handler()));
}

export async function reachBottom(): Promise<void> {
  await Promise.all([...reachBottomHandlers].map((handler) => handler()));
}

const Taro = {
  ENV_TYPE: { WEAPP: 'WEAPP', WEB: 'WEB' },
  getEnv: () => 'WEB',
  eventCenter: { on: vi.fn(), off: vi.fn(), trigger: vi.fn() },
  navigateTo: vi.fn(async (_options: { url: string }) => ({ errMsg: 'navigateTo:ok' })),
  redirectTo: vi.fn(async (_options: { url: string }) => ({ errMsg: 'redirectTo:ok' })),
  reLaunch: vi.fn(async (_options: { url: string }) => ({ errMsg: 'reLaunch:ok' })),
  navigateBack: vi.fn(async (_options?: { delta?: number }) => ({ errMsg: 'navigateBack:ok' })),
  switchTab: vi.fn(async () => ({ errMsg: 'switchTab:ok' })),
  showToast: vi.fn(async (_options: { title: string }) => ({ errMsg: 'showToast:ok' })),
  showLoading: vi.fn(async () => ({ errMsg: 'showLoading:ok' })),
  hideLoading: vi.fn(async () => ({ errMsg: 'hideLoading:ok' })),
  stopPullDownRefresh: vi.fn(async () => ({ errMsg: 'stopPullDownRefresh:ok' })),
  setNavigationBarTitle: vi.fn(async () => ({ errMsg: 'setNavigationBarTitle:ok' })),
  getCurrentPages: vi.fn(() => [] as Array<{ route: string }>),
  getCurrentInstance: vi.fn(() => ({ router: null as { path: string; params: Record<string, string> } | null })),
  pageScrollTo: vi.fn(async (_options: { selector?: string; scrollTop?: number }) => ({ errMsg: 'pageScrollTo:ok' })),
  makePhoneCall: vi.fn(async (_options: { phoneNumber: string }) => ({ errMsg: 'makePhoneCall:ok' })),
  getStorageSync: (key: string) => (storage.has(key) ? storage.get(key) : ''),
  setStorageSync: (key: string, value: unknown) => {
    storage.set(key, value);
  },
  removeStorageSync: (key: string) => {
    storage.delete(key);
  },
  clearStorageSync: () => storage.clear(),
  request: vi.fn(),
  cloud: { init: vi.fn(), callFunction: vi.fn() },
};

export function resetTaroMock(): void {
  storage.clear();
  routerParams = {};
  pullDownHandlers.clear();
  reachBottomHandlers.clear();
  for (const value of Object.values(Taro)) {
    if (typeof value === 'function' && 'mockClear' in value) (value as { mockClear(): void }).mockClear();
  }
  Taro.getCurrentPages.mockImplementation(() => []);
}

function useOnce(callback: (params: Record<string, string>) => unknown): void {
  const ref = useRef(callback);
  ref.current = callback;
  useEffect(() => {
    void ref.current(routerParams);
  }, []);
}

function useRegistered(registry: Set<Handler>, callback: Handler): void {
  const ref = useRef(callback);
  ref.current = callback;
  useEffect(() => {
    const handler = () => ref.current();
    registry.add(handler);
    return () => {
      registry.delete(handler);
    };
  }, [registry]);
}

export const useLoad = (callback: (params: Record<string, string>) => unknown) => useOnce(callback);
export const useDidShow = (callback: () => unknown) => useOnce(() => callback());
export const useReady = (callback: () => unknown) => useOnce(() => callback());
export const useLaunch = (callback: () => unknown) => useOnce(() => callback());
export const usePullDownRefresh = (callback: Handler) => useRegistered(pullDownHandlers, callback);
export const useReachBottom = (callback: Handler) => useRegistered(reachBottomHandlers, callback);
export const useUnload = (_callback: Handler) => undefined;
export const useDidHide = (_callback: Handler) => undefined;
export const useRouter = () => ({ params: routerParams, path: '' });

export const {
  navigateTo,
  redirectTo,
  reLaunch,
  navigateBack,
  showToast,
  stopPullDownRefresh,
  getStorageSync,
  setStorageSync,
  removeStorageSync,
} = Taro;

export default Taro;
