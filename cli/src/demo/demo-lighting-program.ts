import {
  LightingControlConfigSchema,
  type LightingControlConfig,
  type LightingControlConfigInput,
} from '@hameau/edge-agent';
import { STANDARD_PROGRAM, WEEKEND_PROGRAM } from '@hameau/protocol';
import { marketEvenings } from './demo-market-evenings.js';
import { DEMO_LIGHTING } from './demo-town-plan.js';

/** Chantilly's sky (the lighting simulator's town) on Paris time. */
const DEMO_SITE = { latitude: 49.1939, longitude: 2.4711, timeZone: 'Europe/Paris' } as const;

/**
 * The demo town's lighting calendar at `now`: the controller's part of `modules.lighting`
 * (docs/lighting.md), which the demo gives the cloud as the controller's desired configuration.
 * French public holidays; the street dims after 23:00, the square goes dark from 23:00 to 05:00
 * on weeknights (part-night lighting), the station forecourt stays bright until the last train,
 * and this week's Christmas market lights the square in the evening.
 */
export function demoLightingProgram(now: number): LightingControlConfigInput {
  return {
    site: { ...DEMO_SITE },
    switchOn: { at: 'sunset', offsetMinutes: 0 },
    switchOff: { at: 'sunrise', offsetMinutes: 0 },
    holidays: 'fr',
    programs: [
      STANDARD_PROGRAM,
      WEEKEND_PROGRAM,
      {
        id: 'part-night',
        steps: [{ level: 80, until: '23:00' }, { level: 0, until: '05:00' }, { level: 50 }],
      },
      { id: 'station', steps: [{ level: 100, until: '01:00' }, { level: 70 }] },
    ],
    defaultProgram: STANDARD_PROGRAM.id,
    calendar: [
      { name: 'holidays', program: WEEKEND_PROGRAM.id, when: { holiday: 'on' } },
      { name: 'weekend', program: WEEKEND_PROGRAM.id, when: { weekdays: ['fri', 'sat'] } },
      {
        name: 'square weeknights',
        program: 'part-night',
        zones: ['place-omer-vallon'],
        when: { weekdays: ['sun', 'mon', 'tue', 'wed', 'thu'] },
      },
    ],
    zones: DEMO_LIGHTING.zones.map(({ id, name, class: lightingClass }) => ({
      id,
      name,
      class: lightingClass,
      // The forecourt follows the trains, not the week (the holiday and weekend rules still win).
      ...(id === 'parvis-gare' && { defaultProgram: 'station' }),
    })),
    events: marketEvenings(now, DEMO_SITE.timeZone),
  };
}

/**
 * What the lighting agent's site.yaml keeps of it: enough to light the street safely before
 * the cloud's configuration first arrives (a new box, or one whose cloud is out of reach), and
 * nothing the town edits. The site for the sun, the zones (ids and classes, which the wiring
 * and the class minimums need; a name is required by the schema), and no program: the
 * built-in `all-night`, 100 % from dusk to dawn, the safe side. Once a desired configuration
 * has applied, the agent keeps it (durably) and this part no longer rules; the wiring beside it
 * in site.yaml always does (demo-lighting-section.ts).
 */
export function demoLightingOffline(): LightingControlConfigInput {
  return {
    site: { ...DEMO_SITE },
    zones: DEMO_LIGHTING.zones.map(({ id, name, class: lightingClass }) => ({
      id,
      name,
      class: lightingClass,
    })),
  };
}

/** The program at `now`, validated as the agent will validate it (for the history backfill). */
export function demoLightingControl(now: number): LightingControlConfig {
  return LightingControlConfigSchema.parse(demoLightingProgram(now));
}
