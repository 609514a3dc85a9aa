import { planRequests } from '../../../../src/modules/metering/models/plan-requests.js';
import type { MeterModel } from '../../../../src/modules/metering/models/register-map.js';
import { readMeter } from '../../../../src/modules/metering/poller/read-meter.js';
import { imageReader, type RegisterImage } from '../helpers/register-image.js';

/** Reads `model` from a strict register image, as the poller would, with the model's own plan. */
export async function readModel(model: MeterModel, registers: RegisterImage) {
  const plan = planRequests(model.registers, { maxSpan: 125, maxGap: model.maxGap });
  const reader = imageReader(registers);
  const reading = await readMeter(reader, { unitId: 1, timeoutMs: 1_000, plan });
  return { ...reading, requests: reader.requests };
}

/** Each quantity of `model` with its unit. */
export function unitsOf(model: MeterModel): Record<string, string> {
  return Object.fromEntries(model.registers.map((f) => [f.quantity, f.unit]));
}
