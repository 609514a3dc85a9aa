import { defineMeterModel } from './register-map.js';

/**
 * Schneider Electric iEM3000 series: holding registers, float32 high word first. The meter gives
 * power in kW; the vocabulary's powers are W, hence the scale of 1000.
 */
export const schneiderIem3000 = defineMeterModel('schneider-iem3000', {
  name: 'Schneider Electric iEM3000',
  functionCode: 3,
  type: 'float32',
  wordOrder: 'high-first',
  registers: [
    { quantity: 'voltage_v', register: 0x5000, unit: 'V' },
    { quantity: 'voltage_l1_v', register: 0x5002, unit: 'V' },
    { quantity: 'voltage_l2_v', register: 0x5004, unit: 'V' },
    { quantity: 'voltage_l3_v', register: 0x5006, unit: 'V' },
    { quantity: 'frequency_hz', register: 0x5008, unit: 'Hz' },
    { quantity: 'current_a', register: 0x500a, unit: 'A' },
    { quantity: 'current_l1_a', register: 0x500c, unit: 'A' },
    { quantity: 'current_l2_a', register: 0x500e, unit: 'A' },
    { quantity: 'current_l3_a', register: 0x5010, unit: 'A' },
    { quantity: 'power_w', register: 0x5012, scale: 1000, unit: 'W' },
    { quantity: 'power_l1_w', register: 0x5014, scale: 1000, unit: 'W' },
    { quantity: 'power_l2_w', register: 0x5016, scale: 1000, unit: 'W' },
    { quantity: 'power_l3_w', register: 0x5018, scale: 1000, unit: 'W' },
    { quantity: 'power_factor', register: 0x502a, unit: '' },
    { quantity: 'energy_total_kwh', register: 0x6000, unit: 'kWh' },
    { quantity: 'energy_import_kwh', register: 0x600c, unit: 'kWh' },
    { quantity: 'energy_export_kwh', register: 0x6018, unit: 'kWh' },
  ],
});
