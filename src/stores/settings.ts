import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { taroStorage } from '@/services/storage';

interface SettingsState {
  /** 长辈模式: larger text and controls, a home page with only the few things an elderly person does. */
  elder: boolean;
  setElder(elder: boolean): void;
}

/** The person's display choices on this phone: survive a restart (Taro storage), kept across logins. */
export const useSettings = create<SettingsState>()(
  persist(
    (set) => ({
      elder: false,
      setElder: (elder) => set({ elder }),
    }),
    {
      name: 'yb-settings',
      version: 1,
      storage: createJSONStorage(() => taroStorage),
      partialize: ({ elder }) => ({ elder }),
    },
  ),
);
