import init from './0001_init';

/** Versioned migrations, applied in order at start. Never edit one that has shipped: add another. */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  { version: 1, name: 'init', sql: init },
];
