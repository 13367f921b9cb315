import init from './0001_init';
import settleFunction from './0002_settle_function';
import trust from './0003_trust';
import staff from './0004_staff';
import quota from './0005_quota';
import clearing from './0006_clearing';
import scheduler from './0007_scheduler';
import premium from './0008_premium';
import abuse from './0009_abuse';
import registry from './0010_registry';

/**
 * Versioned migrations, applied in order at start. Never edit one that has shipped: add another.
 * `sql` is a script split on the semicolons that end lines, or a list of statements already
 * split (for bodies that hold semicolons of their own).
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string | readonly string[] }> = [
  { version: 1, name: 'init', sql: init },
  { version: 2, name: 'settle_function', sql: settleFunction },
  { version: 3, name: 'trust', sql: trust },
  { version: 4, name: 'staff', sql: staff },
  { version: 5, name: 'quota', sql: quota },
  { version: 6, name: 'clearing', sql: clearing },
  { version: 7, name: 'scheduler', sql: scheduler },
  { version: 8, name: 'premium', sql: premium },
  { version: 9, name: 'abuse', sql: abuse },
  { version: 10, name: 'registry', sql: registry },
];
