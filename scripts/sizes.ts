/**
 * Sizes of the built front end: the weapp main package, the whole weapp output, and what an
 * H5 first visit downloads (the JS and CSS that index.html loads, gzipped).
 *
 *   npm run sizes            # after build:weapp and build:h5; JSON on stdout, a table on stderr
 *
 * `measureSizes()` is exported for the benchmark.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface Sizes {
  weapp: {
    /** Bytes of every file outside the subpackage roots (what WeChat limits to 2 MB). */
    mainPackageBytes: number;
    /** Bytes of the whole weapp output. */
    totalBytes: number;
    subPackages: Array<{ root: string; bytes: number }>;
    /** Files not counted: licence notes and source maps are not uploaded. */
    ignored: string[];
  } | null;
  h5: {
    /** The scripts and style sheets index.html loads. */
    firstLoadFiles: string[];
    firstLoadBytes: number;
    firstLoadGzipBytes: number;
  } | null;
}

const IGNORED = [/\.LICENSE\.txt$/, /\.map$/];

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else out.push(full);
  }
  return out;
}

function measureWeapp(dir: string): Sizes['weapp'] {
  const appJson = path.join(dir, 'app.json');
  if (!existsSync(appJson)) return null;
  const app = JSON.parse(readFileSync(appJson, 'utf8')) as { subPackages?: Array<{ root: string }>; subpackages?: Array<{ root: string }> };
  const roots = (app.subPackages ?? app.subpackages ?? []).map((s) => s.root.replace(/\/+$/, ''));
  const subPackages = roots.map((root) => ({ root, bytes: 0 }));
  let mainPackageBytes = 0;
  let totalBytes = 0;
  for (const file of filesUnder(dir)) {
    const relative = path.relative(dir, file).split(path.sep).join('/');
    if (IGNORED.some((pattern) => pattern.test(relative))) continue;
    const bytes = statSync(file).size;
    totalBytes += bytes;
    const sub = subPackages.find((s) => relative.startsWith(`${s.root}/`));
    if (sub) sub.bytes += bytes;
    else mainPackageBytes += bytes;
  }
  return { mainPackageBytes, totalBytes, subPackages, ignored: ['*.LICENSE.txt', '*.map'] };
}

function measureH5(dir: string): Sizes['h5'] {
  const indexHtml = path.join(dir, 'index.html');
  if (!existsSync(indexHtml)) return null;
  const html = readFileSync(indexHtml, 'utf8');
  const refs = [
    ...[...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]),
    ...[...html.matchAll(/<link\b[^>]*\bhref="([^"]+\.css)"/g)].map((m) => m[1]),
  ].filter((ref): ref is string => typeof ref === 'string' && !/^(https?:)?\/\//.test(ref));
  let firstLoadBytes = 0;
  let firstLoadGzipBytes = 0;
  for (const ref of refs) {
    const content = readFileSync(path.join(dir, ref.replace(/^\//, '')));
    firstLoadBytes += content.length;
    firstLoadGzipBytes += gzipSync(content, { level: 9 }).length;
  }
  // The inline script of index.html itself is part of the first load too.
  const htmlGzip = gzipSync(Buffer.from(html), { level: 9 }).length;
  return { firstLoadFiles: ['index.html', ...refs], firstLoadBytes: firstLoadBytes + html.length, firstLoadGzipBytes: firstLoadGzipBytes + htmlGzip };
}

export function measureSizes(root: string = path.resolve(__dirname, '..')): Sizes {
  return { weapp: measureWeapp(path.join(root, 'dist/weapp')), h5: measureH5(path.join(root, 'dist/h5')) };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export function sizesTable(sizes: Sizes): string {
  const rows: Array<[string, string]> = [];
  if (sizes.weapp) {
    rows.push(['weapp main package', kb(sizes.weapp.mainPackageBytes)]);
    for (const sub of sizes.weapp.subPackages) rows.push([`weapp subpackage ${sub.root}`, kb(sub.bytes)]);
    rows.push(['weapp total', kb(sizes.weapp.totalBytes)]);
  } else rows.push(['weapp', 'not built (npm run build:weapp)']);
  if (sizes.h5) {
    rows.push(['H5 first load (raw)', kb(sizes.h5.firstLoadBytes)]);
    rows.push(['H5 first load (gzip)', kb(sizes.h5.firstLoadGzipBytes)]);
  } else rows.push(['H5', 'not built (npm run build:h5)']);
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `${name.padEnd(width)}  ${value.padStart(10)}`).join('\n');
}

if (require.main === module) {
  const sizes = measureSizes();
  process.stderr.write(`${sizesTable(sizes)}\n`);
  process.stdout.write(`${JSON.stringify(sizes, null, 2)}\n`);
  if (!sizes.weapp || !sizes.h5) process.exitCode = 1;
}
