import { sql } from 'kysely';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HameauError } from '@hameau/protocol';
import type { AppContext } from '../app-context.js';
import { errorResponses } from './common-schemas.js';

const Health = z.object({ status: z.literal('ok'), database: z.literal('ok') }).strict();

/** `GET /healthz`: 200 when the database answers, 503 when not. Public, for load balancers. */
export const healthRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = (app, { ctx }) => {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness and database reachability',
        tags: ['health'],
        response: { 200: Health, ...errorResponses(503) },
      },
    },
    async () => {
      try {
        await sql`select 1`.execute(ctx.db);
      } catch (err) {
        ctx.log.warn({ err: (err as Error).message }, 'health check: database unreachable');
        throw new HameauError('DATABASE_UNAVAILABLE', 'the database does not answer');
      }
      return { status: 'ok' as const, database: 'ok' as const };
    },
  );
  return Promise.resolve();
};
