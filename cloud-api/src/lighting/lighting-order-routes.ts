import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole } from '../auth/require-role.js';
import { CommandView, commandView } from '../commands/command-schemas.js';
import type { CreatedCommand } from '../commands/command-service.js';
import { AUTH_ERRORS, errorResponses } from '../http/common-schemas.js';
import type { LightingOrderService } from './lighting-order-service.js';
import {
  ClearOverrideBody,
  ControllerParams,
  ItemParams,
  OverrideBody,
} from './lighting-schemas.js';

const LIFECYCLE =
  'Answers 201 with the command (200 with the existing one for a retry with the same `id`); ' +
  'follow it at `GET /api/v1/commands/{id}`: `sent`, `delivered`, then `succeeded` or `failed` ' +
  'with the controller’s answer.';

/**
 * Console orders to a lighting controller, sent as agent commands (the fast path, not a
 * configuration version): `override` and `clear-override`.
 */
export const lightingOrderRoutes: FastifyPluginAsyncZod<{ service: LightingOrderService }> = (
  app,
  { service },
) => {
  const tags = ['lighting'];
  const roles = requireRole('technician', 'admin');
  const responses = {
    200: CommandView,
    201: CommandView,
    ...errorResponses(400, ...AUTH_ERRORS, 404, 409),
  };
  const send = (reply: FastifyReply, { created, command }: CreatedCommand) => {
    if (created) void reply.header('location', `${app.prefix}/commands/${command.id}`);
    return reply.code(created ? 201 : 200).send(commandView(command));
  };

  app.post(
    '/devices/:site/:device/lighting/overrides',
    {
      onRequest: roles,
      schema: {
        summary: 'Override zones now: the `override` command',
        description:
          'Puts the zones at `level` for `minutes`, or `until` an instant, ramping over ' +
          '`rampSeconds`; `reason` goes into the reason trace. Zones are checked against the ' +
          `desired configuration when it lists any. ${LIFECYCLE}`,
        tags,
        params: ControllerParams,
        body: OverrideBody,
        response: responses,
      },
    },
    async (request, reply) =>
      send(reply, await service.override(request.params, request.body, request.caller.name)),
  );

  app.post(
    '/devices/:site/:device/lighting/overrides/:id/clear',
    {
      onRequest: roles,
      schema: {
        summary: 'End an override now: the `clear-override` command',
        description: `The zones ramp back to their schedule. ${LIFECYCLE}`,
        tags,
        params: ItemParams,
        body: ClearOverrideBody.nullish(),
        response: responses,
      },
    },
    async (request, reply) => {
      const { id, ...key } = request.params;
      return send(reply, await service.clearOverride(key, id, request.body, request.caller.name));
    },
  );

  return Promise.resolve();
};
