import type { Clock } from '@hameau/protocol';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { LampNodeBus } from './lamp-node-bus.js';
import { ModbusLampNodeBus } from './modbus-lamp-node-bus.js';
import { ModbusLampNodeBusConfig } from './modbus-lamp-node-config.js';

/** What a driver builds a bus with. */
export interface LampNodeDriverContext {
  readonly clock: Clock;
  readonly log: Logger;
}

/** A validated bus entry, bound to the driver that will build it. */
export interface LampNodeBusPlan {
  readonly type: string;
  readonly id: string;
  /** The node ids of the bus, in config order (the module checks zones against them). */
  readonly nodeIds: readonly string[];
  /** The entry after validation and defaults. */
  readonly config: Readonly<Record<string, unknown>>;
  create(context: LampNodeDriverContext): LampNodeBus;
}

/** A kind of lamp-node bus (`modbus`; DALI or 1–10 V gateways later), by its `type`. */
export interface LampNodeDriver {
  readonly type: string;
  readonly summary: string;
  /** Validates one bus entry; issue paths are relative to the entry. */
  readonly planSchema: z.ZodType<LampNodeBusPlan>;
}

/** What a driver module declares; `defineLampNodeDriver` erases its config type. */
export interface LampNodeDriverSpec<
  C extends {
    readonly type: string;
    readonly id: string;
    readonly nodes: readonly { readonly id: string }[];
  },
> {
  readonly type: string;
  readonly summary: string;
  readonly schema: z.ZodType<C>;
  create(config: C, context: LampNodeDriverContext): LampNodeBus;
}

/** Builds a `LampNodeDriver`; the config's static type stays inside the driver module. */
export function defineLampNodeDriver<
  C extends {
    readonly type: string;
    readonly id: string;
    readonly nodes: readonly { readonly id: string }[];
  },
>(spec: LampNodeDriverSpec<C>): LampNodeDriver {
  const planSchema = spec.schema.transform((config): LampNodeBusPlan =>
    Object.freeze({
      type: spec.type,
      id: config.id,
      nodeIds: Object.freeze(config.nodes.map((n) => n.id)),
      config: Object.freeze({ ...config }),
      create: (context: LampNodeDriverContext) => spec.create(config, context),
    }),
  );
  return Object.freeze({ type: spec.type, summary: spec.summary, planSchema });
}

/** `type: modbus`: Hameau's lamp-node register map over Modbus RTU, TCP or RTU over TCP. */
export const modbusLampNodeDriver = defineLampNodeDriver({
  type: 'modbus',
  summary: "Hameau's lamp-node register map over Modbus RTU, TCP or RTU over TCP",
  schema: ModbusLampNodeBusConfig,
  create: (config, context) => new ModbusLampNodeBus(config, context),
});

/** The lamp-node drivers a site config may name, by `type`. */
export class LampNodeDrivers {
  readonly #drivers = new Map<string, LampNodeDriver>();

  constructor(drivers: Iterable<LampNodeDriver> = []) {
    for (const driver of drivers) this.register(driver);
  }

  /** Adds a driver; a second driver with the same type is a programming error. */
  register(driver: LampNodeDriver): this {
    if (this.#drivers.has(driver.type)) {
      throw new Error(`lamp-node driver "${driver.type}" is registered twice`);
    }
    this.#drivers.set(driver.type, driver);
    return this;
  }

  get(type: string): LampNodeDriver | undefined {
    return this.#drivers.get(type);
  }

  /** Every driver's type, sorted. */
  get types(): readonly string[] {
    return [...this.#drivers.keys()].sort();
  }

  /**
   * The schema of one bus entry: its `type` picks the driver, whose schema validates the rest.
   * Issues keep their paths relative to the entry, so a module config reports them in place.
   */
  busSchema(): z.ZodType<LampNodeBusPlan> {
    return z.unknown().transform((entry, ctx): LampNodeBusPlan => {
      const type = isRecord(entry) ? entry['type'] : undefined;
      const driver = typeof type === 'string' ? this.get(type) : undefined;
      if (driver === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['type'],
          message: `expected a lamp-node driver (${this.types.join(', ')}), found ${String(type)}`,
          input: type,
        });
        return z.NEVER;
      }
      const plan = driver.planSchema.safeParse(entry);
      if (!plan.success) {
        for (const issue of plan.error.issues) {
          ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, input: entry });
        }
        return z.NEVER;
      }
      return plan.data;
    });
  }
}

/** A fresh registry holding every driver this package ships. */
export function builtinLampNodeDrivers(): LampNodeDrivers {
  return new LampNodeDrivers([modbusLampNodeDriver]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
