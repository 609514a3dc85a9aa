import { z } from 'zod';
import { ConfigError } from '@hameau/protocol';
import { isTimeZone } from './town-calendar.js';

/** Where the default grid renewable share comes from, published with it. */
export const DEFAULT_GRID_SHARE_SOURCE =
  'Default value (25 %), not a measurement: a rough share of renewables in the grid mix. ' +
  "Set HAMEAU_GRID_RENEWABLE_SHARE from the supplier's published fuel mix.";

/** How the energy figures are computed; every field has a documented default. */
export const EnergySettings = z
  .object({
    /** The town's IANA time zone: days, weeks and months begin at its local midnight. */
    timeZone: z
      .string()
      .refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris')
      .default('Europe/Paris'),
    /** The renewable share of energy imported from the grid, 0 to 1. */
    gridRenewableShare: z.number().min(0).max(1).default(0.25),
    /** Where that share comes from, published with the green-share definition. */
    gridRenewableShareSource: z.string().min(1).max(500).default(DEFAULT_GRID_SHARE_SOURCE),
    /** A meter's power reading older than this is left out of "now" figures, and counted stale. */
    staleAfterSeconds: z.number().int().positive().max(86_400).default(300),
    /** The telemetry stream meters report on (the metering module's `stream`). */
    measurement: z.string().min(1).default('energy'),
  })
  .strict();
export type EnergySettings = Readonly<z.output<typeof EnergySettings>>;
export type EnergySettingsInput = z.input<typeof EnergySettings>;

/** The settings when none are configured. */
export const DEFAULT_ENERGY_SETTINGS: EnergySettings = Object.freeze(EnergySettings.parse({}));

/** Environment variables of the energy figures, each mapped to its setting. */
export const ENERGY_ENV = {
  HAMEAU_TOWN_TIME_ZONE: 'timeZone',
  HAMEAU_GRID_RENEWABLE_SHARE: 'gridRenewableShare',
  HAMEAU_GRID_RENEWABLE_SHARE_SOURCE: 'gridRenewableShareSource',
  HAMEAU_ENERGY_STALE_AFTER_S: 'staleAfterSeconds',
} as const satisfies Record<string, keyof EnergySettingsInput>;

const NUMERIC = new Set<string>(['gridRenewableShare', 'staleAfterSeconds']);

/**
 * The settings from the environment, every problem reported at once (named by variable). A
 * share set without its source gets a source saying it was configured, not the default's text.
 */
export function energySettingsFromEnv(env: NodeJS.ProcessEnv): EnergySettings {
  const input: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENERGY_ENV)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    input[key] = NUMERIC.has(key) && value.trim() !== '' ? Number(value) : value;
  }
  if (input.gridRenewableShare !== undefined && input.gridRenewableShareSource === undefined) {
    input.gridRenewableShareSource = 'Configured by the operator (HAMEAU_GRID_RENEWABLE_SHARE).';
  }
  const result = EnergySettings.safeParse(input);
  if (!result.success) {
    const nameOf = (key: string) =>
      Object.entries(ENERGY_ENV).find(([, k]) => k === key)?.[0] ?? key;
    throw new ConfigError(
      'energy environment',
      result.error.issues.map((i) => `${nameOf(i.path.join('.'))}: ${i.message}`),
    );
  }
  return Object.freeze(result.data);
}
