import { HameauError } from '@hameau/protocol';
import { counterDeviceType } from './devices/counter/counter-type.js';
import { lampNodesDeviceType } from './devices/lamp-node/lamp-node-type.js';
import { lockBoardDeviceType } from './devices/lock-board/lock-board-type.js';
import { meterDeviceTypes } from './devices/meters/meter-device-types.js';
import type { DeviceType } from './device-type.js';

/** The device types a scenario file may name, looked up by their `type`. */
export class DeviceRegistry {
  readonly #types = new Map<string, DeviceType>();

  constructor(types: Iterable<DeviceType> = []) {
    for (const t of types) this.register(t);
  }

  /** Adds a device type; a second type with the same name is a programming error. */
  register(type: DeviceType): this {
    if (this.#types.has(type.type)) {
      throw new HameauError('CONFIG_INVALID', `device type "${type.type}" is registered twice`, {
        type: type.type,
      });
    }
    this.#types.set(type.type, type);
    return this;
  }

  get(type: string): DeviceType | undefined {
    return this.#types.get(type);
  }

  /** Every registered type, sorted by name. */
  list(): readonly DeviceType[] {
    return [...this.#types.values()].sort((a, b) => a.type.localeCompare(b.type));
  }
}

/** A fresh registry holding every device type this package ships. */
export function builtinDeviceTypes(): DeviceRegistry {
  return new DeviceRegistry([
    counterDeviceType,
    ...meterDeviceTypes,
    lockBoardDeviceType,
    lampNodesDeviceType,
  ]);
}
