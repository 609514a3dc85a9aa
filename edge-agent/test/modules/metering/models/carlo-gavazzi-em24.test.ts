import { expect, it } from 'vitest';
import { carloGavazziEm24 } from '../../../../src/modules/metering/models/carlo-gavazzi-em24.js';
import { image } from '../helpers/register-image.js';
import { readModel, unitsOf } from './model-test-kit.js';

// INT32, low word first: 1234567 = 0x0012D687 is sent as 0xD687 then 0x0012. Read high word
// first it would be a large negative number, so this fixture catches a wrong word order.
const EM24 = image([
  [0x0000, 0x0901, 0x0000], // 2305 ÷ 10 = 230.5 V
  [0x0002, 0x08fa, 0x0000], // 2298 → 229.8 V
  [0x0004, 0x090d, 0x0000], // 2317 → 231.7 V
  [0x000c, 0x05dc, 0x0000], // 1500 ÷ 1000 = 1.5 A
  [0x000e, 0x08ca, 0x0000], // 2250 → 2.25 A
  [0x0010, 0x02ee, 0x0000], // 750 → 0.75 A
  [0x0012, 0x0d81, 0x0000], // 3457 ÷ 10 = 345.7 W
  [0x0014, 0x1450, 0x0000], // 5200 → 520 W
  [0x0016, 0xf945, 0xffff], // -1723 → -172.3 W (this phase exports)
  [0x0028, 0x1b16, 0x0000], // 6934 → 693.4 W
  [0x0032, 0x03d9], // INT16 985 ÷ 1000 = 0.985
  [0x0033, 0xfc9a], // -870 → -0.87
  [0x0034, 0x03e7], // 999 → 0.999
  [0x0035, 0x03bb], // 955 → 0.955
  [0x0037, 0x01f4], // 500 ÷ 10 = 50 Hz
  [0x0042, 0xd687, 0x0012], // 1234567 → 123456.7 kWh
  [0x0046, 0x1170, 0x0001], // 70000 → 7000 kWh
  [0x0048, 0x0059, 0x0000], // 89 → 8.9 kWh
  [0x004a, 0x0901, 0x0000], // 2305 → 230.5 kWh
  [0x005c, 0x0059, 0x0000], // 89 → 8.9 kWh
]);

it('decodes every EM24 quantity: INT32 low word first, INT16, divided by its factor', async () => {
  const reading = await readModel(carloGavazziEm24, { 4: EM24 });
  expect(reading.missing).toEqual({});
  expect(reading.values).toEqual({
    voltage_l1_v: 230.5,
    voltage_l2_v: 229.8,
    voltage_l3_v: 231.7,
    current_l1_a: 1.5,
    current_l2_a: 2.25,
    current_l3_a: 0.75,
    power_l1_w: 345.7,
    power_l2_w: 520,
    power_l3_w: -172.3,
    power_w: 693.4,
    power_factor_l1: 0.985,
    power_factor_l2: -0.87,
    power_factor_l3: 0.999,
    power_factor: 0.955,
    frequency_hz: 50,
    energy_import_kwh: 123456.7,
    energy_import_l1_kwh: 7000,
    energy_import_l2_kwh: 8.9,
    energy_import_l3_kwh: 230.5,
    energy_export_kwh: 8.9,
  });
  expect(unitsOf(carloGavazziEm24)).toMatchObject({
    voltage_l1_v: 'V',
    current_l1_a: 'A',
    power_w: 'W',
    power_factor: '',
    frequency_hz: 'Hz',
    energy_import_kwh: 'kWh',
  });
});

it('reads the EM24 with FC 04, 16-bit and 32-bit fields joined where adjacent', async () => {
  const { requests } = await readModel(carloGavazziEm24, { 4: EM24 });
  expect(requests.map((r) => [r.functionCode, r.address, r.count])).toEqual([
    [4, 0x0000, 6],
    [4, 0x000c, 12],
    [4, 0x0028, 2],
    [4, 0x0032, 4], // the four INT16 power factors
    [4, 0x0037, 1],
    [4, 0x0042, 2],
    [4, 0x0046, 6],
    [4, 0x005c, 2],
  ]);
});
