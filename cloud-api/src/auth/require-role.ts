import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { HameauError } from '@hameau/protocol';
import type { TokenRole } from './caller.js';

const ROLES = Symbol('hameau.roles');

/** A route hook made by `requireRole`, carrying its roles for the OpenAPI document. */
export type RoleGuard = onRequestAsyncHookHandler & { readonly [ROLES]: readonly TokenRole[] };

/**
 * A route's access rule: `onRequest: requireRole('technician', 'admin')`. No credentials gives
 * 401, a role not listed 403. It runs at `onRequest`, before the body is parsed or validated,
 * so an anonymous client learns nothing about a protected route's schema. Public routes have no
 * guard. Roles are listed explicitly: admin does not imply technician.
 */
export function requireRole(...roles: [TokenRole, ...TokenRole[]]): RoleGuard {
  const allowed = new Set<string>(roles);
  const guard = (request: FastifyRequest): Promise<void> => {
    const { role } = request.caller;
    if (role === 'public') {
      return Promise.reject(
        new HameauError('AUTH_REQUIRED', 'this endpoint needs an Authorization: Bearer token'),
      );
    }
    if (!allowed.has(role)) {
      return Promise.reject(
        new HameauError('FORBIDDEN', `role ${role} may not use this endpoint`, { role }),
      );
    }
    return Promise.resolve();
  };
  return Object.assign(guard, { [ROLES]: Object.freeze([...roles]) });
}

/** The roles of the guards among a route's `onRequest` hooks, or null for a public route. */
export function rolesOf(hooks: unknown): readonly TokenRole[] | null {
  const list: unknown[] = Array.isArray(hooks) ? hooks : [hooks];
  for (const hook of list) {
    if (typeof hook === 'function' && ROLES in hook) {
      return (hook as RoleGuard)[ROLES];
    }
  }
  return null;
}
