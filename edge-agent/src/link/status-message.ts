import { TOPICS, type Clock } from '@hameau/protocol';
import type { LinkIdentity } from './link-topics.js';

/**
 * The device's retained status message: `online` as its birth, `offline` as its will (reason
 * `will`) or as its goodbye at a clean stop (reason `shutdown`). The session counter lets the
 * cloud tell a stale will from the current connection's.
 */
export function statusMessage(
  from: { readonly identity: LinkIdentity; readonly version: string; readonly clock: Clock },
  state: 'online' | 'offline',
  session: number,
  reason?: 'will' | 'shutdown',
): { readonly topic: string; readonly payload: Buffer } {
  const { site, device, kind } = from.identity;
  return {
    topic: TOPICS.status.build({ site, device }),
    payload: TOPICS.status.encode({
      state,
      session,
      at: new Date(from.clock.now()).toISOString(),
      kind,
      version: from.version,
      ...(reason && { reason }),
    }),
  };
}
