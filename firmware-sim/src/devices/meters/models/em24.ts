import { defineMeterModel, int16, int32LowWordFirst } from '../meter-model.js';
import { phase } from './phase.js';

/**
 * Carlo Gavazzi EM24 (three phase): input registers (04), INT32 low word first and INT16,
 * each the value times a factor (the reference's divisor): V×10, A×1000, W×10, PF×1000,
 * Hz×10, kWh×10.
 */
export const EM24 = defineMeterModel({
  model: 'em24',
  title: 'Carlo Gavazzi EM24 (three phase, FC04 INT32 low word first)',
  functionCode: 0x04,
  phases: 3,
  blocks: [{ start: 0x0000, end: 0x0060 }],
  fields: [
    int32LowWordFirst(0x0000, 'voltage L1-N', 10, (s) => phase(s, 0).voltage),
    int32LowWordFirst(0x0002, 'voltage L2-N', 10, (s) => phase(s, 1).voltage),
    int32LowWordFirst(0x0004, 'voltage L3-N', 10, (s) => phase(s, 2).voltage),
    int32LowWordFirst(0x000c, 'current L1', 1000, (s) => phase(s, 0).current),
    int32LowWordFirst(0x000e, 'current L2', 1000, (s) => phase(s, 1).current),
    int32LowWordFirst(0x0010, 'current L3', 1000, (s) => phase(s, 2).current),
    int32LowWordFirst(0x0012, 'active power L1', 10, (s) => phase(s, 0).activePower),
    int32LowWordFirst(0x0014, 'active power L2', 10, (s) => phase(s, 1).activePower),
    int32LowWordFirst(0x0016, 'active power L3', 10, (s) => phase(s, 2).activePower),
    int32LowWordFirst(0x0028, 'total active power', 10, (s) => s.activePower),
    int16(0x0032, 'power factor L1', 1000, (s) => phase(s, 0).powerFactor),
    int16(0x0033, 'power factor L2', 1000, (s) => phase(s, 1).powerFactor),
    int16(0x0034, 'power factor L3', 1000, (s) => phase(s, 2).powerFactor),
    int16(0x0035, 'total power factor', 1000, (s) => s.powerFactor),
    int16(0x0037, 'frequency', 10, (s) => s.frequency),
    int32LowWordFirst(0x0042, 'import energy total', 10, (s) => s.importKwh),
    int32LowWordFirst(0x0046, 'import energy L1', 10, (s) => phase(s, 0).importKwh),
    int32LowWordFirst(0x0048, 'import energy L2', 10, (s) => phase(s, 1).importKwh),
    int32LowWordFirst(0x004a, 'import energy L3', 10, (s) => phase(s, 2).importKwh),
    int32LowWordFirst(0x005c, 'export energy', 10, (s) => s.exportKwh),
  ],
});
