import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCloudFunctions } from '../../server/gateway/functions';
import { BODY_LIMIT_BYTES, buildGateway } from '../../server/gateway/server';
import type { CloudMain } from '../../server/runtime/define';
import { httpStatusOf, type Envelope } from '../../server/runtime/envelope';
import { useHarness } from '../backbone/fixtures';
import { eventSpecs, malformedEvent, setOwn, type EventSpec } from './arbitraries';
import { buildFuzzWorld, changedTables, DbState, envelopeProblems, short, STACK_TRACE, type FuzzWorld } from './world';

/**
 * SPEC 3.1 over real HTTP: the gateway, listening on 127.0.0.1 (port 0), answers every body it
 * may receive — fuzzed events as JSON, broken JSON, bytes that are no UTF-8, bodies over the
 * 64 KB limit (with and without a Content-Length), deep nesting, wrong content types, odd
 * methods, paths and Authorization headers — with an envelope that carries a SPEC code and
 * nothing internal, a status that mirrors it, and no write when it refuses; and it keeps running.
 *
 * FUZZ_HTTP_RUNS sets the number of fuzzed requests (default: what fits CI); FUZZ_SEED replays.
 */

const RUNS = Number(process.env.FUZZ_HTTP_RUNS ?? 1500);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2_147_483_647;
const FUNCTIONS: Map<string, CloudMain> = await loadCloudFunctions();
const NAMES = [...FUNCTIONS.keys()].sort();

interface Request {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Bytes, or a list of chunks sent without a Content-Length (chunked transfer). */
  body: Buffer | Buffer[] | undefined;
}

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

function send(port: number, request: Request): Promise<Response> {
  return new Promise((resolve, reject) => {
    const chunked = Array.isArray(request.body);
    const headers: Record<string, string> = { ...request.headers };
    if (!chunked && request.body !== undefined) headers['content-length'] = String(request.body.length);
    // Node frames a body without a length as chunked only for POST, PUT and PATCH unless told to.
    if (chunked) headers['transfer-encoding'] = 'chunked';
    // A connection of its own: an answer never depends on what an earlier request left on a socket.
    const req = http.request({ host: '127.0.0.1', port, method: request.method, path: request.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    // The server may answer 413 and close before a large body is written: the answer still counts.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    req.on('close', () => setTimeout(() => reject(new Error('the connection closed without an answer')), 1_000).unref());
    req.setTimeout(10_000, () => req.destroy(new Error('request timed out')));
    if (chunked) for (const chunk of request.body as Buffer[]) req.write(chunk);
    else if (request.body !== undefined) req.write(request.body);
    req.end();
  });
}

/** JSON of a fuzzed event: bigint as text, the rest as JSON.stringify has it (NaN → null, undefined dropped). */
function jsonOf(event: unknown): string {
  try {
    return JSON.stringify(event, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value)) ?? 'null';
  } catch {
    // Nested too deep for a replacer: the same depth written out by hand.
    return nested(10_000, '[', '1', ']');
  }
}

/** Edits that break a JSON text. */
const breakJson: fc.Arbitrary<(text: string) => string> = fc.oneof(
  fc.nat().map((n) => (t: string) => t.slice(0, n % Math.max(1, t.length))),
  fc.tuple(fc.nat(), fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '\\', '\u0000', "'", 'x', ' ', '\n', '/*', '\ud800')).map(
    ([n, c]) => (t: string) => `${t.slice(0, n % (t.length + 1))}${c}${t.slice(n % (t.length + 1))}`,
  ),
  fc.nat().map((n) => (t: string) => `${t.slice(0, n % Math.max(1, t.length))}${t.slice((n % Math.max(1, t.length)) + 1)}`),
  fc.constantFrom(
    (t: string) => `\ufeff${t}`,
    (t: string) => `${t}${t}`,
    (t: string) => `${t},`,
    (t: string) => t.replace(/"/g, "'"),
    (t: string) => t.replace(/}$/, ',}'),
    (t: string) => `/* c */${t}`,
    (t: string) => `${t} // c`,
    (t: string) => t.replace(/:/, ':NaN,"x":'),
    (t: string) => t.replace(/:/, ':1e999,"x":'),
    (t: string) => t.replace(/:/, ':-0,"x":'),
    (t: string) => t.replace(/:/, ':"\\ud800","x":'),
    (t: string) => t.replace(/:/, ':"\\uZZZZ","x":'),
    (t: string) => t.replace(/:/, ':"a\u0001b","x":'),
    (t: string) => t.replace(/^\{/, '{"__proto__":{"x":1},'),
    (t: string) => t.replace(/^\{/, '{"constructor":{"prototype":{"x":1}},'),
    (t: string) => t.replace(/^\{/, '{"a":1,"a":2,'),
    (t: string) => `[${t}]`,
    (t: string) => `"${t}"`,
    (t: string) => t.toUpperCase(),
  ),
);

function nested(depth: number, open: string, leaf: string, close: string): string {
  return `${open.repeat(depth)}${leaf}${close.repeat(depth)}`;
}

/** Bodies of every kind, for a function whose event is `spec`. */
function bodyOf(spec: EventSpec): fc.Arbitrary<Buffer | Buffer[] | undefined> {
  const event = malformedEvent(spec).map(jsonOf);
  return fc.oneof(
    { weight: 6, arbitrary: event.map((t) => Buffer.from(t)) },
    { weight: 4, arbitrary: fc.tuple(event, breakJson).map(([t, f]) => Buffer.from(f(t))) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        Buffer.from(''),
        Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]), // UTF-16 with BOM
        Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), // invalid UTF-8 inside a string
        Buffer.from('{"phone":"\\u0031\\u0033\\u0039\\u0030\\u0030\\u0030\\u0030\\u0030\\u0030\\u0030\\u0030"}'),
        Buffer.from(nested(30_000, '[', '1', ']')),
        Buffer.from(nested(6_000, '{"a":', '1', '}')),
        Buffer.from(nested(60_000, '[', '', ']')), // over the limit
        Buffer.from(`{"phone":"13900000000","pad":"${'x'.repeat(BODY_LIMIT_BYTES)}"}`),
        Buffer.from(`{"pad":"${'\u4e2d'.repeat(BODY_LIMIT_BYTES / 3)}"}`),
        Buffer.from('null'),
        Buffer.from('1e999'),
        Buffer.from('-0'),
      ),
    },
    {
      weight: 1,
      // Chunked, without a Content-Length: the limit must hold on what arrives, not on what is announced.
      arbitrary: fc.constantFrom<Buffer[]>(
        [Buffer.from('{"phone":"'), Buffer.from('9'.repeat(40_000)), Buffer.from('9'.repeat(40_000)), Buffer.from('"}')],
        [Buffer.from('{"a":'), Buffer.from('1}')],
        [Buffer.from('{"a":')],
      ),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json;charset=utf-16le', 'application/json; charset=latin1',
      'application/json ; x=y', 'text/plain', 'text/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
      'application/json-patch+json', 'application/jsonp', 'application/json, text/plain', '*/*', '', 'application/xml', undefined,
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')) },
);

/** Stands for the leaver's session of the moment (logout may end it; it is renewed): replaced when the request is sent. */
const LEAVER = '<leaver>';

function authorization(world: FuzzWorld, name: string): fc.Arbitrary<string | undefined> {
  const auth = FUNCTIONS.get(name)?.auth ?? 'public';
  const right = name === 'logout' ? LEAVER : world.bearers[auth];
  // Never the worker's session for logout: an accepted logout would end the session every user function is fuzzed with.
  const others = Object.values(world.bearers).filter((b): b is string => b !== undefined && !(name === 'logout' && b === world.bearers.user));
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant(right === undefined ? undefined : `Bearer ${right}`) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom(...others).map((b) => `Bearer ${b}`),
        fc.constantFrom(undefined, '', 'Bearer', 'Bearer ', 'bearer  x', 'Basic YWRtaW46YWRtaW4=', `Bearer ${'a'.repeat(7_000)}`, 'Bearer a b', 'Bearer .', 'Bearer ..'),
        fc.string({ unit: 'grapheme-ascii', maxLength: 60 }).map((s) => `Bearer ${s.replace(/[^\x21-\x7e]/g, '')}`),
        fc.constant(right === undefined ? 'Bearer x' : `Bearer ${right}x`),
      ),
    },
  );
}

function requestFor(world: FuzzWorld, specs: Record<string, EventSpec>): fc.Arbitrary<Request & { name: string }> {
  return fc.constantFrom(...NAMES).chain((name) =>
    fc.record({
      name: fc.constant(name),
      method: fc.oneof({ weight: 12, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS') }),
      path: fc.oneof(
        { weight: 12, arbitrary: fc.constant(`/api/${name}`) },
        { weight: 1, arbitrary: fc.constantFrom(`/api/${name}?x=1`, `/api/${name}/`, `/api/${name.toUpperCase()}`, `/api/${name}%00`, '/api/%2e%2e/healthz', '/api/__proto__', `/api/${encodeURIComponent('函数')}`, '/api') },
      ),
      headers: fc.tuple(contentType, authorization(world, name)).map(([type, bearer]) => {
        const headers: Record<string, string> = {};
        if (type !== undefined) setOwn(headers, 'content-type', type);
        if (bearer !== undefined) setOwn(headers, 'authorization', bearer);
        return headers;
      }),
      body: bodyOf(specs[name] ?? {}),
    }),
  );
}

describe('fuzzed requests over HTTP to the gateway on 127.0.0.1 (pglite)', () => {
  const { h: harness } = useHarness('pglite');
  let world: FuzzWorld;
  let specs: Record<string, EventSpec>;
  let server: FastifyInstance;
  let port = 0;
  let state: DbState;
  const statuses: Record<string, number> = {};

  beforeAll(async () => {
    world = await buildFuzzWorld(harness());
    specs = eventSpecs(world.pools);
    state = new DbState(harness().app.db);
    server = await buildGateway(harness().app, FUNCTIONS, '/nonexistent-h5-dir');
    await server.listen({ host: '127.0.0.1', port: 0 });
    port = (server.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await server?.close();
  });

  /** The checks of every answer; returns the envelope. */
  function checkAnswer(response: Response, request: Request): Envelope {
    const context = `${request.method} ${request.path} → ${response.status} ${response.text.slice(0, 300)}`;
    expect(response.headers['content-type'], context).toMatch(/^application\/json/);
    expect(response.text, context).not.toMatch(STACK_TRACE);
    let envelope: Envelope;
    try {
      envelope = JSON.parse(response.text) as Envelope;
    } catch {
      throw new Error(`not JSON: ${context}`);
    }
    expect(envelopeProblems(envelope), context).toEqual([]);
    // The status mirrors the envelope; 413 (too large) and 405 (not POST) say more than INVALID_INPUT's 400.
    const expected = envelope.ok ? 200 : httpStatusOf(envelope);
    if (!(response.status === 413 || response.status === 405) || envelope.ok || envelope.error.code !== 'INVALID_INPUT') {
      expect(response.status, context).toBe(expected);
    }
    return envelope;
  }

  it(`answers ${RUNS} fuzzed requests with envelopes, writes nothing when it refuses, and keeps running`, async () => {
    const started = performance.now();
    let current = await state.snapshot();
    let count = 0;
    const details = await fc.check(
      fc.asyncProperty(requestFor(world, specs), async (request) => {
        count += 1;
        const authorizationHeader = request.headers.authorization;
        const sent = authorizationHeader?.includes(LEAVER)
          ? { ...request, headers: { ...request.headers, authorization: authorizationHeader.replace(LEAVER, world.leaver.token) } }
          : request;
        const response = await send(port, sent);
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        const envelope = checkAnswer(response, sent);
        // An accepted logout ended the leaver's session: a new one, before the tables are looked at.
        if (envelope.ok && request.name === 'logout') await world.renewLeaver();
        const after = await state.snapshot();
        if (!envelope.ok) {
          // A wrong code counts against its code; a staff lookup is audited even when nobody is found (SPEC 2.10).
          const allowed =
            envelope.error.code === 'INVALID_CODE'
              ? ['login_codes']
              : envelope.error.code === 'NOT_FOUND' && request.name === 'staffLookup'
                ? ['audit_events']
                : [];
          expect(changedTables(current, after).filter((t) => !allowed.includes(t)), `${envelope.error.code} wrote`).toEqual([]);
        }
        current = after;
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    if (details.failed) {
      const request = details.counterexample?.[0];
      const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      throw new Error(
        `failed after ${details.numRuns} requests (FUZZ_SEED=${details.seed})\nrequest: ${short({ ...request, body: request?.body === undefined ? undefined : Buffer.concat([request.body].flat()).toString('utf8') })}\ncause: ${cause.slice(0, 3_000)}`,
      );
    }
    console.info(`[fuzz http] seed ${SEED}: ${count} requests in ${Math.round(performance.now() - started)} ms; statuses ${JSON.stringify(statuses)}`);
    expect(count).toBe(RUNS);
  }, 60_000 + RUNS * 40);

  it.each([
    { what: 'a body over the limit with its Content-Length', body: Buffer.from(`{"phone":"${'1'.repeat(BODY_LIMIT_BYTES + 10)}"}`) },
    { what: 'a body over the limit sent in chunks without a Content-Length', body: Array.from({ length: 8 }, () => Buffer.from('9'.repeat(BODY_LIMIT_BYTES / 4))) },
    { what: 'a body of 1 MB', body: Buffer.alloc(1024 * 1024, 0x20) },
  ])('refuses $what with 413 INVALID_INPUT before the function runs', async ({ body }) => {
    const sent = harness().sms.sent.length;
    const response = await send(port, { method: 'POST', path: '/api/sendCode', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(413);
    expect(checkAnswer(response, { method: 'POST', path: '/api/sendCode', headers: {}, body: undefined })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', field: 'event' },
    });
    expect(harness().sms.sent.length).toBe(sent);
  });

  it.each([
    { what: 'JSON nested 30,000 arrays deep', body: nested(30_000, '[', '1', ']') },
    { what: 'JSON nested 6,000 objects deep', body: nested(6_000, '{"a":', '1', '}') },
    { what: 'a lone surrogate escape in a name', body: '{"name":"\\udfff","idNumber":"11010519491231002X","relationship":"spouse"}' },
    { what: 'an amount of 1e999 (Infinity once parsed)', body: '{"name":"张三","idNumber":"11010519491231002X","relationship":1e999}' },
    { what: 'bytes that are not UTF-8', body: Buffer.from([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xc0, 0x22, 0x7d]) },
    { what: 'a UTF-16 body announced as such', body: Buffer.from('\ufeff{"name":"x"}', 'utf16le'), type: 'application/json; charset=utf-16le' },
  ])('answers $what to a user function with INVALID_INPUT or a rule code, never INTERNAL', async ({ body, type }) => {
    const request: Request = {
      method: 'POST',
      path: '/api/bindRelative',
      headers: { 'content-type': type ?? 'application/json', authorization: `Bearer ${world.bearers.user}` },
      body: Buffer.isBuffer(body) ? body : Buffer.from(body),
    };
    const envelope = checkAnswer(await send(port, request), request);
    expect(envelope.ok).toBe(false);
  });

  /** Writes raw bytes on a connection of their own and reads everything until the server closes it. */
  function raw(bytes: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error)));
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
      socket.setTimeout(5_000, () => socket.destroy());
      socket.end(bytes);
    });
  }

  it.each([
    { what: 'bytes that are no HTTP at all', bytes: 'GARBAGE\r\n\r\n', status: 400 },
    { what: 'a Content-Length that is no number', bytes: 'POST /api/me HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}', status: 400 },
    { what: 'two Content-Lengths that disagree', bytes: 'POST /api/me HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}', status: 400 },
    { what: 'a chunked body with a broken chunk size', bytes: 'POST /api/me HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n', status: 400 },
    { what: 'a header of 20 KB', bytes: `POST /api/me HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`, status: 431 },
  ])('answers $what with an envelope, not the HTTP library\'s own error', async ({ bytes, status }) => {
    const answer = await raw(bytes);
    const [head = '', ...rest] = answer.split('\r\n\r\n');
    expect(head, answer.slice(0, 300)).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(head).toMatch(/content-type: application\/json/i);
    const envelope = JSON.parse(rest.join('\r\n\r\n')) as Envelope;
    expect(envelopeProblems(envelope)).toEqual([]);
    expect(envelope).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('is still up and healthy, and logged no defect', async () => {
    const response = await send(port, { method: 'GET', path: '/healthz', headers: {}, body: undefined });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ ok: true });
    const log = harness().log;
    expect(log.filter((line) => line.includes('gateway error') || line.includes('cloud function failed'))).toEqual([]);
    expect(log.filter((line) => line.includes('"msg":"call"')).length).toBeGreaterThan(RUNS / 2);
  });
});
