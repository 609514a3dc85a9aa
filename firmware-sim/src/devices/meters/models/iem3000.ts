import { defineMeterModel, float32 } from '../meter-model.js';
import { phase, phaseAverage } from './phase.js';

/**
 * Schneider Electric iEM3000 series (three phase): holding registers (03), float32 high word
 * first, power in **kW** (the others serve W). Total active energy is import plus export.
 */
export const IEM3000 = defineMeterModel({
  model: 'iem3000',
  title: 'Schneider Electric iEM3000 (three phase, FC03 float32, kW)',
  functionCode: 0x03,
  phases: 3,
  blocks: [
    { start: 0x5000, end: 0x5030 },
    { start: 0x6000, end: 0x601a },
  ],
  fields: [
    float32(0x5000, 'voltage average', (s) => phaseAverage(s, (p) => p.voltage)),
    float32(0x5002, 'voltage L1', (s) => phase(s, 0).voltage),
    float32(0x5004, 'voltage L2', (s) => phase(s, 1).voltage),
    float32(0x5006, 'voltage L3', (s) => phase(s, 2).voltage),
    float32(0x5008, 'frequency', (s) => s.frequency),
    float32(0x500a, 'current average', (s) => phaseAverage(s, (p) => p.current)),
    float32(0x500c, 'current L1', (s) => phase(s, 0).current),
    float32(0x500e, 'current L2', (s) => phase(s, 1).current),
    float32(0x5010, 'current L3', (s) => phase(s, 2).current),
    float32(0x5012, 'total active power (kW)', (s) => s.activePower / 1000),
    float32(0x5014, 'active power L1 (kW)', (s) => phase(s, 0).activePower / 1000),
    float32(0x5016, 'active power L2 (kW)', (s) => phase(s, 1).activePower / 1000),
    float32(0x5018, 'active power L3 (kW)', (s) => phase(s, 2).activePower / 1000),
    float32(0x502a, 'total power factor', (s) => s.powerFactor),
    float32(0x6000, 'total active energy', (s) => s.importKwh + s.exportKwh),
    float32(0x600c, 'import active energy', (s) => s.importKwh),
    float32(0x6018, 'export active energy', (s) => s.exportKwh),
  ],
});
