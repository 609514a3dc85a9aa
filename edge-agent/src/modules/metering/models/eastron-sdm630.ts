import { defineMeterModel } from './register-map.js';

/** Eastron SDM630, three phase: input registers, float32 high word first. */
export const eastronSdm630 = defineMeterModel('eastron-sdm630', {
  name: 'Eastron SDM630',
  functionCode: 4,
  type: 'float32',
  wordOrder: 'high-first',
  registers: [
    { quantity: 'voltage_l1_v', register: 0x0000, unit: 'V' },
    { quantity: 'voltage_l2_v', register: 0x0002, unit: 'V' },
    { quantity: 'voltage_l3_v', register: 0x0004, unit: 'V' },
    { quantity: 'current_l1_a', register: 0x0006, unit: 'A' },
    { quantity: 'current_l2_a', register: 0x0008, unit: 'A' },
    { quantity: 'current_l3_a', register: 0x000a, unit: 'A' },
    { quantity: 'power_l1_w', register: 0x000c, unit: 'W' },
    { quantity: 'power_l2_w', register: 0x000e, unit: 'W' },
    { quantity: 'power_l3_w', register: 0x0010, unit: 'W' },
    { quantity: 'power_w', register: 0x0034, unit: 'W' },
    { quantity: 'apparent_power_va', register: 0x0038, unit: 'VA' },
    { quantity: 'reactive_power_var', register: 0x003c, unit: 'var' },
    { quantity: 'power_factor', register: 0x003e, unit: '' },
    { quantity: 'frequency_hz', register: 0x0046, unit: 'Hz' },
    { quantity: 'energy_import_kwh', register: 0x0048, unit: 'kWh' },
    { quantity: 'energy_export_kwh', register: 0x004a, unit: 'kWh' },
    { quantity: 'energy_total_kwh', register: 0x0156, unit: 'kWh' },
    { quantity: 'energy_import_l1_kwh', register: 0x015a, unit: 'kWh' },
    { quantity: 'energy_import_l2_kwh', register: 0x015c, unit: 'kWh' },
    { quantity: 'energy_import_l3_kwh', register: 0x015e, unit: 'kWh' },
  ],
});
