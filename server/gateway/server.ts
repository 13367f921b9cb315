import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { App } from '../app';
import { DEFAULT_BODY_LIMIT_BYTES } from '../config';
import { httpStatusOf, INTERNAL, type Envelope } from '../runtime/envelope';
import type { CloudMain } from '../runtime/define';
import { registerHealth } from './health';
import { registerDeliveryHooks, registerStaticApps } from './static';

/** The default body limit (HTTP_BODY_LIMIT_BYTES sets the gateway's own). */
export const BODY_LIMIT_BYTES = DEFAULT_BODY_LIMIT_BYTES;
export const H5_DIR = path.resolve(__dirname, '../../dist/h5');
/** The staff console (`npm run build:staff`), served at /staff/ (SPEC 2.10). */
export const STAFF_DIR = path.resolve(__dirname, '../../dist/staff');

function send(reply: FastifyReply, envelope: Envelope, status = httpStatusOf(envelope)): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(envelope);
}

function invalid(field: string, message: string): Envelope {
  return { ok: false, error: { code: 'INVALID_INPUT', message, field } };
}

/**
 * Bytes on a connection that are no HTTP request the server can read (a broken Content-Length or
 * chunk, a body sent without framing, a header over Node's limit, a timeout): the answer is still
 * an envelope, as fastify's default handler would answer with its own shape, then the connection
 * closes as Node's default does.
 */
function clientErrorHandler(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, envelope] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', invalid('headers', '请求头过大，请检查后重试')]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', invalid('event', '请求超时，请重试')]
        : [400, 'Bad Request', invalid('event', '请求格式不正确，请检查后重试')];
  const body = JSON.stringify(envelope);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

function bearerOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * The local gateway (SPEC 3.1): `POST /api/<functionName>` runs that cloud function's own
 * `main(event, context)` with the bearer token in the context, and answers its envelope.
 * The H5 build is served at `/`, the staff console at `/staff/`.
 */
export async function buildGateway(
  app: App,
  functions: ReadonlyMap<string, CloudMain>,
  h5Dir = H5_DIR,
  staffDir = STAFF_DIR,
): Promise<FastifyInstance> {
  const { http } = app.config;
  const server = Fastify({
    logger: false,
    // A request that never ends is closed (SPEC 2.13): its headers within headersTimeout, the
    // whole of it within requestTimeout (Node checks every checkIntervalMs), a silent connection
    // after connectionTimeout, an idle keep-alive one after keepAliveTimeout.
    bodyLimit: http.bodyLimitBytes,
    requestTimeout: http.requestTimeoutMs,
    connectionTimeout: http.connectionTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    http: { headersTimeout: http.headersTimeoutMs, connectionsCheckingInterval: http.checkIntervalMs },
    genReqId: () => randomUUID(),
    clientErrorHandler,
    // JSON bodies: fastify's parser refuses __proto__ and constructor pollution.
  });

  // Security headers and compression first: they cover every route below and the 404s (static.ts).
  await registerDeliveryHooks(server, { h5Dir, staffDir });

  server.addContentTypeParser('*', { parseAs: 'string' }, (_request, _body, done) => done(null, undefined));

  server.setErrorHandler((error: { statusCode?: number; code?: string }, _request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
      return send(reply, invalid('event', `请求体过大（不能超过 ${Math.floor(http.bodyLimitBytes / 1024)} KB）`), 413);
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return send(reply, invalid('event', '请求内容不是有效的 JSON，请检查后重试'));
    }
    app.log.error({ code: error.code }, 'gateway error');
    return send(reply, { ok: false, error: INTERNAL });
  });

  server.addHook('onResponse', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    app.log.info(
      { reqId: request.id, fn: request.url.slice(5).split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'call',
    );
  });

  server.post<{ Params: { name: string } }>('/api/:name', async (request, reply) => {
    const main = functions.get(request.params.name);
    if (!main) {
      return send(reply, { ok: false, error: { code: 'NOT_FOUND', message: '没有这个云函数，请检查函数名' } });
    }
    const contentType = request.headers['content-type'] ?? '';
    // application/json itself (with parameters), not look-alikes such as application/json-patch+json.
    if (!/^application\/json\s*(?:;|$)/i.test(contentType)) {
      return send(reply, invalid('event', '请求体应为 JSON（Content-Type: application/json）'));
    }
    // The parsed body as it is: a JSON null must not become {} (the function refuses non-objects).
    const envelope = await main(request.body, {
      source: 'gateway',
      app,
      bearer: bearerOf(request.headers.authorization),
      requestId: request.id,
      clientAddress: request.ip,
    });
    return send(reply, envelope);
  });

  server.all('/api/*', async (request, reply) =>
    // A POST here is to no function (`/api/settle/`, `/api/a/b`): NOT_FOUND, not "use POST".
    request.method === 'POST'
      ? send(reply, { ok: false, error: { code: 'NOT_FOUND', message: '没有这个云函数，请检查函数名' } })
      : send(reply.header('allow', 'POST'), invalid('method', '云函数只接受 POST 请求'), 405),
  );

  registerHealth(server, app);

  const { hasH5 } = await registerStaticApps(server, { h5Dir, staffDir });
  server.setNotFoundHandler((request, reply) =>
    hasH5 && request.method === 'GET'
      ? reply.sendFile('index.html')
      : send(reply, { ok: false, error: { code: 'NOT_FOUND', message: hasH5 ? '页面不存在' : '页面尚未构建，请先运行 npm run build:h5' } }),
  );
  return server;
}
