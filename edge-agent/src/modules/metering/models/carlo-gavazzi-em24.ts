import { defineMeterModel } from './register-map.js';

/**
 * Carlo Gavazzi EM24: input registers, signed INT32 with the low word first (INT16 for power
 * factors and frequency), each divided by the factor the maker gives.
 */
export const carloGavazziEm24 = defineMeterModel('carlo-gavazzi-em24', {
  name: 'Carlo Gavazzi EM24',
  functionCode: 4,
  type: 'int32',
  wordOrder: 'low-first',
  registers: [
    { quantity: 'voltage_l1_v', register: 0x0000, scale: 0.1, unit: 'V' },
    { quantity: 'voltage_l2_v', register: 0x0002, scale: 0.1, unit: 'V' },
    { quantity: 'voltage_l3_v', register: 0x0004, scale: 0.1, unit: 'V' },
    { quantity: 'current_l1_a', register: 0x000c, scale: 0.001, unit: 'A' },
    { quantity: 'current_l2_a', register: 0x000e, scale: 0.001, unit: 'A' },
    { quantity: 'current_l3_a', register: 0x0010, scale: 0.001, unit: 'A' },
    { quantity: 'power_l1_w', register: 0x0012, scale: 0.1, unit: 'W' },
    { quantity: 'power_l2_w', register: 0x0014, scale: 0.1, unit: 'W' },
    { quantity: 'power_l3_w', register: 0x0016, scale: 0.1, unit: 'W' },
    { quantity: 'power_w', register: 0x0028, scale: 0.1, unit: 'W' },
    { quantity: 'power_factor_l1', register: 0x0032, type: 'int16', scale: 0.001, unit: '' },
    { quantity: 'power_factor_l2', register: 0x0033, type: 'int16', scale: 0.001, unit: '' },
    { quantity: 'power_factor_l3', register: 0x0034, type: 'int16', scale: 0.001, unit: '' },
    { quantity: 'power_factor', register: 0x0035, type: 'int16', scale: 0.001, unit: '' },
    { quantity: 'frequency_hz', register: 0x0037, type: 'int16', scale: 0.1, unit: 'Hz' },
    { quantity: 'energy_import_kwh', register: 0x0042, scale: 0.1, unit: 'kWh' },
    { quantity: 'energy_import_l1_kwh', register: 0x0046, scale: 0.1, unit: 'kWh' },
    { quantity: 'energy_import_l2_kwh', register: 0x0048, scale: 0.1, unit: 'kWh' },
    { quantity: 'energy_import_l3_kwh', register: 0x004a, scale: 0.1, unit: 'kWh' },
    { quantity: 'energy_export_kwh', register: 0x005c, scale: 0.1, unit: 'kWh' },
  ],
});
