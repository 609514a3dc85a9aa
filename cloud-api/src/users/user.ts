import { z } from 'zod';
import { RESERVED_ACTORS } from '../auth/token-service.js';

/** Who may sign in to the console: field staff and operators. */
export const UserRole = z.enum(['technician', 'admin']);
export type UserRole = z.infer<typeof UserRole>;

/**
 * A person's sign-in name, also the actor of their audit rows. Lower case only, so `Alice` and
 * `alice` can never be two people: sign-in lower-cases what was typed.
 */
export const UserName = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9._-]{0,38}[a-z0-9])?$/, {
    message: 'name must be 1-40 lower-case letters, digits or . _ -, not at either end',
  })
  .refine((name) => !RESERVED_ACTORS.includes(name), { message: 'name is reserved' });

/** A console user as services and routes see it: never the password or its hash. */
export interface User {
  readonly name: string;
  readonly role: UserRole;
  readonly disabled: boolean;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly updatedAt: number;
}
