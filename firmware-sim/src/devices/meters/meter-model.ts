import { ModbusException } from '../../modbus/modbus-exception.js';
import type { ReadFunctionCode } from '../../modbus/modbus-pdu.js';
import type { MeterSnapshot } from './meter-snapshot.js';
import { encodeRegisters, registerCount, type RegisterEncoding } from './register-encoding.js';

/** One quantity of a register map: where it lives, how it is encoded, what it reads. */
export interface RegisterField {
  /** 0-based PDU address of its first register. */
  readonly address: number;
  /** What it is, for tests and docs (`voltage L1`). */
  readonly name: string;
  readonly encoding: RegisterEncoding;
  /** The value in the register's unit, from the meter's state. */
  read(snapshot: MeterSnapshot): number;
}

/** A range of registers a meter implements: `[start, end)`. */
export interface RegisterBlock {
  readonly start: number;
  readonly end: number;
}

/**
 * A meter model's Modbus face, as data: the function code that reads its measurements, the
 * blocks of registers it implements, and the fields within them. Registers of a block that
 * no field covers read as 0, as reserved registers do on the real meters.
 */
export interface MeterModel {
  /** As in scenario files: `sdm630`. */
  readonly model: string;
  /** Manufacturer and name, for `hameau sim --list`. */
  readonly title: string;
  readonly functionCode: ReadFunctionCode;
  /** 1 or 3. */
  readonly phases: 1 | 3;
  readonly blocks: readonly RegisterBlock[];
  readonly fields: readonly RegisterField[];
}

/** Checks a model once: fields inside blocks and never overlapping (a typo in an address). */
export function defineMeterModel(model: MeterModel): MeterModel {
  const taken = new Map<number, string>();
  for (const field of model.fields) {
    for (let i = 0; i < registerCount(field.encoding); i++) {
      const address = field.address + i;
      const other = taken.get(address);
      if (other !== undefined) {
        throw new Error(`${model.model}: ${field.name} overlaps ${other} at ${hex(address)}`);
      }
      if (!model.blocks.some((b) => address >= b.start && address < b.end)) {
        throw new Error(`${model.model}: ${field.name} at ${hex(address)} is outside every block`);
      }
      taken.set(address, field.name);
    }
  }
  return Object.freeze(model);
}

/** Shorthand for a float32 ABCD field. */
export function float32(
  address: number,
  name: string,
  read: (s: MeterSnapshot) => number,
): RegisterField {
  return { address, name, encoding: { kind: 'float32' }, read };
}

/** Shorthand for a signed INT32, low word first, of `value × factor`. */
export function int32LowWordFirst(
  address: number,
  name: string,
  factor: number,
  read: (s: MeterSnapshot) => number,
): RegisterField {
  return { address, name, encoding: { kind: 'int32-low-word-first', factor }, read };
}

/** Shorthand for a signed INT16 of `value × factor`. */
export function int16(
  address: number,
  name: string,
  factor: number,
  read: (s: MeterSnapshot) => number,
): RegisterField {
  return { address, name, encoding: { kind: 'int16', factor }, read };
}

/** The registers a read asks for, or the exception the meter answers. */
export type RegisterRead =
  | { readonly ok: true; readonly words: number[] }
  | { readonly ok: false; readonly exception: number };

/**
 * Serves one read. The whole range must lie in one implemented block: a read that starts
 * outside every block or runs past the end of its block is an illegal data address (02).
 * Reading with the model's other register function (03 instead of 04) finds no registers: 02.
 */
export function readModelRegisters(
  model: MeterModel,
  snapshot: MeterSnapshot,
  functionCode: ReadFunctionCode,
  address: number,
  quantity: number,
): RegisterRead {
  const end = address + quantity;
  const inBlock = model.blocks.some((b) => address >= b.start && end <= b.end);
  if (functionCode !== model.functionCode || !inBlock) {
    return { ok: false, exception: ModbusException.IllegalDataAddress };
  }
  const words = new Array<number>(quantity).fill(0);
  for (const field of model.fields) {
    const count = registerCount(field.encoding);
    if (field.address + count <= address || field.address >= end) continue;
    encodeRegisters(field.encoding, field.read(snapshot)).forEach((word, i) => {
      const at = field.address + i - address;
      if (at >= 0 && at < quantity) words[at] = word;
    });
  }
  return { ok: true, words };
}

/** Every register of a model's blocks, by address (tests and debugging). */
export function registerImage(model: MeterModel, snapshot: MeterSnapshot): Map<number, number> {
  const image = new Map<number, number>();
  for (const field of model.fields) {
    encodeRegisters(field.encoding, field.read(snapshot)).forEach((word, i) => {
      image.set(field.address + i, word);
    });
  }
  return image;
}

function hex(address: number): string {
  return `0x${address.toString(16).padStart(4, '0')}`;
}
