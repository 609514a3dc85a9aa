import {
  LightingControlConfigSchema,
  type LightingControlConfigInput,
} from '../../../../src/modules/lighting/control/lighting-control-config.js';
import { LightingController } from '../../../../src/modules/lighting/control/lighting-controller.js';
import {
  LightingOverrideSchema,
  type LightingOverride,
} from '../../../../src/modules/lighting/control/lighting-override.js';

/** The programs most tests use: the brief's example, a weekend one and part-night lighting. */
export const PROGRAMS = [
  {
    id: 'standard',
    steps: [{ level: 100, until: '23:00' }, { level: 60, until: '05:30' }, { level: 80 }],
  },
  {
    id: 'weekend',
    steps: [
      { level: 100, until: '01:00' },
      { level: 60, until: { at: 'sunrise' as const, offsetMinutes: -30 } },
      { level: 80 },
    ],
  },
  {
    id: 'part-night',
    steps: [{ level: 80, until: '23:00' }, { level: 0, until: '05:00' }, { level: 50 }],
  },
  { id: 'dim', steps: [{ level: 50 }] },
];

/** A controller for Chantilly with the standard program and two zones (M4 road, P3 square). */
export function controller(input: Partial<LightingControlConfigInput> = {}): LightingController {
  return new LightingController(
    LightingControlConfigSchema.parse({
      programs: PROGRAMS,
      defaultProgram: 'standard',
      zones: [
        { id: 'road', name: 'Rue du Connétable', class: 'M4', lamps: [{ count: 30, ratedW: 60 }] },
        {
          id: 'square',
          name: 'Place Omer Vallon',
          class: 'P3',
          lamps: [{ count: 12, ratedW: 40 }],
        },
      ],
      ...input,
    }),
  );
}

/** An instant from an ISO date-time with an offset. */
export const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad instant ${iso}`);
  return ms;
};

/** An override as the cloud would send it. */
export function override(fields: Record<string, unknown>): LightingOverride {
  return LightingOverrideSchema.parse({ zones: 'all', ...fields });
}
