import { z } from 'zod';
import { apiSchemas } from '../http/api-schemas.js';
import { IsoTime, isoTime, isoTimeOrNull } from '../http/common-schemas.js';
import { ApiRole } from '../auth/caller.js';
import type { CallerInfo, OpenedSession } from './session-service.js';
import { UserName, UserRole, type User } from './user.js';
import type { UserWithPassword } from './user-service.js';

export { LoginInput as LoginBody } from './session-service.js';
export { CreateUserInput as CreateUserBody } from './user-service.js';

export const UserParams = z.object({ name: UserName }).strict();

export const UserView = z
  .object({
    name: z.string(),
    role: UserRole,
    disabled: z.boolean(),
    createdAt: IsoTime,
    createdBy: z.string(),
    updatedAt: IsoTime,
  })
  .strict()
  .register(apiSchemas, { id: 'User' });

export const UserList = z.object({ users: z.array(UserView) }).strict();

export const UserWithPasswordView = z
  .object({
    user: UserView,
    password: z.string().describe('The generated password: shown this once, stored as a hash'),
  })
  .strict();

export const SessionView = z
  .object({
    token: z
      .string()
      .describe('The bearer token of the session: shown this once, stored as its sha256'),
    user: z.object({ name: z.string(), role: UserRole }).strict(),
    expiresAt: IsoTime.describe('The token stops working then: sign in again'),
  })
  .strict();

export const WhoAmIView = z
  .object({
    name: z.string(),
    role: ApiRole,
    kind: z.enum(['session', 'token']).describe('A console sign-in, or an API token'),
    expiresAt: IsoTime.nullable().describe('When the session ends; null for an API token'),
  })
  .strict();

export function userView(u: User): z.output<typeof UserView> {
  return {
    name: u.name,
    role: u.role,
    disabled: u.disabled,
    createdAt: isoTime(u.createdAt),
    createdBy: u.createdBy,
    updatedAt: isoTime(u.updatedAt),
  };
}

export function userWithPasswordView(u: UserWithPassword): z.output<typeof UserWithPasswordView> {
  return { user: userView(u), password: u.password };
}

export function sessionView(s: OpenedSession): z.output<typeof SessionView> {
  return { token: s.token, user: { ...s.user }, expiresAt: isoTime(s.expiresAt) };
}

export function whoAmIView(c: CallerInfo): z.output<typeof WhoAmIView> {
  return { ...c, expiresAt: isoTimeOrNull(c.expiresAt) };
}
