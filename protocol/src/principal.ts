import { z } from 'zod';
import type { DeviceKind } from './ids.js';
import { DeviceId, ServiceName, SiteId } from './ids.js';

/** An authenticated MQTT identity. Devices are bound to one site and device id. */
export type Principal =
  | {
      readonly role: 'device';
      readonly site: string;
      readonly device: string;
      readonly kind: DeviceKind;
    }
  | { readonly role: 'cloud' | 'observer'; readonly name: string };

/**
 * A device's MQTT username is `site/device`; a service account's is its bare name. Service
 * names cannot contain `/`, so the two can never collide.
 */
export function usernameOf(p: Principal): string {
  return p.role === 'device' ? `${p.site}/${p.device}` : p.name;
}

const ClientSuffix = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/);

/**
 * Whether a CONNECT's client id belongs to this principal. A device must use exactly its
 * username, so a persistent session can only ever be resumed (or taken over) by the device it
 * belongs to. Service accounts run several instances, so they may add `:suffix`.
 */
export function clientIdAllowed(p: Principal, clientId: string): boolean {
  const username = usernameOf(p);
  if (clientId === username) return true;
  if (p.role === 'device') return false;
  const prefix = `${username}:`;
  return (
    clientId.startsWith(prefix) && ClientSuffix.safeParse(clientId.slice(prefix.length)).success
  );
}

/** Parses a username into the identity it claims (the password decides whether it holds). */
export function parseUsername(
  username: string,
): { kind: 'device'; site: string; device: string } | { kind: 'service'; name: string } | null {
  const parts = username.split('/');
  if (parts.length === 2) {
    const [site, device] = parts as [string, string];
    if (SiteId.safeParse(site).success && DeviceId.safeParse(device).success) {
      return { kind: 'device', site, device };
    }
    return null;
  }
  if (parts.length === 1 && ServiceName.safeParse(username).success) {
    return { kind: 'service', name: username };
  }
  return null;
}
