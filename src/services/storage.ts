import Taro from '@tarojs/taro';
import type { StateStorage } from 'zustand/middleware';

/** zustand's persist storage on Taro's synchronous storage (wx.setStorageSync, localStorage in H5). */
export const taroStorage: StateStorage = {
  getItem: (name) => {
    const value: unknown = Taro.getStorageSync(name);
    return typeof value === 'string' && value !== '' ? value : null;
  },
  setItem: (name, value) => {
    Taro.setStorageSync(name, value);
  },
  removeItem: (name) => {
    Taro.removeStorageSync(name);
  },
};
