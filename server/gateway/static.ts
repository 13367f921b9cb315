/**
 * What the gateway adds to every answer, and how it serves the built apps (issue 10 point 5):
 *  - security headers (@fastify/helmet) on everything, the API included: a CSP whose scripts are
 *    the origin's own files plus the sha256 of each inline script of the built index pages (read
 *    once at start), `frame-ancestors 'none'` and X-Frame-Options DENY, nosniff, no referrer;
 *  - API answers compressed (@fastify/compress, brotli at quality 4 / gzip) when over 1 KB;
 *  - the H5 app at `/` and the staff console at `/staff/` from their build folders, each text
 *    file served from the `.br` / `.gz` copy the build wrote beside it (`preCompressed`);
 *  - content-hashed files cached for a year (`immutable`) and sent without the headers that
 *    only a document reads; everything else (the index pages) revalidated on each use
 *    (`no-cache`, with ETag and Last-Modified).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { constants as zlib } from 'node:zlib';
import fastifyCompress from '@fastify/compress';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';
/** `app.3768f09a.js`, `104.9d921765.css`, `prefetch.1a2b3c4d.js` (Taro), `app-K3ZQ2V7M.js` (esbuild), and their .br/.gz. */
const HASHED = /[.-](?:[0-9a-f]{8}|[0-9A-Z]{8})\.(?:js|css)(?:\.br|\.gz)?$/;

/** The sha256 sources of the inline `<script>` blocks of an HTML page (none: the page has none). */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const [, attributes = '', body = ''] = match;
    if (/\bsrc\s*=/i.test(attributes) || body.length === 0) continue;
    hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
  }
  return hashes;
}

function hashesOf(dir: string): string[] {
  const index = path.join(dir, 'index.html');
  return existsSync(index) ? inlineScriptHashes(readFileSync(index, 'utf8')) : [];
}

export function cacheControlFor(file: string): string {
  return HASHED.test(path.basename(file)) ? IMMUTABLE : REVALIDATE;
}

/**
 * Headers that only mean something on a document (a page, a frame, a popup): a script or a
 * stylesheet never reads them. Each is 20–450 bytes, sent with each of the ten files of the first
 * screen, on a link where 1 KB costs 16 ms. A hashed file keeps nosniff, its resource policy and
 * its referrer policy (a stylesheet's own fetches follow it).
 */
export const DOCUMENT_ONLY_HEADERS = [
  'content-security-policy',
  'cross-origin-opener-policy',
  'origin-agent-cluster',
  'x-frame-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];

/** What @fastify/static hands `setHeaders`: typed as a header setter, it is the reply's `ServerResponse`. */
type HeaderSetter = { setHeader(name: string, value: string): unknown };

function setCacheHeaders(response: HeaderSetter, file: string): void {
  const cacheControl = cacheControlFor(file);
  response.setHeader('cache-control', cacheControl);
  // The same URL answers brotli, gzip or plain bytes (preCompressed): caches must key on it.
  response.setHeader('vary', 'Accept-Encoding');
  // Only scripts and stylesheets are hashed: never a document (index.html, an SVG) that needs them.
  if (cacheControl === IMMUTABLE) for (const name of DOCUMENT_ONLY_HEADERS) (response as unknown as Pick<ServerResponse, 'removeHeader'>).removeHeader(name);
}

/** Headers and compression: registered first, so that they cover every route and the 404s. */
export async function registerDeliveryHooks(server: FastifyInstance, dirs: { h5Dir: string; staffDir: string }): Promise<void> {
  const scriptHashes = [...new Set([...hashesOf(dirs.h5Dir), ...hashesOf(dirs.staffDir)])];
  await server.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", ...scriptHashes],
        // Styles keep 'unsafe-inline': Taro's H5 components and React set inline style attributes.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // The gateway may be reached over plain HTTP on 127.0.0.1; HTTPS and HSTS are the proxy's job.
    strictTransportSecurity: false,
  });
  // API answers only: static files come precompressed (a file with Content-Encoding is skipped).
  await server.register(fastifyCompress, {
    global: true,
    threshold: 1024,
    encodings: ['br', 'gzip'],
    brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
  });
}

/** The built apps: H5 at `/` (any other GET falls back to its index.html), the staff console at `/staff/`. */
export async function registerStaticApps(server: FastifyInstance, dirs: { h5Dir: string; staffDir: string }): Promise<{ hasH5: boolean }> {
  const common = { preCompressed: true, cacheControl: false, setHeaders: setCacheHeaders, index: ['index.html'] };
  const hasH5 = existsSync(path.join(dirs.h5Dir, 'index.html'));
  if (hasH5) await server.register(fastifyStatic, { ...common, root: dirs.h5Dir, prefix: '/' });
  if (existsSync(path.join(dirs.staffDir, 'index.html'))) {
    // A second root: the reply decorators belong to the H5 registration.
    await server.register(fastifyStatic, { ...common, root: dirs.staffDir, prefix: '/staff/', decorateReply: false });
    server.get('/staff', async (_request, reply) => reply.redirect('/staff/'));
  }
  return { hasH5 };
}
