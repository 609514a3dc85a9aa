import { expect, it } from 'vitest';
import { eastronSdm630 } from '../../../../src/modules/metering/models/eastron-sdm630.js';
import { image } from '../helpers/register-image.js';
import { readModel, unitsOf } from './model-test-kit.js';

// Float32, high word first (ABCD). By hand: 230.5 = 1.80078125 × 2^7, exponent 127 + 7 = 0x86,
// so the bits are 0 10000110 11001101000…: 0x4366 0x8000.
const SDM630 = image([
  [0x0000, 0x4366, 0x8000], // 230.5 V
  [0x0002, 0x4367, 0x0000], // 231 V
  [0x0004, 0x4365, 0x8000], // 229.5 V
  [0x0006, 0x3fc0, 0x0000], // 1.5 A
  [0x0008, 0x4010, 0x0000], // 2.25 A
  [0x000a, 0x3f40, 0x0000], // 0.75 A
  [0x000c, 0x43ac, 0xe000], // 345.75 W
  [0x000e, 0x4401, 0xf000], // 519.75 W
  [0x0010, 0x432c, 0x2000], // 172.125 W
  [0x0034, 0x4481, 0xb400], // 1037.625 W
  [0x0038, 0x4489, 0x8000], // 1100 VA
  [0x003c, 0xc316, 0x8000], // -150.5 var
  [0x003e, 0x3f73, 0x3333], // 0.95 (the float32 nearest to it)
  [0x0046, 0x4247, 0xeb85], // 49.98 Hz (idem)
  [0x0048, 0x4640, 0xe600], // 12345.5 kWh
  [0x004a, 0x429c, 0x8000], // 78.25 kWh
  [0x0156, 0x4642, 0x1f00], // 12423.75 kWh
  [0x015a, 0x4580, 0x2200], // 4100.25 kWh
  [0x015c, 0x4583, 0x4400], // 4200.5 kWh
  [0x015e, 0x457c, 0xcc00], // 4044.75 kWh
]);

it('decodes every SDM630 quantity from its input registers, exactly', async () => {
  const reading = await readModel(eastronSdm630, { 4: SDM630 });
  expect(reading.missing).toEqual({});
  expect(reading.values).toEqual({
    voltage_l1_v: 230.5,
    voltage_l2_v: 231,
    voltage_l3_v: 229.5,
    current_l1_a: 1.5,
    current_l2_a: 2.25,
    current_l3_a: 0.75,
    power_l1_w: 345.75,
    power_l2_w: 519.75,
    power_l3_w: 172.125,
    power_w: 1037.625,
    apparent_power_va: 1100,
    reactive_power_var: -150.5,
    power_factor: 0.95,
    frequency_hz: 49.98,
    energy_import_kwh: 12345.5,
    energy_export_kwh: 78.25,
    energy_total_kwh: 12423.75,
    energy_import_l1_kwh: 4100.25,
    energy_import_l2_kwh: 4200.5,
    energy_import_l3_kwh: 4044.75,
  });
  expect(unitsOf(eastronSdm630)).toMatchObject({
    voltage_l1_v: 'V',
    current_l1_a: 'A',
    power_w: 'W',
    apparent_power_va: 'VA',
    reactive_power_var: 'var',
    power_factor: '',
    frequency_hz: 'Hz',
    energy_total_kwh: 'kWh',
  });
});

it('reads the SDM630 with FC 04 in one request per contiguous block', async () => {
  const { requests } = await readModel(eastronSdm630, { 4: SDM630 });
  expect(requests.map((r) => [r.functionCode, r.address, r.count])).toEqual([
    [4, 0x0000, 18], // voltages, currents and phase powers
    [4, 0x0034, 2],
    [4, 0x0038, 2],
    [4, 0x003c, 4], // reactive power and power factor
    [4, 0x0046, 6], // frequency, import and export
    [4, 0x0156, 2],
    [4, 0x015a, 6],
  ]);
});
