import type { FastifyInstance } from 'fastify';
import type { App } from '../app';
import { ERROR_MESSAGES } from '../../src/rules/errorCodes';

/** How long `/readyz` waits for the database's `SELECT 1`. */
export const READY_TIMEOUT_MS = 2_000;

/** Whether the database answers `SELECT 1` within `timeoutMs`. Never throws. */
export async function databaseAnswers(app: App, timeoutMs = READY_TIMEOUT_MS): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      app.db.query('SELECT 1').then(
        () => true,
        () => false,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/healthz`: the process serves (liveness; never touches the database, so a load balancer
 * does not restart a gateway for the database's sake). `/readyz`: the database answers too
 * (readiness; 503 with the UNAVAILABLE envelope while it does not, SPEC 2.13).
 */
export function registerHealth(server: FastifyInstance, app: App): void {
  server.get('/healthz', async (_request, reply) => reply.header('cache-control', 'no-store').send({ ok: true }));
  server.get('/readyz', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    if (await databaseAnswers(app)) return reply.send({ ok: true });
    return reply.code(503).send({ ok: false, error: { code: 'UNAVAILABLE', message: ERROR_MESSAGES.UNAVAILABLE } });
  });
}
