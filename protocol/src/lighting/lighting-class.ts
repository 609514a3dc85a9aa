import { z } from 'zod';

/**
 * EN 13201-2 lighting classes: M1–M6 for motorised traffic (road luminance, M1 the most light),
 * P1–P6 for pedestrian and low-speed areas (horizontal illuminance, P1 the most light).
 */
export const LIGHTING_CLASSES = [
  'M1',
  'M2',
  'M3',
  'M4',
  'M5',
  'M6',
  'P1',
  'P2',
  'P3',
  'P4',
  'P5',
  'P6',
] as const;
export type LightingClass = (typeof LIGHTING_CLASSES)[number];

/**
 * The lowest dimming level a lit zone of each class may run at, percent of full output.
 *
 * EN 13201 sets what a class must deliver, not how low a driver may go: these are engineering
 * defaults, the level of a lantern sized for its class (with the usual maintenance margin) that
 * still gives about the class two steps below, CEN/TR 13201-1's usual adaptive range. Busier,
 * faster roads keep more light. A town sets its own from its lighting study (`classMinimums`).
 */
export const DEFAULT_CLASS_MINIMUMS: Readonly<Record<LightingClass, number>> = {
  M1: 50,
  M2: 45,
  M3: 40,
  M4: 30,
  M5: 25,
  M6: 20,
  P1: 40,
  P2: 35,
  P3: 30,
  P4: 25,
  P5: 20,
  P6: 15,
};

export const LightingClassSchema = z.enum(LIGHTING_CLASSES, {
  error: 'a lighting class: M1-M6 (roads) or P1-P6 (pedestrian areas)',
});

const Minimum = z
  .int({ error: 'a class minimum must be a whole percentage' })
  .min(1, { error: 'a class minimum must be 1-100 % (a lit lamp is at least 1 %)' })
  .max(100, { error: 'a class minimum must be 1-100 %' });

/** Class minimums: any class given replaces its default; the others keep theirs. */
export const ClassMinimumsSchema = z
  .partialRecord(LightingClassSchema, Minimum)
  .default({})
  .transform((given): Record<LightingClass, number> => ({ ...DEFAULT_CLASS_MINIMUMS, ...given }));
