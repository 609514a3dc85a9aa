import { expect, it } from 'vitest';
import { schneiderIem3000 } from '../../../../src/modules/metering/models/schneider-iem3000.js';
import { image } from '../helpers/register-image.js';
import { readModel, unitsOf } from './model-test-kit.js';

const IEM3000 = image([
  [0x5000, 0x4366, 0x8000], // 230.5 V
  [0x5002, 0x4367, 0x0000], // 231 V
  [0x5004, 0x4365, 0x8000], // 229.5 V
  [0x5006, 0x4367, 0x0000], // 231 V
  [0x5008, 0x4248, 0x0000], // 50 Hz
  [0x500a, 0x3fc0, 0x0000], // 1.5 A
  [0x500c, 0x4010, 0x0000], // 2.25 A
  [0x500e, 0x3f40, 0x0000], // 0.75 A
  [0x5010, 0x3fc0, 0x0000], // 1.5 A
  [0x5012, 0x3f9d, 0xf3b6], // 1.234 kW (float32 nearest) → 1234 W
  [0x5014, 0x3f00, 0x0000], // 0.5 kW → 500 W
  [0x5016, 0x3ea0, 0x0000], // 0.3125 kW → 312.5 W
  [0x5018, 0x3ed7, 0x0a3d], // 0.42 kW → 420 W
  [0x502a, 0x3f73, 0x3333], // 0.95
  [0x6000, 0x4587, 0x0900], // 4321.125 kWh
  [0x600c, 0x4586, 0x6400], // 4300.5 kWh
  [0x6018, 0x41a5, 0x0000], // 20.625 kWh
]);

it('decodes every iEM3000 quantity from holding registers, powers from kW to W', async () => {
  const reading = await readModel(schneiderIem3000, { 3: IEM3000 });
  expect(reading.missing).toEqual({});
  expect(reading.values).toEqual({
    voltage_v: 230.5,
    voltage_l1_v: 231,
    voltage_l2_v: 229.5,
    voltage_l3_v: 231,
    frequency_hz: 50,
    current_a: 1.5,
    current_l1_a: 2.25,
    current_l2_a: 0.75,
    current_l3_a: 1.5,
    power_w: 1234,
    power_l1_w: 500,
    power_l2_w: 312.5,
    power_l3_w: 420,
    power_factor: 0.95,
    energy_total_kwh: 4321.125,
    energy_import_kwh: 4300.5,
    energy_export_kwh: 20.625,
  });
  expect(unitsOf(schneiderIem3000)).toMatchObject({ power_w: 'W', power_l1_w: 'W' });
});

it('reads the iEM3000 with FC 03 only', async () => {
  const { requests } = await readModel(schneiderIem3000, { 3: IEM3000 });
  expect(requests.map((r) => [r.functionCode, r.address, r.count])).toEqual([
    [3, 0x5000, 26], // voltages to phase powers, contiguous
    [3, 0x502a, 2],
    [3, 0x6000, 2],
    [3, 0x600c, 2],
    [3, 0x6018, 2],
  ]);
});
