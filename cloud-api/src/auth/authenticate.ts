import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HameauError } from '@hameau/protocol';
import { PUBLIC_CALLER, type Caller } from './caller.js';
import type { TokenService } from './token-service.js';

/**
 * One way of recognising a caller. Returns the caller, null when the request carries no
 * credentials this authenticator understands (the next one is tried), or throws a 401
 * `HameauError` when it carries credentials that are wrong. Resident or kiosk sign-in can be
 * added later as another authenticator, without touching the routes.
 */
export type Authenticator = (request: FastifyRequest) => Promise<Caller | null>;

const BEARER = /^Bearer +(\S+) *$/i;

/** `Authorization: Bearer <token>` against the API tokens. */
export function bearerTokenAuthenticator(tokens: TokenService): Authenticator {
  return async (request) => {
    const header = request.headers.authorization;
    if (header === undefined || !/^bearer\b/i.test(header)) return null;
    const token = BEARER.exec(header)?.[1];
    const caller = token === undefined ? null : await tokens.authenticate(token);
    if (caller === null) {
      throw new HameauError('TOKEN_INVALID', 'the bearer token is unknown, malformed or revoked');
    }
    return caller;
  };
}

/**
 * Resolves `request.caller` for every request before any route code runs. A request with wrong
 * credentials is refused even on a public route, so a client learns at once that its token is
 * bad instead of silently getting the public view.
 */
export function installAuthentication(
  app: FastifyInstance,
  authenticators: readonly Authenticator[],
): void {
  app.decorateRequest('caller');
  app.addHook('onRequest', async (request) => {
    request.caller = PUBLIC_CALLER;
    for (const authenticate of authenticators) {
      const caller = await authenticate(request);
      if (caller !== null) {
        request.caller = caller;
        return;
      }
    }
  });
}
