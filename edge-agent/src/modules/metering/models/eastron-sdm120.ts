import { defineMeterModel } from './register-map.js';

/** Eastron SDM120, single phase: the SDM630 scheme (input registers, float32 high word first). */
export const eastronSdm120 = defineMeterModel('eastron-sdm120', {
  name: 'Eastron SDM120',
  functionCode: 4,
  type: 'float32',
  wordOrder: 'high-first',
  registers: [
    { quantity: 'voltage_v', register: 0x0000, unit: 'V' },
    { quantity: 'current_a', register: 0x0006, unit: 'A' },
    { quantity: 'power_w', register: 0x000c, unit: 'W' },
    { quantity: 'power_factor', register: 0x001e, unit: '' },
    { quantity: 'frequency_hz', register: 0x0046, unit: 'Hz' },
    { quantity: 'energy_import_kwh', register: 0x0048, unit: 'kWh' },
    { quantity: 'energy_export_kwh', register: 0x004a, unit: 'kWh' },
    { quantity: 'energy_total_kwh', register: 0x0156, unit: 'kWh' },
  ],
});
