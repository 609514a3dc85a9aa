import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth/require-role.js';
import { AUTH_ERRORS, errorResponses } from '../http/common-schemas.js';
import type { BankService } from './bank-service.js';
import {
  BankParams,
  BankView,
  BoxParams,
  BoxView,
  CreateBankBody,
  CredentialsView,
  PublicBankList,
  PublicBankView,
  SetBoxStateBody,
  UpdateBankBody,
  bankView,
  boxView,
  publicBankView,
} from './locker-schemas.js';

/** Locker banks and boxes under `/api/v1/lockers/banks`: public summaries, technicians' registry. */
export const bankRoutes: FastifyPluginAsyncZod<{ service: BankService }> = (app, { service }) => {
  const tags = ['lockers'];
  const staff = requireRole('technician', 'admin');

  app.get(
    '/lockers/banks',
    {
      schema: {
        summary: 'Locker banks with their free boxes per size',
        description: 'Public: what a resident or a shop needs to choose a bank.',
        tags,
        response: { 200: PublicBankList },
      },
    },
    async () => ({ banks: (await service.list()).map(publicBankView) }),
  );

  app.get(
    '/lockers/banks/:bank',
    {
      schema: {
        summary: 'One locker bank with its free boxes per size',
        tags,
        params: BankParams,
        response: { 200: PublicBankView, ...errorResponses(400, 404) },
      },
    },
    async (request) => publicBankView(await service.summary(request.params.bank)),
  );

  app.post(
    '/lockers/banks',
    {
      onRequest: staff,
      schema: {
        summary: 'Create a locker bank with its boxes',
        description:
          'The device must be registered, of kind `locker`, and drive no other bank. Its empty ' +
          'credential set (version 1) is published at once.',
        tags,
        body: CreateBankBody,
        response: { 201: BankView, ...errorResponses(400, ...AUTH_ERRORS, 404, 409) },
      },
    },
    async (request, reply) => {
      const created = await service.create(request.body, request.caller.name);
      void reply.header('location', `${app.prefix}/lockers/banks/${created.bank.id}/boxes`);
      return reply.code(201).send(bankView(created));
    },
  );

  app.get(
    '/lockers/banks/:bank/boxes',
    {
      onRequest: staff,
      schema: {
        summary: 'A locker bank with every box and its credential-set version',
        tags,
        params: BankParams,
        response: { 200: BankView, ...errorResponses(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) => bankView(await service.detail(request.params.bank)),
  );

  app.patch(
    '/lockers/banks/:bank',
    {
      onRequest: staff,
      schema: {
        summary: "Change a locker bank's name or location",
        tags,
        params: BankParams,
        body: UpdateBankBody,
        response: { 200: BankView, ...errorResponses(400, ...AUTH_ERRORS, 404) },
      },
    },
    async (request) =>
      bankView(await service.update(request.params.bank, request.body, request.caller.name)),
  );

  app.delete(
    '/lockers/banks/:bank',
    {
      onRequest: requireRole('admin'),
      schema: {
        summary: 'Delete a locker bank that never had a reservation',
        description: '409 `LOCKER_BANK_IN_USE` once it had one: put its boxes out of service.',
        tags,
        params: BankParams,
        response: {
          204: z.undefined().describe('Deleted'),
          ...errorResponses(400, ...AUTH_ERRORS, 404, 409),
        },
      },
    },
    async (request, reply) => {
      await service.delete(request.params.bank, request.caller.name);
      return reply.code(204).send();
    },
  );

  app.put(
    '/lockers/banks/:bank/boxes/:number',
    {
      onRequest: staff,
      schema: {
        summary: 'Put a box out of service, or back in service',
        description:
          '`available` on an `occupied` box says it was emptied (an expired parcel went back to ' +
          'its merchant). 409 `LOCKER_BOX_BUSY` while an active reservation holds the box.',
        tags,
        params: BoxParams,
        body: SetBoxStateBody,
        response: { 200: BoxView, ...errorResponses(400, ...AUTH_ERRORS, 404, 409) },
      },
    },
    async (request) => {
      const { bank, number } = request.params;
      return boxView(await service.setBoxState(bank, number, request.body, request.caller.name));
    },
  );

  app.post(
    '/lockers/banks/:bank/credentials/resync',
    {
      onRequest: staff,
      schema: {
        summary: "Publish a bank's credential set again",
        description:
          'Answers once the broker has it (retained); 503 `MQTT_UNAVAILABLE` when the API is ' +
          'not connected to the broker, which gets it at the next connection anyway.',
        tags,
        params: BankParams,
        response: { 200: CredentialsView, ...errorResponses(400, ...AUTH_ERRORS, 404, 503) },
      },
    },
    async (request) => service.resync(request.params.bank, request.caller.name),
  );

  return Promise.resolve();
};
