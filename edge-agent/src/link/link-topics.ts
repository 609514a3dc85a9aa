import { TOPICS, type DeviceKind } from '@hameau/protocol';

/** Who the link speaks for: `site/device` is its MQTT identity, `kind` what it subscribes to. */
export interface LinkIdentity {
  readonly site: string;
  readonly device: string;
  readonly kind: DeviceKind;
}

/** A message on one of the device's own topics, by what it is for. */
export type IncomingMessage =
  | { readonly kind: 'command'; readonly name: string }
  | { readonly kind: 'desiredConfig' }
  | { readonly kind: 'credentials' }
  | { readonly kind: 'weather' }
  | { readonly kind: 'ingested' };

/**
 * What the device subscribes to: its commands and desired config; a locker bank its credential
 * set, a lighting controller its relayed weather; with cloud acknowledgements, its `ingested`
 * topic (returned apart, since an older broker's ACL may refuse it alone).
 */
export function linkSubscriptions(
  identity: LinkIdentity,
  cloudAck: boolean,
): { readonly filters: string[]; readonly ingested: string } {
  const id = { site: identity.site, device: identity.device };
  const ingested = TOPICS.ingested.build(id);
  const filters = [TOPICS.command.filter(id), TOPICS.desiredConfig.build(id)];
  if (identity.kind === 'locker') filters.push(TOPICS.credentials.build(id));
  if (identity.kind === 'lighting') filters.push(TOPICS.weather.build(id));
  if (cloudAck) filters.push(ingested);
  return { filters, ingested };
}

/** What a received topic is for, or null when it is not one of this device's own. */
export function classifyIncoming(topic: string, identity: LinkIdentity): IncomingMessage | null {
  const mine = (params: { site: string; device: string } | null) =>
    params !== null && params.site === identity.site && params.device === identity.device;
  const command = TOPICS.command.match(topic);
  if (command && mine(command)) return { kind: 'command', name: command.name };
  if (mine(TOPICS.desiredConfig.match(topic))) return { kind: 'desiredConfig' };
  if (mine(TOPICS.credentials.match(topic))) return { kind: 'credentials' };
  if (mine(TOPICS.weather.match(topic))) return { kind: 'weather' };
  if (mine(TOPICS.ingested.match(topic))) return { kind: 'ingested' };
  return null;
}
