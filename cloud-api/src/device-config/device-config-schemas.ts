import { z } from 'zod';
import { DeviceId, SiteId } from '@hameau/protocol';
import { apiSchemas } from '../http/api-schemas.js';
import { IsoTime, isoTime, isoTimeOrNull } from '../http/common-schemas.js';
import type {
  DesiredConfigRecord,
  DeviceConfigState,
  ReportedConfig,
} from './device-config-record.js';

export { SetDeviceConfigInput as SetDeviceConfigBody } from './device-config-service.js';

export const DeviceConfigParams = z.object({ site: SiteId, device: DeviceId }).strict();

export const ListVersionsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    before: z.coerce
      .number()
      .int()
      .min(2)
      .optional()
      .describe('Return versions older than this one (the `next` of a previous page)'),
  })
  .strict();

export const DesiredConfigView = z
  .object({
    version: z.number().int().min(1),
    config: z.record(z.string(), z.unknown()),
    issuedAt: IsoTime,
    issuedBy: z.string().describe('The name of the token that set it'),
    publishedAt: IsoTime.nullable().describe(
      'The last publish the broker acknowledged; null while it never did (the API is not ' +
        'connected to the broker)',
    ),
  })
  .strict()
  .register(apiSchemas, { id: 'DesiredConfig' });

export const ReportedConfigView = z
  .object({
    configVersion: z
      .number()
      .int()
      .nullable()
      .describe('The desired version the device runs; null before it applied any'),
    rejected: z
      .object({ version: z.number().int(), reason: z.string() })
      .strict()
      .nullable()
      .describe('A newer version the device refused, with its reason; the previous one runs'),
    ignoredKeys: z
      .record(z.string(), z.array(z.string()))
      .describe(
        'The local-only keys (wiring, safety caps) the running version set and the device ' +
          "ignored, by module: `{lighting: ['failsafe']}`; site.yaml's values run instead. " +
          '`{}` when none',
      ),
    at: IsoTime.describe("The report's time, by the device's clock"),
  })
  .strict();

export const DeviceConfigView = z
  .object({
    desired: DesiredConfigView.nullable().describe('The latest version; null when none was set'),
    reported: ReportedConfigView.nullable().describe(
      'What the device last reported on `…/state`; null until it reports',
    ),
    inSync: z
      .boolean()
      .describe(
        'The device runs the latest desired version (or neither side has one); false while a ' +
          'new version is on its way, after a rejection, or when the device runs another version',
      ),
  })
  .strict()
  .register(apiSchemas, { id: 'DeviceConfig' });

export const DesiredConfigPage = z
  .object({
    versions: z.array(DesiredConfigView),
    next: z
      .number()
      .int()
      .nullable()
      .describe('Pass as `before` for the next page; null at the end'),
  })
  .strict();

/** A version as the API shows it. */
export function desiredConfigView(r: DesiredConfigRecord): z.output<typeof DesiredConfigView> {
  return {
    version: r.version,
    config: r.config,
    issuedAt: isoTime(r.issuedAt),
    issuedBy: r.issuedBy,
    publishedAt: isoTimeOrNull(r.publishedAt),
  };
}

/** A device's desired and reported configuration as the API shows it. */
export function deviceConfigView(s: DeviceConfigState): z.output<typeof DeviceConfigView> {
  return {
    desired: s.desired && desiredConfigView(s.desired),
    reported: s.reported && reportedConfigView(s.reported),
    inSync: s.inSync,
  };
}

function reportedConfigView(r: ReportedConfig): z.output<typeof ReportedConfigView> {
  return {
    configVersion: r.configVersion,
    rejected: r.rejected,
    ignoredKeys: Object.fromEntries(Object.entries(r.ignoredKeys).map(([m, k]) => [m, [...k]])),
    at: isoTime(r.at),
  };
}
