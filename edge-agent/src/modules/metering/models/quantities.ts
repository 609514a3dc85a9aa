/** Whether a quantity is an instant value or a counter that only ever grows. */
export type QuantityKind = 'gauge' | 'counter';

/** The unit and kind of one quantity of the vocabulary. */
export interface QuantitySpec {
  /** The unit of the reported value; `''` for a ratio such as the power factor. */
  readonly unit: string;
  readonly kind: QuantityKind;
}

const gauge = (unit: string): QuantitySpec => ({ unit, kind: 'gauge' });
const counter = (unit: string): QuantitySpec => ({ unit, kind: 'counter' });

/**
 * The one vocabulary every meter model reports in (docs/metering.md). Units are part of the
 * name, so the cloud's energy figures (kWh per day from counters, green share) can rely on a
 * name meaning the same thing whatever the meter. Unsuffixed phase names (`voltage_v`,
 * `current_a`) are the single-phase value, or the average of the phases where the meter gives
 * one; `power_w` is always the total active power.
 */
export const QUANTITIES = {
  voltage_v: gauge('V'),
  voltage_l1_v: gauge('V'),
  voltage_l2_v: gauge('V'),
  voltage_l3_v: gauge('V'),
  current_a: gauge('A'),
  current_l1_a: gauge('A'),
  current_l2_a: gauge('A'),
  current_l3_a: gauge('A'),
  power_w: gauge('W'),
  power_l1_w: gauge('W'),
  power_l2_w: gauge('W'),
  power_l3_w: gauge('W'),
  apparent_power_va: gauge('VA'),
  reactive_power_var: gauge('var'),
  power_factor: gauge(''),
  power_factor_l1: gauge(''),
  power_factor_l2: gauge(''),
  power_factor_l3: gauge(''),
  frequency_hz: gauge('Hz'),
  energy_import_kwh: counter('kWh'),
  energy_export_kwh: counter('kWh'),
  energy_total_kwh: counter('kWh'),
  energy_import_l1_kwh: counter('kWh'),
  energy_import_l2_kwh: counter('kWh'),
  energy_import_l3_kwh: counter('kWh'),
} as const satisfies Readonly<Record<string, QuantitySpec>>;

/** A quantity of the vocabulary, e.g. `power_w`. */
export type Quantity = keyof typeof QUANTITIES;

/** Whether `name` is a quantity of the vocabulary. */
export function isQuantity(name: string): name is Quantity {
  return Object.hasOwn(QUANTITIES, name);
}

/** Whether `quantity` is an energy counter, which must never go backwards. */
export function isCounter(quantity: Quantity): boolean {
  return QUANTITIES[quantity].kind === 'counter';
}
