import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole } from '../auth/require-role.js';
import { AUTH_ERRORS, errorResponses } from '../http/common-schemas.js';
import {
  CreateUserBody,
  UserList,
  UserParams,
  UserView,
  UserWithPasswordView,
  userView,
  userWithPasswordView,
} from './user-schemas.js';
import type { UserService } from './user-service.js';

/** Console users under `/api/v1/users`, for admins. */
export const userRoutes: FastifyPluginAsyncZod<{ users: UserService }> = (app, { users }) => {
  const tags = ['users'];
  const admin = requireRole('admin');

  app.post(
    '/users',
    {
      onRequest: admin,
      schema: {
        summary: 'Create a console user (technician or admin)',
        description: 'The generated password is in this response only.',
        tags,
        body: CreateUserBody,
        response: { 201: UserWithPasswordView, ...errorResponses(400, ...AUTH_ERRORS, 409) },
      },
    },
    async (request, reply) => {
      const created = await users.create(request.body, request.caller.name);
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send(userWithPasswordView(created));
    },
  );

  app.get(
    '/users',
    {
      onRequest: admin,
      schema: {
        summary: 'List console users, disabled ones included (never a password or hash)',
        tags,
        response: { 200: UserList, ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async () => ({ users: (await users.list()).map(userView) }),
  );

  app.post(
    '/users/:name/disable',
    {
      onRequest: admin,
      schema: {
        summary: 'Disable a user: sign-ins refused, sessions ended at once',
        tags,
        params: UserParams,
        response: { 200: UserView, ...errorResponses(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) => userView(await users.disable(request.params.name, request.caller.name)),
  );

  app.post(
    '/users/:name/enable',
    {
      onRequest: admin,
      schema: {
        summary: 'Let a disabled user sign in again',
        tags,
        params: UserParams,
        response: { 200: UserView, ...errorResponses(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) => userView(await users.enable(request.params.name, request.caller.name)),
  );

  app.post(
    '/users/:name/reset-password',
    {
      onRequest: admin,
      schema: {
        summary: 'Give a user a new generated password, shown once; ends their sessions',
        tags,
        params: UserParams,
        response: { 200: UserWithPasswordView, ...errorResponses(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      const reset = await users.resetPassword(request.params.name, request.caller.name);
      return reply.header('cache-control', 'no-store').send(userWithPasswordView(reset));
    },
  );

  return Promise.resolve();
};
