import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole } from '../auth/require-role.js';
import { CommandView, commandView } from '../commands/command-schemas.js';
import { AUTH_ERRORS, errorResponses } from '../http/common-schemas.js';
import {
  CreatedReservationView,
  ListReservationsQuery,
  OpenBoxBody,
  ReservationDetailView,
  ReservationList,
  ReservationParams,
  ReservationView,
  ReserveBody,
  historyView,
  reservationView,
} from './locker-schemas.js';
import type { ReservationService } from './reservation-service.js';

/** Reservations under `/api/v1/lockers/reservations`: merchants' own, staff see all. */
export const reservationRoutes: FastifyPluginAsyncZod<{ service: ReservationService }> = (
  app,
  { service },
) => {
  const tags = ['lockers'];

  app.post(
    '/lockers/reservations',
    {
      onRequest: requireRole('merchant', 'admin'),
      schema: {
        summary: 'Reserve a locker box for a parcel',
        description:
          'Takes the lowest-numbered free box of `size` (or, with `allowLarger`, of the smallest ' +
          'larger size that has one; never silently). Answers 201 with the pickup code (for the ' +
          'recipient) and the drop-off code (for the merchant): shown this once, only their ' +
          'keyed hashes are kept. 409 `LOCKER_NO_BOX_AVAILABLE` when no box is free, ' +
          '`LOCKER_RESERVATION_EXISTS` when the reference has an active reservation.',
        tags,
        body: ReserveBody,
        response: { 201: CreatedReservationView, ...errorResponses(400, ...AUTH_ERRORS, 404, 409) },
      },
    },
    async (request, reply) => {
      const created = await service.reserve(request.body, request.caller);
      void reply.header('location', `${app.prefix}/lockers/reservations/${created.reservation.id}`);
      return reply.code(201).send({
        reservation: reservationView(created.reservation),
        pickupCode: created.pickupCode,
        dropoffCode: created.dropoffCode,
      });
    },
  );

  app.get(
    '/lockers/reservations',
    {
      onRequest: requireRole('merchant', 'technician', 'admin'),
      schema: {
        summary: 'Reservations, newest first',
        description: "A merchant sees its own only; technicians and admins everyone's.",
        tags,
        querystring: ListReservationsQuery,
        response: { 200: ReservationList, ...errorResponses(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) => {
      const reservations = await service.list(request.query, request.caller);
      const last = reservations.at(-1);
      return {
        reservations: reservations.map(reservationView),
        next: reservations.length === request.query.limit && last ? last.id : null,
      };
    },
  );

  app.get(
    '/lockers/reservations/:id',
    {
      onRequest: requireRole('merchant', 'technician', 'admin'),
      schema: {
        summary: 'One reservation with its history',
        description: "404 `LOCKER_RESERVATION_NOT_FOUND` for another merchant's reservation.",
        tags,
        params: ReservationParams,
        response: { 200: ReservationDetailView, ...errorResponses(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) => {
      const reservation = await service.get(request.params.id, request.caller);
      const history = await service.history(reservation.id, request.caller);
      return { reservation: reservationView(reservation), history: history.map(historyView) };
    },
  );

  app.post(
    '/lockers/reservations/:id/cancel',
    {
      onRequest: requireRole('merchant', 'admin'),
      schema: {
        summary: 'Cancel a reservation before its parcel is deposited',
        description:
          'Frees the box and withdraws both codes from the bank (a new credential set). ' +
          'Cancelling twice answers 200; after the deposit 409 ' +
          '`LOCKER_RESERVATION_TRANSITION_INVALID`.',
        tags,
        params: ReservationParams,
        response: { 200: ReservationView, ...errorResponses(400, ...AUTH_ERRORS, 404, 409) },
      },
    },
    async (request) => reservationView(await service.cancel(request.params.id, request.caller)),
  );

  app.post(
    '/lockers/reservations/:id/open',
    {
      onRequest: requireRole('merchant', 'technician', 'admin'),
      schema: {
        summary: "Open the reservation's box by command (`unlock`)",
        description:
          'A merchant, for its own reservation while `reserved` (the drop-off without typing ' +
          'the code); technicians and admins at any state, with a `reason`. Answers 201 with ' +
          'the command (the commands domain delivers it), or 200 for a retried `commandId`.',
        tags,
        params: ReservationParams,
        body: OpenBoxBody.nullish(),
        response: {
          200: CommandView,
          201: CommandView,
          ...errorResponses(400, ...AUTH_ERRORS, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const { created, command } = await service.open(
        request.params.id,
        request.body ?? null,
        request.caller,
      );
      return reply.code(created ? 201 : 200).send(commandView(command));
    },
  );

  return Promise.resolve();
};
