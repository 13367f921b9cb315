/**
 * H5 delivery (issue 10 point 5), as a webpack plugin of the production H5 build:
 *  - an inline boot script in `index.html` (allowed by the gateway's CSP through its sha256)
 *    sends a visitor without a session straight to login (home would redirect there after
 *    loading), preloads the first page's chunks beside the app's own code instead of one after
 *    the other, and prefetches every other page's chunks once the page has loaded and the
 *    browser is idle, so a tap to a new page finds its code in the cache;
 *  - every text asset gets a brotli (`.br`) and a gzip (`.gz`) copy written beside it, which
 *    the gateway serves (@fastify/static `preCompressed`) instead of compressing per request.
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Compiler, Compilation, Chunk } from 'webpack';

/** The pages a first visit may render: home with a session, login without. */
const FIRST_PAGES = ['pages/home/index', 'pages/login/index'];
const TEXT_ASSET = /\.(?:js|css|html|svg|json|txt|map)$/;
/** Below this, compression saves less than a packet. */
const MIN_BYTES = 1024;

/** Brotli at its best quality and gzip at 9: built once, served many times. */
export function precompress(content: Buffer): { br: Buffer; gz: Buffer } {
  return {
    br: brotliCompressSync(content, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
      },
    }),
    gz: gzipSync(content, { level: 9 }),
  };
}

export function isCompressible(name: string, bytes: number): boolean {
  return TEXT_ASSET.test(name) && !name.endsWith('.LICENSE.txt') && bytes >= MIN_BYTES;
}

/** The page (`pages/login/index`) whose module a chunk holds, if any. */
function pagesOf(compilation: Compilation, chunk: Chunk): string[] {
  const pages: string[] = [];
  for (const module of compilation.chunkGraph.getChunkModulesIterable(chunk)) {
    const resource = (module as { resource?: string; rootModule?: { resource?: string } }).resource ?? (module as { rootModule?: { resource?: string } }).rootModule?.resource ?? '';
    const match = /[\\/]src[\\/](pages[\\/].+[\\/]index)\.tsx?(?:\?|$)/.exec(resource);
    if (match?.[1]) pages.push(match[1].replace(/\\/g, '/'));
  }
  return pages;
}

/**
 * The boot script, inline in index.html (the gateway's CSP allows it by its sha256, computed
 * from the built file). Without a live session in storage (Taro's localStorage entry of the
 * zustand store `yb-session`), `/` and home go straight to the login page, as home itself would
 * after loading (useSignedIn), so the first visit loads only login's code; the first page's files
 * are preloaded beside the app's own; once the page has loaded and the browser is idle, every
 * other page's files are prefetched into the HTTP cache.
 */
export function bootScript(files: { login: string[]; home: string[]; later: string[] }, publicPath: string): string {
  return `!function(){var F=${JSON.stringify(files)},P=${JSON.stringify(publicPath)},d=document,s=!1;try{var o=JSON.parse(localStorage.getItem("yb-session")),v=JSON.parse(o.data).state;s=!!v.token&&Date.parse(v.expiresAt)>Date.now()}catch(e){}var h=location.hash;if(!s&&(h===""||h==="#"||h==="#/"||h.indexOf("#/pages/home/index")===0))history.replaceState(null,"",location.pathname+location.search+"#/pages/login/index");function L(r,u){var l=d.createElement("link");l.rel=r;l.href=P+u;l.as=/\\.css$/.test(u)?"style":"script";d.head.appendChild(l)}var n=(s?F.home:F.login);n.forEach(function(u){L("preload",u)});function g(){F.later.concat(s?F.login:F.home).forEach(function(u){n.indexOf(u)<0&&L("prefetch",u)})}function i(){window.requestIdleCallback?requestIdleCallback(g,{timeout:3e3}):setTimeout(g,1e3)}d.readyState==="complete"?i():addEventListener("load",i)}();`;
}

export class H5DeliveryPlugin {
  apply(compiler: Compiler): void {
    const { webpack } = compiler;
    const { RawSource } = webpack.sources;
    compiler.hooks.thisCompilation.tap('H5DeliveryPlugin', (compilation) => {
      compilation.hooks.processAssets.tap(
        { name: 'H5DeliveryPlugin', stage: webpack.Compilation.PROCESS_ASSETS_STAGE_REPORT },
        () => {
          const publicPath = String(compilation.outputOptions.publicPath ?? '/');
          const initial = new Set<string>();
          for (const entry of compilation.entrypoints.values()) for (const chunk of entry.chunks) for (const file of chunk.files) initial.add(file);
          // Page -> every file its dynamic import loads (its own chunk and the shared ones).
          const filesOfPage = new Map<string, Set<string>>();
          for (const group of compilation.chunkGroups) {
            if (group.isInitial()) continue;
            const pages = group.chunks.flatMap((chunk) => pagesOf(compilation, chunk));
            if (pages.length === 0) continue;
            const files = group.chunks.flatMap((chunk) => [...chunk.files]).filter((file) => !initial.has(file) && /\.(?:js|css)$/.test(file));
            for (const page of pages) {
              const set = filesOfPage.get(page) ?? new Set<string>();
              for (const file of files) set.add(file);
              filesOfPage.set(page, set);
            }
          }
          if (process.env.H5_DELIVERY_DEBUG) console.log(Object.fromEntries([...filesOfPage].map(([page, set]) => [page, [...set]])));
          const filesOf = (page: string) => [...(filesOfPage.get(page) ?? [])].sort((a, b) => Number(b.endsWith('.css')) - Number(a.endsWith('.css')));
          const first = new Set(FIRST_PAGES.flatMap(filesOf));
          const later = [...new Set([...filesOfPage.values()].flatMap((set) => [...set]))].filter((file) => !first.has(file)).sort();

          const html = compilation.getAsset('index.html');
          if (html && filesOfPage.size > 0) {
            const script = bootScript({ login: filesOf('pages/login/index'), home: filesOf('pages/home/index'), later }, publicPath);
            const text = html.source.source().toString();
            // Before the app's own scripts: the route is fixed before Taro's router reads it.
            const at = text.indexOf('<script defer');
            if (at < 0) throw new Error('H5DeliveryPlugin: index.html has no deferred app script');
            compilation.updateAsset('index.html', new RawSource(`${text.slice(0, at)}<script>${script}</script>${text.slice(at)}`));
          }

          for (const asset of compilation.getAssets()) {
            const content = Buffer.from(asset.source.source());
            if (!isCompressible(asset.name, content.length)) continue;
            const { br, gz } = precompress(content);
            compilation.emitAsset(`${asset.name}.br`, new RawSource(br));
            compilation.emitAsset(`${asset.name}.gz`, new RawSource(gz));
          }
        },
      );
    });
  }
}
