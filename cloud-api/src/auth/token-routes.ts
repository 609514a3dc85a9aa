import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { AUTH_ERRORS, errorResponses } from '../http/common-schemas.js';
import { requireRole } from './require-role.js';
import {
  CreateTokenBody,
  CreatedTokenView,
  TokenList,
  TokenParams,
  createdTokenView,
  tokenView,
} from './token-schemas.js';

/** API tokens under `/api/v1/tokens`, for admins. */
export const tokenRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = (app, { ctx }) => {
  const { tokens } = ctx;
  const tags = ['auth'];

  app.post(
    '/tokens',
    {
      onRequest: requireRole('admin'),
      schema: {
        summary: 'Create an API token',
        description: 'The token is in this response only; the server keeps its sha256.',
        tags,
        body: CreateTokenBody,
        response: { 201: CreatedTokenView, ...errorResponses(400, ...AUTH_ERRORS, 409) },
      },
    },
    async (request, reply) => {
      const created = await tokens.create(request.body, request.caller.name);
      return reply.code(201).send(createdTokenView(created));
    },
  );

  app.get(
    '/tokens',
    {
      onRequest: requireRole('admin'),
      schema: {
        summary: 'List API tokens, revoked ones included (never their secrets)',
        tags,
        response: { 200: TokenList, ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async () => ({ tokens: (await tokens.list()).map(tokenView) }),
  );

  app.delete(
    '/tokens/:id',
    {
      onRequest: requireRole('admin'),
      schema: {
        summary: 'Revoke an API token',
        tags,
        params: TokenParams,
        response: {
          204: z.undefined().describe('Revoked'),
          ...errorResponses(400, ...AUTH_ERRORS, 404),
        },
      },
    },
    async (request, reply) => {
      await tokens.revoke(request.params.id, request.caller.name);
      return reply.code(204).send();
    },
  );

  return Promise.resolve();
};
