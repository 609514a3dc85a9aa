import type { z } from 'zod';
import type { DeviceContext, SimDevice } from './sim-device.js';

/** A validated scenario entry, bound to the device type that will build it. */
export interface DevicePlan {
  readonly type: string;
  readonly id: string;
  /** The entry after validation and defaults, for display and tests. */
  readonly entry: Readonly<Record<string, unknown>>;
  create(context: DeviceContext): SimDevice;
}

/**
 * A kind of simulated device as scenario files know it: its `type` name, a one-line summary
 * for `hameau sim --list`, and a schema that turns one scenario entry into a `DevicePlan`.
 */
export interface DeviceType {
  readonly type: string;
  readonly summary: string;
  /** The entry schema as written by the device type (for documentation and JSON Schema). */
  readonly entrySchema: z.ZodType;
  /** Validates one scenario entry; issue paths are relative to the entry. */
  readonly planSchema: z.ZodType<DevicePlan>;
}

/** What a device type module declares; `defineDeviceType` erases its entry type. */
export interface DeviceTypeSpec<E extends { readonly type: string; readonly id: string }> {
  readonly type: string;
  readonly summary: string;
  readonly schema: z.ZodType<E>;
  create(entry: E, context: DeviceContext): SimDevice;
}

/**
 * Builds a `DeviceType`. The entry's static type stays inside the device module, so the
 * registry can hold device types of any shape without casts.
 */
export function defineDeviceType<E extends { readonly type: string; readonly id: string }>(
  spec: DeviceTypeSpec<E>,
): DeviceType {
  const planSchema = spec.schema.transform((entry): DevicePlan =>
    Object.freeze({
      type: spec.type,
      id: entry.id,
      entry: Object.freeze({ ...entry }),
      create: (context: DeviceContext) => spec.create(entry, context),
    }),
  );
  return Object.freeze({
    type: spec.type,
    summary: spec.summary,
    entrySchema: spec.schema,
    planSchema,
  });
}
