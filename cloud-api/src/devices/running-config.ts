import type { Kysely } from 'kysely';
import { z } from 'zod';
import { StreamName } from '@hameau/protocol';
import { deviceConfigStore } from '../device-config/device-config-store.js';
import type { Schema } from '../storage/schema.js';

/** The metering module's default health stream (`healthStream` in docs/metering.md). */
export const DEFAULT_METER_HEALTH_STREAM = 'meter-health';

/**
 * The few parts of an agent's configuration the health view names hardware with. Lenient on
 * purpose: the cloud stores whatever an admin sent, and the agent (not the cloud) checks it in
 * full; a part that does not match simply names nothing.
 */
const HardwareParts = z.object({
  modules: z
    .object({
      metering: z
        .object({
          healthStream: StreamName.optional().catch(undefined),
          buses: z
            .array(z.object({ meters: z.array(z.object({ id: z.string(), model: z.string() })) }))
            .optional(),
        })
        .optional()
        .catch(undefined),
      locker: z
        .object({
          buses: z.array(z.object({ id: z.string(), boards: z.array(z.number().int()) })),
        })
        .optional()
        .catch(undefined),
    })
    .optional()
    .catch(undefined),
});

/** What the configuration a device runs says about its meters and lock boards. */
export interface RunningHardware {
  /** Meter id → model, for the meters it lists. */
  readonly meterModels: ReadonlyMap<string, string>;
  /** The stream its meters report health on. */
  readonly meterHealthStream: string;
  /** Every lock board it lists, as `{bus, address}`. */
  readonly boards: readonly { readonly bus: string; readonly address: number }[];
}

const NOTHING: RunningHardware = {
  meterModels: new Map(),
  meterHealthStream: DEFAULT_METER_HEALTH_STREAM,
  boards: [],
};

/**
 * The meters and lock boards named by the desired configuration version the device reports
 * running. A device that runs its local `site.yaml` only (no version), or a module that version
 * leaves to `site.yaml`, names nothing here: the cloud never sees `site.yaml`.
 */
export async function runningHardware(
  db: Kysely<Schema>,
  key: { readonly site: string; readonly device: string },
  configVersion: number | null,
): Promise<RunningHardware> {
  if (configVersion === null) return NOTHING;
  const [record] = await deviceConfigStore.list(db, key, { limit: 1, before: configVersion + 1 });
  if (record?.version !== configVersion) return NOTHING;
  return hardwareOf(record.config);
}

/** `RunningHardware` from a configuration object. */
export function hardwareOf(config: unknown): RunningHardware {
  const parsed = HardwareParts.safeParse(config);
  if (!parsed.success) return NOTHING;
  const { metering, locker } = parsed.data.modules ?? {};
  return {
    meterModels: new Map(
      (metering?.buses ?? []).flatMap((bus) => bus.meters.map((m) => [m.id, m.model] as const)),
    ),
    meterHealthStream: metering?.healthStream ?? DEFAULT_METER_HEALTH_STREAM,
    boards: (locker?.buses ?? []).flatMap((bus) =>
      bus.boards.map((address) => ({ bus: bus.id, address })),
    ),
  };
}
