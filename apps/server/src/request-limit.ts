import { AppError, takeRequest, type Deps } from '@commerce/core';
import type { FastifyInstance } from 'fastify';
import { errorBody } from './error-body';

/**
 * Every request, on every route, counts against its client address before anything else runs
 * (a cached catalog answer included); per-user and per-order limits live in the procedures.
 */
export function registerRequestLimit(app: FastifyInstance, deps: Deps): void {
  app.addHook('onRequest', async (req, reply) => {
    try {
      await takeRequest(deps, 'ip', req.ip);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'TOO_MANY_REQUESTS') throw error;
      return reply
        .status(429)
        .header('retry-after', String(error.details.retryAfterSeconds ?? 1))
        .send(errorBody(req.url, 429, error.message));
    }
  });
}
