import { ManualClock } from '@hameau/protocol';
import { readRequestPdu } from '../../../src/modbus/modbus-pdu.js';
import type { UnitAnswer } from '../../../src/modbus/modbus-unit.js';
import {
  writeMultipleRequestPdu,
  writeSingleRequestPdu,
} from '../../../src/devices/lamp-node/modbus-write-pdu.js';
import type { LampNodeOptionsInput } from '../../../src/devices/lamp-node/lamp-node-options.js';
import { SimLampNode } from '../../../src/devices/lamp-node/sim-lamp-node.js';
import { silentLog } from '../../meter-fixtures.js';

/** A started node on a ManualClock, on an exact 230 V supply. */
export function startedNode(
  options: Partial<Pick<LampNodeOptionsInput, 'id' | 'unit'>> & {
    [K in Exclude<keyof LampNodeOptionsInput, 'id' | 'unit'>]?: LampNodeOptionsInput[K] | undefined;
  } = {},
  clock = new ManualClock(),
): { node: SimLampNode; clock: ManualClock } {
  const node = new SimLampNode(
    { id: 'lamp-1', unit: 5, ratedW: 120, level: 50, ...options },
    { clock, log: silentLog },
  );
  node.start();
  return { node, clock };
}

/** The reply PDU as hex, or `none`. */
export function replyHex(answer: UnitAnswer): string {
  return answer.kind === 'none' ? 'none' : answer.pdu.toString('hex');
}

/** Holding registers 0-3 read over FC 03, as numbers (throws on an exception). */
export function readHolding(node: SimLampNode): number[] {
  return words(node.answer(readRequestPdu(3, 0, 4)));
}

/** Input registers 0-6 read over FC 04, as numbers (this clears the restarted bit). */
export function readInput(node: SimLampNode): number[] {
  return words(node.answer(readRequestPdu(4, 0, 7)));
}

/** Writes one holding register over FC 06; returns the reply PDU as hex. */
export function write(node: SimLampNode, address: number, value: number): string {
  return replyHex(node.answer(writeSingleRequestPdu(address, value)));
}

/** Writes holding registers over FC 16; returns the reply PDU as hex. */
export function writeMany(node: SimLampNode, address: number, values: number[]): string {
  return replyHex(node.answer(writeMultipleRequestPdu(address, values)));
}

function words(answer: UnitAnswer): number[] {
  if (answer.kind === 'none') throw new Error('no answer');
  const pdu = answer.pdu;
  if ((pdu[0] ?? 0) & 0x80) throw new Error(`exception ${pdu.toString('hex')}`);
  const out: number[] = [];
  for (let i = 2; i < pdu.length; i += 2) out.push(pdu.readUInt16BE(i));
  return out;
}
