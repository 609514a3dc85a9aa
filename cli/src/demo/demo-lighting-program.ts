import {
  LightingControlConfigSchema,
  type LightingControlConfig,
  type LightingControlConfigInput,
} from '@hameau/edge-agent';
import { STANDARD_PROGRAM, WEEKEND_PROGRAM } from '@hameau/protocol';
import { DEMO_LIGHTING } from './demo-town-plan.js';

/**
 * The demo town's lighting calendar: the controller's part of `modules.lighting` (docs/lighting.md).
 * Chantilly's sky (the lighting simulator's town) on Paris time, French public holidays; the
 * street dims after 23:00, the square goes dark from 23:00 to 05:00 on weeknights (part-night
 * lighting), the station forecourt stays bright until the last train.
 */
export const DEMO_LIGHTING_PROGRAM: LightingControlConfigInput = {
  site: { latitude: 49.1939, longitude: 2.4711, timeZone: 'Europe/Paris' },
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
};

/** The program, validated as the agent will validate it (for the history backfill). */
export function demoLightingControl(): LightingControlConfig {
  return LightingControlConfigSchema.parse(DEMO_LIGHTING_PROGRAM);
}
