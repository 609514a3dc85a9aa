import { z } from 'zod';
import { ConfigError } from '@hameau/protocol';
import { LockerPepper } from './locker-keys.js';
import type { LockerNotifier } from './locker-notifier.js';

/** How often the sweeper expires reservations and retries notifications, by default. */
export const LOCKER_SWEEP_INTERVAL_MS = 30_000;

const isFunction = (v: unknown) => typeof v === 'function';

/**
 * What the lockers domain needs from the program that builds the app (`AppOptions.lockers`).
 * The server passes the pepper it resolved and the log-file notifier; without a pepper, the
 * app makes a random one that lives as long as the process (fine for tests, useless for a
 * town: codes would stop matching at the next restart, and the domain says so in its log).
 */
export const LockerOptions = z
  .object({
    pepper: LockerPepper.optional(),
    /** Tells recipients their parcel is ready or expired; a log-only one by default. */
    notifier: z
      .custom<LockerNotifier>(
        (v) =>
          typeof v === 'object' &&
          v !== null &&
          isFunction((v as Partial<LockerNotifier>).parcelReady) &&
          isFunction((v as Partial<LockerNotifier>).parcelExpired),
        { message: 'must be a LockerNotifier ({ name, parcelReady, parcelExpired })' },
      )
      .optional(),
    sweepIntervalMs: z.number().int().positive().default(LOCKER_SWEEP_INTERVAL_MS),
  })
  .strict();
export type LockerOptions = Readonly<z.output<typeof LockerOptions>>;
export type LockerOptionsInput = z.input<typeof LockerOptions>;

/** Where the server finds the pepper (`ApiConfig.lockers`); both optional, see `resolveLockerPepper`. */
export const LockerConfig = z
  .object({
    pepper: LockerPepper.optional(),
    pepperFile: z.string().min(1).optional(),
  })
  .strict();
export type LockerConfig = Readonly<z.output<typeof LockerConfig>>;

/** Environment variables of the lockers domain, each mapped to its config key. */
export const LOCKER_ENV = {
  HAMEAU_LOCKER_PEPPER: 'pepper',
  HAMEAU_LOCKER_PEPPER_FILE: 'pepperFile',
} as const satisfies Record<string, keyof LockerConfig>;

/**
 * The lockers config from the environment; undefined when none of its variables is set (the
 * server then uses the generated `<dataDir>/locker-pepper`). Problems are named by variable,
 * and a pepper is never echoed.
 */
export function lockerConfigFromEnv(env: NodeJS.ProcessEnv): LockerConfig | undefined {
  const input: Record<string, string> = {};
  for (const [name, key] of Object.entries(LOCKER_ENV)) {
    const value = env[name];
    if (value !== undefined && value !== '') input[key] = value;
  }
  if (Object.keys(input).length === 0) return undefined;
  const result = LockerConfig.safeParse(input);
  if (!result.success) {
    const nameOf = (key: string) =>
      Object.entries(LOCKER_ENV).find(([, k]) => k === key)?.[0] ?? key;
    throw new ConfigError(
      'lockers environment',
      result.error.issues.map((i) => `${nameOf(i.path.join('.'))}: ${i.message}`),
    );
  }
  return Object.freeze(result.data);
}
