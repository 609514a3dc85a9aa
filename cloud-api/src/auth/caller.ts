// Loads fastify's types so the augmentation below extends them instead of declaring a new module.
import type {} from 'fastify';
import { z } from 'zod';

/** Who may use the HTTP API. Routes list the roles they allow; there is no implied hierarchy. */
export const ApiRole = z.enum(['admin', 'technician', 'merchant', 'resident', 'public']);
export type ApiRole = z.infer<typeof ApiRole>;

/** Roles an API token can carry: a request without credentials is `public`. */
export const TokenRole = ApiRole.exclude(['public']);
export type TokenRole = z.infer<typeof TokenRole>;

/** The authenticated identity of a request; `name` is the actor written to the audit log. */
export interface Caller {
  readonly role: ApiRole;
  readonly name: string;
  /** The API token that authenticated the request, or null (public, or another authenticator). */
  readonly tokenId: string | null;
}

/** A request that carries no credentials. */
export const PUBLIC_CALLER: Caller = Object.freeze({
  role: 'public',
  name: 'public',
  tokenId: null,
});

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for every request by the authentication hook before any route code runs. */
    caller: Caller;
  }
}
