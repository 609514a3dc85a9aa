import { z } from 'zod';
import { DeviceId, DeviceKind, ServiceName, SiteId } from '@hameau/protocol';
import { IsoTime, isoTime } from '../http/common-schemas.js';
import type { MqttAccountInfo } from './mqtt-account-store.js';

export { CreateServiceAccountInput as CreateServiceAccountBody } from './service-account-service.js';

export const ServiceAccountParams = z.object({ name: ServiceName }).strict();

export const MqttAccountView = z
  .object({
    username: z.string(),
    role: z.enum(['device', 'cloud', 'observer']),
    site: SiteId.nullable(),
    device: DeviceId.nullable(),
    kind: DeviceKind.nullable(),
    createdAt: IsoTime,
  })
  .strict();

export const MqttAccountList = z.object({ accounts: z.array(MqttAccountView) }).strict();

export const CreatedServiceAccountView = z
  .object({
    username: ServiceName,
    role: z.enum(['cloud', 'observer']),
    createdAt: IsoTime,
    password: z.string().describe('Shown this once and never stored'),
  })
  .strict();

export function mqttAccountView(a: MqttAccountInfo): z.output<typeof MqttAccountView> {
  return { ...a, createdAt: isoTime(a.createdAt) };
}
