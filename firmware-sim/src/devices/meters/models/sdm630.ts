import { defineMeterModel, float32 } from '../meter-model.js';
import { phase } from './phase.js';

/**
 * Eastron SDM630 (three phase): input registers (04), float32 ABCD, power in W, energy in
 * kWh. "Total active energy" is import plus export, as Eastron defines it.
 */
export const SDM630 = defineMeterModel({
  model: 'sdm630',
  title: 'Eastron SDM630 (three phase, FC04 float32)',
  functionCode: 0x04,
  phases: 3,
  blocks: [
    { start: 0x0000, end: 0x0050 },
    { start: 0x0156, end: 0x0160 },
  ],
  fields: [
    float32(0x0000, 'voltage L1', (s) => phase(s, 0).voltage),
    float32(0x0002, 'voltage L2', (s) => phase(s, 1).voltage),
    float32(0x0004, 'voltage L3', (s) => phase(s, 2).voltage),
    float32(0x0006, 'current L1', (s) => phase(s, 0).current),
    float32(0x0008, 'current L2', (s) => phase(s, 1).current),
    float32(0x000a, 'current L3', (s) => phase(s, 2).current),
    float32(0x000c, 'active power L1', (s) => phase(s, 0).activePower),
    float32(0x000e, 'active power L2', (s) => phase(s, 1).activePower),
    float32(0x0010, 'active power L3', (s) => phase(s, 2).activePower),
    float32(0x0034, 'total active power', (s) => s.activePower),
    float32(0x0038, 'total apparent power', (s) => s.apparentPower),
    float32(0x003c, 'total reactive power', (s) => s.reactivePower),
    float32(0x003e, 'total power factor', (s) => s.powerFactor),
    float32(0x0046, 'frequency', (s) => s.frequency),
    float32(0x0048, 'import active energy', (s) => s.importKwh),
    float32(0x004a, 'export active energy', (s) => s.exportKwh),
    float32(0x0156, 'total active energy', (s) => s.importKwh + s.exportKwh),
    float32(0x015a, 'import energy L1', (s) => phase(s, 0).importKwh),
    float32(0x015c, 'import energy L2', (s) => phase(s, 1).importKwh),
    float32(0x015e, 'import energy L3', (s) => phase(s, 2).importKwh),
  ],
});
