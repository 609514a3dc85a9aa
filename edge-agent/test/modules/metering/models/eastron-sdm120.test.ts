import { expect, it } from 'vitest';
import { eastronSdm120 } from '../../../../src/modules/metering/models/eastron-sdm120.js';
import { image } from '../helpers/register-image.js';
import { readModel, unitsOf } from './model-test-kit.js';

it('decodes every SDM120 quantity, the power factor at 0x001E', async () => {
  const reading = await readModel(eastronSdm120, {
    4: image([
      [0x0000, 0x4366, 0x199a], // 230.1 V (float32 nearest)
      [0x0006, 0x3fc0, 0x0000], // 1.5 A
      [0x000c, 0x43ac, 0xe000], // 345.75 W
      [0x001e, 0x3f70, 0x0000], // 0.9375
      [0x0046, 0x4248, 0x0000], // 50 Hz
      [0x0048, 0x4148, 0x0000], // 12.5 kWh
      [0x004a, 0x3ea0, 0x0000], // 0.3125 kWh
      [0x0156, 0x4151, 0x0000], // 13.0625 kWh
    ]),
  });
  expect(reading.values).toEqual({
    voltage_v: 230.1,
    current_a: 1.5,
    power_w: 345.75,
    power_factor: 0.9375,
    frequency_hz: 50,
    energy_import_kwh: 12.5,
    energy_export_kwh: 0.3125,
    energy_total_kwh: 13.0625,
  });
  expect(reading.requests.map((r) => [r.functionCode, r.address, r.count])).toEqual([
    [4, 0x0000, 2],
    [4, 0x0006, 2],
    [4, 0x000c, 2],
    [4, 0x001e, 2],
    [4, 0x0046, 6],
    [4, 0x0156, 2],
  ]);
  expect(unitsOf(eastronSdm120)).toEqual({
    voltage_v: 'V',
    current_a: 'A',
    power_w: 'W',
    power_factor: '',
    frequency_hz: 'Hz',
    energy_import_kwh: 'kWh',
    energy_export_kwh: 'kWh',
    energy_total_kwh: 'kWh',
  });
});
