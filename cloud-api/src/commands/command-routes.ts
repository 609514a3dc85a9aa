import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole } from '../auth/require-role.js';
import { AUTH_ERRORS, errorResponses } from '../http/common-schemas.js';
import {
  CommandList,
  CommandParams,
  CommandView,
  CreateCommandBody,
  DeviceCommandsParams,
  ListCommandsQuery,
  commandView,
} from './command-schemas.js';
import type { CommandService } from './command-service.js';

/** Commands under `/api/v1`: per device to create and list, by id to read and cancel. */
export const commandRoutes: FastifyPluginAsyncZod<{ service: CommandService }> = (
  app,
  { service },
) => {
  const tags = ['commands'];
  const roles = requireRole('technician', 'admin');

  app.post(
    '/devices/:site/:device/commands',
    {
      onRequest: roles,
      schema: {
        summary: 'Send a command to a device',
        description:
          'Answers 201 with the command, `sent` when the broker took it or `queued` when the API ' +
          'is not connected to it (it goes out on reconnect or at the device birth). An `id` ' +
          'makes retries safe: the same id and content answers 200 with the existing command, ' +
          'different content 409 `COMMAND_CONFLICT`.',
        tags,
        params: DeviceCommandsParams,
        body: CreateCommandBody,
        response: {
          200: CommandView,
          201: CommandView,
          ...errorResponses(400, ...AUTH_ERRORS, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const { site, device } = request.params;
      const { created, command } = await service.create(
        site,
        device,
        request.body,
        request.caller.name,
      );
      if (!created) return reply.code(200).send(commandView(command));
      void reply.header('location', `${app.prefix}/commands/${command.id}`);
      return reply.code(201).send(commandView(command));
    },
  );

  app.get(
    '/devices/:site/:device/commands',
    {
      onRequest: roles,
      schema: {
        summary: "A device's commands, newest first",
        tags,
        params: DeviceCommandsParams,
        querystring: ListCommandsQuery,
        response: { 200: CommandList, ...errorResponses(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) => {
      const { site, device } = request.params;
      const commands = await service.list(site, device, request.query);
      return { commands: commands.map(commandView) };
    },
  );

  app.get(
    '/commands/:id',
    {
      onRequest: roles,
      schema: {
        summary: 'One command with its state and result',
        tags,
        params: CommandParams,
        response: { 200: CommandView, ...errorResponses(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) => commandView(await service.get(request.params.id)),
  );

  app.post(
    '/commands/:id/cancel',
    {
      onRequest: roles,
      schema: {
        summary: 'Cancel a command the device has not accepted yet',
        description:
          'It is never published again; a copy already with the broker may still reach the ' +
          'device, whose answer then shows as `lateResult`. 409 `COMMAND_FINISHED` once the ' +
          'device accepted it or it reached a final state; cancelling twice answers 200.',
        tags,
        params: CommandParams,
        response: { 200: CommandView, ...errorResponses(400, ...AUTH_ERRORS, 404, 409) },
      },
    },
    async (request) => commandView(await service.cancel(request.params.id, request.caller.name)),
  );

  return Promise.resolve();
};
