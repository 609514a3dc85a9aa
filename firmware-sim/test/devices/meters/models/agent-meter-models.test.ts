import { describe, expect, it } from 'vitest';
// The agent's own registry, so a renamed or dropped driver fails here rather than in a demo.
import { BUILTIN_MODELS } from '../../../../../edge-agent/src/modules/metering/models/model-registry.js';
import { agentMeterModel, METER_MODEL_NAMES } from '../../../../src/index.js';

describe('agentMeterModel', () => {
  it('names a driver the edge agent ships for every simulated model', () => {
    for (const model of METER_MODEL_NAMES) {
      const driver = agentMeterModel(model);
      expect(driver, model).not.toBe(model);
      expect(BUILTIN_MODELS.has(driver), `${model} → ${driver}`).toBe(true);
    }
  });

  it('passes a name it does not know through, inherited object keys included', () => {
    expect(agentMeterModel('my-custom-map')).toBe('my-custom-map');
    expect(agentMeterModel('toString')).toBe('toString');
  });
});
