import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CloudMain } from '../runtime/define';

export const CLOUDFUNCTIONS_DIR = path.resolve(__dirname, '../../cloudfunctions');

/** Every cloud function of cloudfunctions/<name>/index.ts, loaded once at start. */
export async function loadCloudFunctions(dir = CLOUDFUNCTIONS_DIR): Promise<Map<string, CloudMain>> {
  const entries = await readdir(dir, { withFileTypes: true });
  const functions = new Map<string, CloudMain>();
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const module = (await import(pathToFileURL(path.join(dir, entry.name, 'index.ts')).href)) as { main?: CloudMain };
    if (typeof module.main !== 'function') throw new Error(`cloudfunctions/${entry.name} exports no main`);
    functions.set(entry.name, module.main);
  }
  return functions;
}
