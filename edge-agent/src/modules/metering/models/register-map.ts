import { z } from 'zod';
import { QUANTITIES, isQuantity, type Quantity } from './quantities.js';

/** How a value is laid out in its registers. */
export const RegisterType = z.enum(['float32', 'int32', 'uint32', 'int16', 'uint16']);
export type RegisterType = z.infer<typeof RegisterType>;

/** Which register of a 32-bit value comes first on the wire. */
export const WordOrder = z.enum(['high-first', 'low-first']);
export type WordOrder = z.infer<typeof WordOrder>;

/** The order of the two bytes inside each register (`big` is the Modbus standard). */
export const ByteOrder = z.enum(['big', 'little']);
export type ByteOrder = z.infer<typeof ByteOrder>;

/** Read holding registers (03) or input registers (04). */
export const FunctionCode = z.union([z.literal(3), z.literal(4)]);
export type FunctionCode = z.infer<typeof FunctionCode>;

/** Registers a value of `type` takes. */
export function registerCount(type: RegisterType): 1 | 2 {
  return type === 'int16' || type === 'uint16' ? 1 : 2;
}

/** One quantity of a model, fully resolved: where it is and how to turn its words into a value. */
export interface RegisterField {
  readonly quantity: Quantity;
  /** 0-based PDU address of the first register. */
  readonly register: number;
  readonly functionCode: FunctionCode;
  readonly type: RegisterType;
  readonly wordOrder: WordOrder;
  readonly byteOrder: ByteOrder;
  /** The raw value is multiplied by this (0.1 for "÷ 10", 1000 for kW → W). */
  readonly scale: number;
  /** The unit of the value after scaling: always the unit its quantity's name carries. */
  readonly unit: string;
}

/** A meter model: a named register map. */
export interface MeterModel {
  readonly id: string;
  readonly name: string;
  /**
   * Unused registers a single read may span to join two fields. 0 unless the maker documents
   * that reading across them is allowed: some meters answer "illegal data address" instead.
   */
  readonly maxGap: number;
  readonly registers: readonly RegisterField[];
}

const Register = z.int().min(0).max(0xffff);

const RegisterEntry = z.strictObject({
  quantity: z.string().refine(isQuantity, {
    error: `a quantity of the vocabulary (${Object.keys(QUANTITIES).join(', ')})`,
  }),
  register: Register,
  unit: z.string(),
  functionCode: FunctionCode.optional(),
  type: RegisterType.optional(),
  wordOrder: WordOrder.optional(),
  byteOrder: ByteOrder.optional(),
  scale: z
    .number()
    .refine((s) => Number.isFinite(s) && s !== 0, { error: 'a finite number other than 0' })
    .default(1),
});

/**
 * The schema of a register map, as written in a model file or in `site.yaml`
 * (`modules.metering.models.<id>`). `functionCode`, `type`, `wordOrder` and `byteOrder` at the
 * top are the defaults of every register; a register may override any of them. Each register's
 * `unit` must be the unit its quantity's name carries (scale kW by 1000 to report `power_w`).
 */
export const RegisterMapSchema = z
  .strictObject({
    name: z.string().min(1).max(100),
    functionCode: FunctionCode,
    type: RegisterType,
    wordOrder: WordOrder.default('high-first'),
    byteOrder: ByteOrder.default('big'),
    maxGap: z.int().min(0).max(123).default(0),
    registers: z.array(RegisterEntry).min(1),
  })
  .transform((map, ctx) => {
    const seen = new Set<string>();
    const registers: RegisterField[] = [];
    map.registers.forEach((entry, i) => {
      const quantity = entry.quantity;
      const field: RegisterField = {
        quantity,
        register: entry.register,
        functionCode: entry.functionCode ?? map.functionCode,
        type: entry.type ?? map.type,
        wordOrder: entry.wordOrder ?? map.wordOrder,
        byteOrder: entry.byteOrder ?? map.byteOrder,
        scale: entry.scale,
        unit: entry.unit,
      };
      const expected = QUANTITIES[quantity].unit;
      if (field.unit !== expected) {
        ctx.issues.push({
          code: 'custom',
          message: `expected ${JSON.stringify(expected)}, the unit of ${quantity} (convert with scale), found ${JSON.stringify(field.unit)}`,
          path: ['registers', i, 'unit'],
          input: entry.unit,
        });
      }
      if (field.register + registerCount(field.type) > 0x10000) {
        ctx.issues.push({
          code: 'custom',
          message: `expected a register where a ${field.type} fits, found ${field.register}`,
          path: ['registers', i, 'register'],
          input: entry.register,
        });
      }
      if (seen.has(quantity)) {
        ctx.issues.push({
          code: 'custom',
          message: `expected each quantity once, found ${quantity} again`,
          path: ['registers', i, 'quantity'],
          input: entry.quantity,
        });
      }
      seen.add(quantity);
      registers.push(field);
    });
    return { name: map.name, maxGap: map.maxGap, registers };
  });

/** A register map as written, before defaults; built-in maps get their quantity names checked. */
export type RegisterMapInput = Omit<z.input<typeof RegisterMapSchema>, 'registers'> & {
  readonly registers: readonly (z.input<typeof RegisterEntry> & { readonly quantity: Quantity })[];
};

/**
 * Declares a built-in model from its register map. A mistake in the map throws when the module
 * loads (and fails its test), never at a site.
 */
export function defineMeterModel(id: string, map: RegisterMapInput): MeterModel {
  const result = RegisterMapSchema.safeParse(map);
  if (!result.success) {
    throw new Error(`meter model ${id}: ${z.prettifyError(result.error)}`);
  }
  return Object.freeze({ id, ...result.data, registers: Object.freeze(result.data.registers) });
}
