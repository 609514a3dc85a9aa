import type { Clock } from '@hameau/protocol';
import { z } from 'zod';
import { BuildingLoad } from './building-load.js';
import { FixedLoad } from './fixed-load.js';
import { isKnownTimeZone } from './local-calendar.js';
import { LightingCabinetLoad } from './lighting-cabinet-load.js';
import { SolarProduction } from './solar-production.js';

/** Chantilly (Oise), the default town: 49.1939 N, 2.4711 E. */
export const CHANTILLY = Object.freeze({ latitude: 49.1939, longitude: 2.4711 });

const Watts = z.number().min(-1e8).max(1e8);
const PowerFactor = z.number().gt(0).max(1);
const Percent = z.number().min(0).max(100);

/** The `load:` of a meter in a scenario: what flows through it over time. */
export const LoadOptions = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('building'),
      baseW: z.number().min(0).max(1e8).default(3_000),
      peakW: z.number().min(0).max(1e8).default(25_000),
      powerFactor: PowerFactor.default(0.93),
      timeZone: z
        .string()
        .refine(isKnownTimeZone, { message: 'unknown IANA time zone' })
        .default('Europe/Paris'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('solar'),
      peakW: z.number().min(0).max(1e8).default(9_000),
      latitude: z.number().min(-90).max(90).default(CHANTILLY.latitude),
      longitude: z.number().min(-180).max(180).default(CHANTILLY.longitude),
      clouds: z.number().min(0).max(1).default(0.6),
    })
    .strict(),
  z
    .object({
      kind: z.literal('lighting'),
      lamps: z.number().int().min(0).max(10_000).default(20),
      lampW: z.number().min(0).max(10_000).default(60),
      standbyW: z.number().min(0).max(10_000).default(10),
      level: Percent.default(0),
    })
    .strict(),
  z
    .object({
      kind: z.literal('fixed'),
      watts: Watts.default(1_000),
      powerFactor: PowerFactor.default(1),
      steps: z
        .array(
          z.object({ atMs: z.number().int().min(0).max(2_147_483_647), watts: Watts }).strict(),
        )
        .default([]),
    })
    .strict(),
]);
export type LoadOptions = z.output<typeof LoadOptions>;

/** A load built from its options. */
export type Load = BuildingLoad | SolarProduction | LightingCabinetLoad | FixedLoad;

/** Builds the load a meter's options describe; `noise` and `seed` come from the meter. */
export function createLoad(
  options: LoadOptions,
  context: { readonly clock: Clock; readonly noise: boolean; readonly seed: number },
): Load {
  const { noise, seed } = context;
  switch (options.kind) {
    case 'building':
      return new BuildingLoad({ ...options, noise, seed });
    case 'solar':
      return new SolarProduction({ ...options, noise, seed });
    case 'lighting':
      return new LightingCabinetLoad(options);
    case 'fixed':
      return new FixedLoad(options, context.clock);
  }
}
