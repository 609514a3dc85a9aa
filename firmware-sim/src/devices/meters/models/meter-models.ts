import type { MeterModel } from '../meter-model.js';
import { EM24 } from './em24.js';
import { IEM3000 } from './iem3000.js';
import { SDM120 } from './sdm120.js';
import { SDM630 } from './sdm630.js';

/** The meter models the simulator ships, by scenario name. */
export const METER_MODELS = Object.freeze({
  sdm630: SDM630,
  sdm120: SDM120,
  em24: EM24,
  iem3000: IEM3000,
} satisfies Record<string, MeterModel>);

/** A model name scenario files accept. */
export type MeterModelName = keyof typeof METER_MODELS;

/** The names, for schemas and `--list`. */
export const METER_MODEL_NAMES = Object.keys(METER_MODELS) as [MeterModelName, ...MeterModelName[]];
