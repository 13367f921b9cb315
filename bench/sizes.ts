/**
 * 6. Sizes: weapp main package and total, H5 first load (gzip), from scripts/sizes.ts
 * (`measureSizes()`, the same figures `npm run sizes` prints), and every bundled cloud function
 * (dist/cloudfunctions/<name>/index.js). A missing build is made first (build:weapp, build:h5,
 * build:cloud); a build that someone else is running right now is waited for.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
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

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** The bundles carry the server code: rebuild them (esbuild, seconds) when a source is newer or a function is missing. */
export async function rebuildCloudIfStale(notes: string[]): Promise<void> {
  const built = path.join(ROOT, 'dist/cloudfunctions');
  const names = readdirSync(path.join(ROOT, 'cloudfunctions'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  const missing = names.filter((name) => !existsSync(path.join(built, name, 'index.js')));
  const oldest = Math.min(...names.filter((n) => !missing.includes(n)).map((n) => statSync(path.join(built, n, 'index.js')).mtimeMs));
  const newestSource = Math.max(...['cloudfunctions', 'server', 'src/rules'].map((d) => newestMtime(path.join(ROOT, d))));
  if (missing.length === 0 && newestSource <= oldest) return;
  log(`sizes: dist/cloudfunctions is stale (${missing.length} missing, sources newer: ${newestSource > oldest}); npm run build:cloud…`);
  const build = spawnSync('npm', ['run', 'build:cloud'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
  if (build.status !== 0) {
    // The tree is shared: someone's change in progress may not build right now. Measure what is there.
    log(`sizes: npm run build:cloud failed; keeping the existing bundles:\n${build.stderr?.toString().slice(-1500)}`);
    notes.push('dist/cloudfunctions was stale and npm run build:cloud failed: the sizes are of the existing bundles');
    return;
  }
  notes.push('rebuilt dist/cloudfunctions (stale) for the sizes');
}

export async function benchSizes(): Promise<{ figures: Record<string, number>; notes: string[] }> {
  const notes: string[] = [];
  await ensureBuilt('dist/weapp/app.json', 'build:weapp', notes);
  await ensureBuilt('dist/h5/index.html', 'build:h5', notes);
  await ensureBuilt('dist/cloudfunctions/settle/index.js', 'build:cloud', notes);
  await rebuildCloudIfStale(notes);
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
  const firstPage = firstPageChunks(path.join(ROOT, 'dist/h5'));
  if (firstPage) {
    figures.h5_first_page_chunk_gzip_kb = kb(firstPage.gzipBytes);
    figures.h5_first_load_with_first_page_gzip_kb = kb(sizes.h5.firstLoadGzipBytes + firstPage.gzipBytes);
    notes.push(`the first page (${firstPage.page}) also loads ${firstPage.files.join(', ')} on a first visit, not counted by scripts/sizes.ts`);
  }
  return { figures, notes };
}

/**
 * Taro's H5 router loads each page's chunk on demand: the first page's chunk (and its CSS) is
 * part of a first visit too, although index.html does not name it. Found from the route table
 * in js/app.*.js (`"path":"pages/…","load":function load(…){return[x.e(111)…`).
 */
function firstPageChunks(dir: string): { page: string; files: string[]; gzipBytes: number } | undefined {
  const jsDir = path.join(dir, 'js');
  const cssDir = path.join(dir, 'css');
  const app = existsSync(jsDir) ? readdirSync(jsDir).find((f) => /^app\.[0-9a-f]+\.js$/.test(f)) : undefined;
  if (!app) return undefined;
  const source = readFileSync(path.join(jsDir, app), 'utf8');
  const route = /"path":"([^"]+)","load":function load\([^)]*\)\{return\[([^\]]*?)\]/.exec(source);
  if (!route) return undefined;
  const ids = [...route[2]!.matchAll(/\.e\((\d+)\)/g)].map((m) => m[1]!);
  const files: string[] = [];
  let gzipBytes = 0;
  for (const id of ids) {
    for (const [sub, ext] of [[jsDir, 'js'], [cssDir, 'css']] as const) {
      if (!existsSync(sub)) continue;
      const file = readdirSync(sub).find((f) => new RegExp(`^${id}\\.[0-9a-f]+\\.${ext}$`).test(f));
      if (!file) continue;
      files.push(`${ext}/${file}`);
      gzipBytes += gzipSync(readFileSync(path.join(sub, file)), { level: 9 }).length;
    }
  }
  return files.length > 0 ? { page: route[1]!, files, gzipBytes } : undefined;
}
