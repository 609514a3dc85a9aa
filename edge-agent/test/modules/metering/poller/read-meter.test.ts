import { expect, it } from 'vitest';
import { planRequests } from '../../../../src/modules/metering/models/plan-requests.js';
import { eastronSdm120 } from '../../../../src/modules/metering/models/eastron-sdm120.js';
import {
  readMeter,
  type RegisterReader,
} from '../../../../src/modules/metering/poller/read-meter.js';
import type { ReadRequest } from '../../../../src/modules/metering/transport/modbus-client.js';
import { ReadFailure } from '../../../../src/modules/metering/transport/read-failure.js';

// SDM120 reads: 0x00, 0x06, 0x0C, 0x1E, 0x46 (6 registers), 0x156.
const plan = planRequests(eastronSdm120.registers, { maxSpan: 125, maxGap: 0 });
const FLOAT_230_5 = [0x4366, 0x8000];

/** Answers each request by its address: a failure, or the words (230.5 repeated). */
function scripted(
  answers: Record<number, ReadFailure | 'nan'>,
): RegisterReader & { asked: number[] } {
  const asked: number[] = [];
  return {
    asked,
    read(request: ReadRequest) {
      asked.push(request.address);
      const answer = answers[request.address];
      if (answer instanceof ReadFailure) return Promise.reject(answer);
      const word = answer === 'nan' ? [0x7fc0, 0x0000] : FLOAT_230_5;
      return Promise.resolve(Array.from({ length: request.count }, (_, i) => word[i % 2] ?? 0));
    },
  };
}

it('records a failed read as missing with its reason, never as 0, and goes on after an exception', async () => {
  const reader = scripted({
    0x0006: ReadFailure.exception(2),
    0x001e: new ReadFailure('crc', 'crc'),
  });
  const reading = await readMeter(reader, { unitId: 1, timeoutMs: 500, plan });
  expect(reader.asked).toEqual([0x0000, 0x0006, 0x000c, 0x001e, 0x0046, 0x0156]);
  expect(reading.values).toEqual({
    voltage_v: 230.5,
    current_a: null,
    power_w: 230.5,
    power_factor: null,
    frequency_hz: 230.5,
    energy_import_kwh: 230.5,
    energy_export_kwh: 230.5,
    energy_total_kwh: 230.5,
  });
  expect(reading.missing).toEqual({
    current_a: 'exception 2: illegal data address',
    power_factor: 'crc',
  });
  expect(reading.gotData).toBe(true);
  expect(reading.failures.map((f) => f.kind)).toEqual(['exception', 'crc']);
});

it('gives up on the meter at the first timeout: the rest is missing without asking', async () => {
  const reader = scripted({ 0x000c: ReadFailure.timeout() });
  const reading = await readMeter(reader, { unitId: 1, timeoutMs: 500, plan });
  expect(reader.asked).toEqual([0x0000, 0x0006, 0x000c]);
  expect(reading.values).toMatchObject({
    voltage_v: 230.5,
    current_a: 230.5,
    power_w: null,
    energy_total_kwh: null,
  });
  expect(Object.values(reading.values).filter((v) => v === 0)).toEqual([]);
  expect(reading.missing).toEqual({
    power_w: 'timeout',
    power_factor: 'timeout',
    frequency_hz: 'timeout',
    energy_import_kwh: 'timeout',
    energy_export_kwh: 'timeout',
    energy_total_kwh: 'timeout',
  });
});

it('says a meter that answered nothing got no data', async () => {
  const reader = scripted({ 0x0000: ReadFailure.timeout() });
  const reading = await readMeter(reader, { unitId: 1, timeoutMs: 500, plan });
  expect(reading.gotData).toBe(false);
  expect(Object.values(reading.values).every((v) => v === null)).toBe(true);
});

it('keeps a NaN value missing while its neighbours in the same read are kept', async () => {
  const reader = scripted({ 0x0046: 'nan' });
  const reading = await readMeter(reader, { unitId: 1, timeoutMs: 500, plan });
  expect(reading.values).toMatchObject({
    frequency_hz: null,
    energy_import_kwh: null,
    voltage_v: 230.5,
  });
  expect(reading.missing).toEqual({
    frequency_hz: 'not a number',
    energy_import_kwh: 'not a number',
    energy_export_kwh: 'not a number',
  });
});
