import { z } from 'zod';
import { DeviceId, DeviceKind, SiteId } from '@hameau/protocol';
import { apiSchemas } from '../http/api-schemas.js';
import { IsoTime, isoTime, isoTimeOrNull } from '../http/common-schemas.js';
import type { CreatedDevice } from './device-service.js';
import type { DeviceStatus } from './device-status-store.js';
import type { DeviceRecord } from './device-store.js';

export { CreateDeviceInput as CreateDeviceBody } from './device-service.js';

export const DeviceParams = z.object({ site: SiteId, device: DeviceId }).strict();

export const ListDevicesQuery = z.object({ site: SiteId.optional() }).strict();

export const DeviceStatusView = z
  .object({
    online: z.boolean(),
    session: z.number().int(),
    lastSeenAt: IsoTime,
    lastBirthAt: IsoTime.nullable(),
    outboxDepth: z.number().int().nullable(),
    outboxOldestAgeMs: z.number().int().nullable(),
    configVersion: z.number().int().nullable(),
    agentVersion: z
      .string()
      .nullable()
      .describe('The agent software version its latest birth announced; null if it named none'),
    updatedAt: IsoTime,
  })
  .strict()
  .describe('Last known state, from MQTT status and telemetry; null until the device reports')
  .register(apiSchemas, { id: 'DeviceStatus' });

export const DeviceView = z
  .object({
    site: SiteId,
    device: DeviceId,
    kind: DeviceKind,
    createdAt: IsoTime,
    status: DeviceStatusView.nullable(),
  })
  .strict()
  .register(apiSchemas, { id: 'Device' });

export const DeviceList = z.object({ devices: z.array(DeviceView) }).strict();

export const CreatedDeviceView = z
  .object({
    site: SiteId,
    device: DeviceId,
    kind: DeviceKind,
    createdAt: IsoTime,
    mqtt: z
      .object({ username: z.string(), password: z.string() })
      .strict()
      .describe('Broker credentials: the password is shown this once and never stored'),
  })
  .strict();

/** A registry record as the API shows it. */
export function deviceView(d: DeviceRecord): z.output<typeof DeviceView> {
  return {
    site: d.site,
    device: d.device,
    kind: d.kind,
    createdAt: isoTime(d.createdAt),
    status: d.status && statusView(d.status),
  };
}

function statusView(s: DeviceStatus): z.output<typeof DeviceStatusView> {
  return {
    online: s.online,
    session: s.session,
    lastSeenAt: isoTime(s.lastSeen),
    lastBirthAt: isoTimeOrNull(s.lastBirth),
    outboxDepth: s.outboxDepth,
    outboxOldestAgeMs: s.outboxOldestAgeMs,
    configVersion: s.configVersion,
    agentVersion: s.agentVersion,
    updatedAt: isoTime(s.updatedAt),
  };
}

export function createdDeviceView(d: CreatedDevice): z.output<typeof CreatedDeviceView> {
  return { ...d, createdAt: isoTime(d.createdAt), mqtt: { ...d.mqtt } };
}
