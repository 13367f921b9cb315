/**
 * `npm run build:staff`: bundles the staff console (staff-console/, React without Taro) with
 * esbuild into dist/staff/, which the gateway serves at /staff/ (SPEC 2.10).
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { isCompressible, precompress } from '../config/h5-delivery';

const ROOT = path.resolve(import.meta.dirname, '..');
export const STAFF_OUT = path.join(ROOT, 'dist/staff');

/** No inline script (the gateway's CSP allows none here); the file names carry their content hash. */
const indexHtml = (js: string, css: string) => `<!doctype html>
<html lang="zh-CN">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    <title>经办控制台 · 医保家庭共济</title>
    <link rel="stylesheet" href="./${css}" />
  </head>
  <body>
    <noscript>经办控制台需要启用 JavaScript。</noscript>
    <div id="root"></div>
    <script src="./${js}"></script>
  </body>
</html>
`;

async function main(): Promise<void> {
  const startedAt = Date.now();
  await rm(STAFF_OUT, { recursive: true, force: true });
  await mkdir(STAFF_OUT, { recursive: true });
  const result = await build({
    entryPoints: { app: path.join(ROOT, 'staff-console/src/main.tsx') },
    outdir: STAFF_OUT,
    // Content-hashed names: the gateway caches them for a year (immutable); index.html is revalidated.
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    sourcemap: false,
    format: 'iife',
    platform: 'browser',
    target: ['chrome100', 'safari15', 'firefox100'],
    jsx: 'automatic',
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
  const js = outputs.find((file) => file.endsWith('.js'));
  const css = outputs.find((file) => file.endsWith('.css'));
  if (!js || !css) throw new Error(`the staff build wrote no app script or style sheet: ${outputs.join(', ')}`);
  await writeFile(path.join(STAFF_OUT, 'index.html'), indexHtml(js, css));
  // Brotli and gzip copies beside each text file, served by the gateway (@fastify/static preCompressed).
  for (const file of [...outputs, 'index.html']) {
    const content = await readFile(path.join(STAFF_OUT, file));
    if (!isCompressible(file, content.length)) continue;
    const { br, gz } = precompress(content);
    await writeFile(path.join(STAFF_OUT, `${file}.br`), br);
    await writeFile(path.join(STAFF_OUT, `${file}.gz`), gz);
  }
  const bytes = Object.values(result.metafile.outputs).reduce((sum, out) => sum + out.bytes, 0);
  console.log(`staff console built into dist/staff (${Math.round(bytes / 1024)} KB) in ${Date.now() - startedAt} ms`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
