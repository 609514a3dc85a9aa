import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HameauError } from '@hameau/protocol';
import { requireRole } from '../auth/require-role.js';
import { AUTH_ERRORS, errorResponses } from '../http/common-schemas.js';
import type { SessionService } from './session-service.js';
import { LoginBody, SessionView, WhoAmIView, sessionView, whoAmIView } from './user-schemas.js';

/** Console sign-in under `/api/v1/session`: open (public), read and close the caller's session. */
export const sessionRoutes: FastifyPluginAsyncZod<{ sessions: SessionService }> = (
  app,
  { sessions },
) => {
  const tags = ['auth'];
  const anyRole = requireRole('technician', 'admin', 'merchant', 'resident');

  app.post(
    '/session',
    {
      schema: {
        summary: 'Sign in with a username and password; 201 with a session token',
        description:
          'The token works like an API token with the user’s role, for 12 hours. A wrong ' +
          'password, an unknown or a disabled user all answer 401 `AUTH_FAILED`. Repeated ' +
          'failures lock the username and the client address out for a while (429 ' +
          '`LOGIN_THROTTLED` with `Retry-After`).',
        tags,
        body: LoginBody,
        response: { 201: SessionView, ...errorResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      try {
        const opened = await sessions.login(request.body, { address: request.ip });
        return await reply.code(201).header('cache-control', 'no-store').send(sessionView(opened));
      } catch (err) {
        if (err instanceof HameauError && err.code === 'LOGIN_THROTTLED') {
          void reply.header('retry-after', String(err.details['retryAfterSeconds']));
        }
        throw err;
      }
    },
  );

  app.get(
    '/session',
    {
      onRequest: anyRole,
      schema: {
        summary: 'Who the bearer token stands for, and when its session ends',
        tags,
        response: { 200: WhoAmIView, ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async (request) => whoAmIView(await sessions.whoAmI(request.caller)),
  );

  app.delete(
    '/session',
    {
      onRequest: anyRole,
      schema: {
        summary: 'Sign out: the session token stops working at once',
        description: '403 for an API token, which is revoked with `DELETE /api/v1/tokens/{id}`.',
        tags,
        response: { 204: z.undefined().describe('Signed out'), ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async (request, reply) => {
      await sessions.logout(request.caller);
      return reply.code(204).send();
    },
  );

  return Promise.resolve();
};
