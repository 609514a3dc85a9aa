import type { MeterModelName } from './meter-models.js';

/**
 * The edge agent's metering driver for each simulated model (its register map's name), so a
 * site.yaml written for a simulated town reads each meter with the driver of the real one.
 */
export const AGENT_METER_MODELS = Object.freeze({
  sdm630: 'eastron-sdm630',
  sdm120: 'eastron-sdm120',
  em24: 'carlo-gavazzi-em24',
  iem3000: 'schneider-iem3000',
} satisfies Record<MeterModelName, string>);

/** The agent's driver name for a simulated model; a name it does not know is passed through. */
export function agentMeterModel(model: string): string {
  return Object.hasOwn(AGENT_METER_MODELS, model)
    ? AGENT_METER_MODELS[model as MeterModelName]
    : model;
}
