import { z } from 'zod';
import { IsoTime, isoTime, isoTimeOrNull } from '../http/common-schemas.js';
import { TokenRole } from './caller.js';
import type { ApiTokenInfo } from './token-store.js';
import type { CreatedToken } from './token-service.js';

export { CreateTokenInput as CreateTokenBody } from './token-service.js';

export const TokenParams = z.object({ id: z.string().min(1).max(64) }).strict();

export const TokenView = z
  .object({
    id: z.string(),
    name: z.string(),
    role: TokenRole,
    createdAt: IsoTime,
    revokedAt: IsoTime.nullable(),
  })
  .strict();

export const TokenList = z.object({ tokens: z.array(TokenView) }).strict();

export const CreatedTokenView = TokenView.extend({
  token: z.string().describe('The bearer token: shown this once, stored only as a hash'),
}).strict();

export function tokenView(t: ApiTokenInfo): z.output<typeof TokenView> {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    createdAt: isoTime(t.createdAt),
    revokedAt: isoTimeOrNull(t.revokedAt),
  };
}

export function createdTokenView(t: CreatedToken): z.output<typeof CreatedTokenView> {
  return { ...tokenView(t), token: t.token };
}
