import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { loadCloudFunctions } from '../../server/gateway/functions';
import { buildGateway } from '../../server/gateway/server';
import { useTestDb } from '../support/adapters';
import { Harness } from '../support/harness';

/**
 * SPEC 2.13: a request whose body never ends does not hold a connection for minutes. The
 * gateway's timeouts are configuration (HTTP_*); here they are short, and the bound the test
 * waits for is generous (the machine is shared and slow).
 */

const GENEROUS_MS = 20_000;

/** Opens a raw connection, writes `head`, then `trickle` every `everyMs` (if any); resolves with what came back when the server closes it. */
function hold(port: number, head: string, trickle?: { bytes: string; everyMs: number }): Promise<{ closed: boolean; received: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      resolve({ closed: false, received });
    }, GENEROUS_MS);
    socket.on('connect', () => {
      socket.write(head);
      if (trickle) timer = setInterval(() => socket.writable && socket.write(trickle.bytes), trickle.everyMs);
    });
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(giveUp);
      clearInterval(timer);
      resolve({ closed: true, received });
    });
    socket.on('timeout', () => reject(new Error('unexpected')));
  });
}

describe('the gateway closes requests that never end (PGlite)', () => {
  const getDb = useTestDb('pglite');
  let server: FastifyInstance;
  let port = 0;

  beforeAll(async () => {
    const h = await Harness.create(getDb(), {
      HTTP_REQUEST_TIMEOUT_MS: '1000',
      HTTP_HEADERS_TIMEOUT_MS: '500',
      HTTP_CONNECTION_TIMEOUT_MS: '5000',
      HTTP_TIMEOUT_CHECK_INTERVAL_MS: '100',
    });
    server = await buildGateway(h.app, await loadCloudFunctions(), '/nonexistent-h5', '/nonexistent-staff');
    await server.listen({ port: 0, host: '127.0.0.1' });
    const address = server.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('Content-Length 1000 and 10 bytes sent: the server answers 408 and closes the connection', async () => {
    const head = 'POST /api/sendCode HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"phone":"';
    const result = await hold(port, head);
    expect(result.closed).toBe(true);
    expect(result.received).toMatch(/^HTTP\/1\.1 408/);
    expect(result.received).toContain('INVALID_INPUT');
  });

  it('a body trickled a byte at a time (never idle) is closed all the same', async () => {
    const head = 'POST /api/sendCode HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{';
    const result = await hold(port, head, { bytes: ' ', everyMs: 100 });
    expect(result.closed).toBe(true);
  });

  it('headers that never end are closed', async () => {
    const result = await hold(port, 'POST /api/sendCode HTTP/1.1\r\nHost: 127.0.0.1\r\n', { bytes: 'X-A: b\r\n', everyMs: 100 });
    expect(result.closed).toBe(true);
  });

  it('the timeouts and the body limit are configuration, with safe defaults', () => {
    const { http } = loadConfig({ APP_ENV: 'production', ADMIN_KEY: 'a'.repeat(40), SESSION_SECRET: 'b'.repeat(40), ID_DIGEST_KEY: 'c'.repeat(40) });
    expect(http).toMatchObject({ requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 5_000, bodyLimitBytes: 64 * 1024 });
    expect(server.server.requestTimeout).toBe(1000);
    expect(server.server.headersTimeout).toBe(500);
    expect(() => loadConfig({ APP_ENV: 'development', HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_HEADERS_TIMEOUT_MS: '5000' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS/);
  });
});
