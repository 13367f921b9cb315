/**
 * 6. Sizes: weapp main package and total, H5 first load (gzip), from scripts/sizes.ts
 * (`measureSizes()`, the same figures `npm run sizes` prints), and every bundled cloud function
 * (dist/cloudfunctions/<name>/index.js). A missing build is made first (build:weapp, build:h5,
 * build:cloud); a build that someone else is running right now is waited for.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { measureSizes } from '../scripts/sizes';
import { log } from './lib/options';

const ROOT = path.resolve(__dirname, '..');
const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

async function ensureBuilt(marker: string, script: string, notes: string[]): Promise<void> {
  const file = path.join(ROOT, marker);
  // Another build may be writing the folder right now (both Taro builds wipe it first).
  for (let i = 0; i < 45 && !existsSync(file) && existsSync(path.dirname(file)); i += 1) {
    if (i === 0) log(`sizes: ${marker} missing; waiting up to 90 s in case a build is running`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  if (existsSync(file)) return;
  log(`sizes: npm run ${script}…`);
  const build = spawnSync('npm', ['run', script], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 });
  if (build.status !== 0) throw new Error(`npm run ${script} failed`);
  notes.push(`built ${script} for the sizes`);
}

export async function benchSizes(): Promise<{ figures: Record<string, number>; notes: string[] }> {
  const notes: string[] = [];
  await ensureBuilt('dist/weapp/app.json', 'build:weapp', notes);
  await ensureBuilt('dist/h5/index.html', 'build:h5', notes);
  await ensureBuilt('dist/cloudfunctions/settle/index.js', 'build:cloud', notes);
  const sizes = measureSizes(ROOT);
  if (!sizes.weapp || !sizes.h5) throw new Error('scripts/sizes.ts found no weapp or H5 build');
  const figures: Record<string, number> = {
    weapp_main_kb: kb(sizes.weapp.mainPackageBytes),
    weapp_total_kb: kb(sizes.weapp.totalBytes),
    h5_first_load_kb: kb(sizes.h5.firstLoadBytes),
    h5_first_load_gzip_kb: kb(sizes.h5.firstLoadGzipBytes),
  };
  const cloudDir = path.join(ROOT, 'dist/cloudfunctions');
  let total = 0;
  let max = 0;
  for (const name of readdirSync(cloudDir).sort()) {
    const file = path.join(cloudDir, name, 'index.js');
    if (!existsSync(file)) continue;
    const bytes = statSync(file).size;
    figures[`cloud_${name}_kb`] = kb(bytes);
    total += bytes;
    max = Math.max(max, bytes);
  }
  figures.cloud_functions_total_kb = kb(total);
  figures.cloud_function_max_kb = kb(max);
  notes.push(`H5 first load = ${sizes.h5.firstLoadFiles.join(', ')} (scripts/sizes.ts)`);
  return { figures, notes };
}
