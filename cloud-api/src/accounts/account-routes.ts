import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { requireRole } from '../auth/require-role.js';
import { AUTH_ERRORS, errorResponses, isoTime } from '../http/common-schemas.js';
import {
  CreateServiceAccountBody,
  CreatedServiceAccountView,
  MqttAccountList,
  ServiceAccountParams,
  mqttAccountView,
} from './account-schemas.js';

/**
 * Broker identities under `/api/v1/mqtt-accounts`, for admins. Device accounts are created and
 * deleted with their device; only service accounts (cloud, observer) are managed here.
 */
export const accountRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = (app, { ctx }) => {
  const { accounts } = ctx;
  const tags = ['mqtt-accounts'];

  app.post(
    '/mqtt-accounts',
    {
      onRequest: requireRole('admin'),
      schema: {
        summary: 'Create a cloud or observer MQTT account',
        tags,
        body: CreateServiceAccountBody,
        response: { 201: CreatedServiceAccountView, ...errorResponses(400, ...AUTH_ERRORS, 409) },
      },
    },
    async (request, reply) => {
      const created = await accounts.create(request.body, request.caller.name);
      return reply.code(201).send({ ...created, createdAt: isoTime(created.createdAt) });
    },
  );

  app.get(
    '/mqtt-accounts',
    {
      onRequest: requireRole('admin'),
      schema: {
        summary: 'List MQTT accounts, devices and services (never their hashes)',
        tags,
        response: { 200: MqttAccountList, ...errorResponses(...AUTH_ERRORS) },
      },
    },
    async () => ({ accounts: (await accounts.list()).map(mqttAccountView) }),
  );

  app.delete(
    '/mqtt-accounts/:name',
    {
      onRequest: requireRole('admin'),
      schema: {
        summary: 'Delete a service account',
        tags,
        params: ServiceAccountParams,
        response: {
          204: z.undefined().describe('Deleted'),
          ...errorResponses(400, ...AUTH_ERRORS, 404),
        },
      },
    },
    async (request, reply) => {
      await accounts.delete(request.params.name, request.caller.name);
      return reply.code(204).send();
    },
  );

  return Promise.resolve();
};
