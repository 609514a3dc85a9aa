import { defineMeterModel, float32 } from '../meter-model.js';
import { phase } from './phase.js';

/** Eastron SDM120 (single phase): the SDM630's encoding and function code (04, float32 ABCD). */
export const SDM120 = defineMeterModel({
  model: 'sdm120',
  title: 'Eastron SDM120 (single phase, FC04 float32)',
  functionCode: 0x04,
  phases: 1,
  blocks: [
    { start: 0x0000, end: 0x0050 },
    { start: 0x0156, end: 0x0158 },
  ],
  fields: [
    float32(0x0000, 'voltage', (s) => phase(s, 0).voltage),
    float32(0x0006, 'current', (s) => phase(s, 0).current),
    float32(0x000c, 'active power', (s) => s.activePower),
    float32(0x001e, 'power factor', (s) => s.powerFactor),
    float32(0x0046, 'frequency', (s) => s.frequency),
    float32(0x0048, 'import active energy', (s) => s.importKwh),
    float32(0x004a, 'export active energy', (s) => s.exportKwh),
    float32(0x0156, 'total active energy', (s) => s.importKwh + s.exportKwh),
  ],
});
