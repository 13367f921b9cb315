/**
 * `npm run build:cloud`: bundles every cloudfunctions/<name>/index.ts with esbuild into
 * dist/cloudfunctions/<name>/ (index.js + package.json), the folder WeChat DevTools uploads
 * ("上传并部署：云端安装依赖"). Each bundle carries the shared server code; only
 * wx-server-sdk is installed by the cloud, so it is the one dependency package.json lists.
 * PGlite is left out: in WeChat the functions run on DATABASE_URL (server/runtime/defaultApp.ts
 * refuses to start without it).
 */
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const root = path.resolve(__dirname, '..');
const source = path.join(root, 'cloudfunctions');
const out = path.join(root, 'dist/cloudfunctions');

/** The version the cloud installs: the one pinned in devDependencies, which the smoke test loads. */
async function wxServerSdkVersion(): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { devDependencies?: Record<string, string> };
  const version = manifest.devDependencies?.['wx-server-sdk'];
  if (!version || !/^\d+\.\d+\.\d+$/.test(version)) throw new Error('package.json must pin wx-server-sdk to an exact version in devDependencies');
  return version;
}

/**
 * The PGlite adapter (server/db/pglite.ts) becomes a module that only refuses: a bundle never
 * opens PGlite, and must not need @electric-sql/pglite, which the cloud does not install.
 */
const withoutPglite: Plugin = {
  name: 'without-pglite',
  setup(bundler) {
    bundler.onResolve({ filter: /\/db\/pglite$/ }, (args) => ({ path: args.path, namespace: 'without-pglite' }));
    bundler.onLoad({ filter: /.*/, namespace: 'without-pglite' }, () => ({
      contents: "export function openPglite() { throw new Error('a cloud function has no PGlite: set DATABASE_URL'); }",
      loader: 'js',
    }));
  },
};

/**
 * The service hall's functions (SPEC 2.10) serve the staff console, which the gateway serves at
 * /staff: they are not deployed to WeChat's cloud, whose bundles list wx-server-sdk alone (the
 * staff password hash is @node-rs/argon2, a native module).
 */
const GATEWAY_ONLY = new Set(['createStaff', 'staffLogin', 'staffLookup', 'staffAct', 'listAudit']);

async function main(): Promise<void> {
  const sdkVersion = await wxServerSdkVersion();
  await rm(out, { recursive: true, force: true });
  const names = (await readdir(source, { withFileTypes: true }))
    .filter((e) => e.isDirectory() && !GATEWAY_ONLY.has(e.name))
    .map((e) => e.name)
    .sort();
  const sizes: Array<{ name: string; kb: number }> = [];
  for (const name of names) {
    const dir = path.join(out, name);
    await mkdir(dir, { recursive: true });
    await build({
      entryPoints: [path.join(source, name, 'index.ts')],
      outfile: path.join(dir, 'index.js'),
      bundle: true,
      platform: 'node',
      target: 'node16',
      format: 'cjs',
      minify: true,
      sourcemap: false,
      legalComments: 'none',
      external: ['wx-server-sdk', '@electric-sql/pglite', 'pg-native'],
      plugins: [withoutPglite],
      logLevel: 'warning',
    });
    await writeFile(
      path.join(dir, 'package.json'),
      `${JSON.stringify({ name, version: '1.0.0', private: true, main: 'index.js', dependencies: { 'wx-server-sdk': sdkVersion } }, null, 2)}\n`,
    );
    sizes.push({ name, kb: Math.round(((await stat(path.join(dir, 'index.js'))).size / 1024) * 10) / 10 });
  }
  for (const { name, kb } of sizes) console.log(`${name.padEnd(22)} ${kb} KB`);
  console.log(`${names.length} cloud functions bundled into ${path.relative(root, out)}/`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
