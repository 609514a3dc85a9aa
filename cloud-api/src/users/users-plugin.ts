import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../app-context.js';
import { SessionService } from './session-service.js';
import { sessionRoutes } from './session-routes.js';
import { userRoutes } from './user-routes.js';
import { UserService } from './user-service.js';

/**
 * The users domain: people who sign in to the technician console (`/users`, for admins) and
 * their sessions (`/session`). A session is an API token with the person's role, so every other
 * route guards it like any token.
 */
export const usersPlugin: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const { db, clock, log } = ctx;
  const sessions = new SessionService({ db, clock, log });
  app.addHook('onReady', () => sessions.warmUp());
  await app.register(sessionRoutes, { sessions });
  await app.register(userRoutes, { users: new UserService({ db, clock, log }) });
};
