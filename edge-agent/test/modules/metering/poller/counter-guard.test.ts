import { expect, it } from 'vitest';
import { CounterGuard } from '../../../../src/modules/metering/poller/counter-guard.js';

it('flags an energy counter that goes backwards, and takes the new value as baseline', () => {
  const guard = new CounterGuard();
  expect(guard.check({ energy_import_kwh: 100, power_w: 500 })).toEqual([]);
  expect(guard.check({ energy_import_kwh: 100.5, power_w: 20 })).toEqual([]);
  expect(guard.check({ energy_import_kwh: 3.25, power_w: 10 })).toEqual([
    { quantity: 'energy_import_kwh', previous: 100.5, current: 3.25 },
  ]);
  // From the new baseline on, growth is normal again.
  expect(guard.check({ energy_import_kwh: 3.5 })).toEqual([]);
  expect(guard.snapshot()).toEqual({ energy_import_kwh: 3.5 });
});

it('ignores gauges going down and missing counters', () => {
  const guard = new CounterGuard({ energy_export_kwh: 10 });
  expect(guard.check({ power_w: 900, voltage_v: 230 })).toEqual([]);
  expect(guard.check({ power_w: -50, voltage_v: 0 })).toEqual([]);
  // A missing counter is neither a reset nor a new baseline.
  expect(guard.check({ energy_export_kwh: null })).toEqual([]);
  expect(guard.check({ energy_export_kwh: 9 })).toEqual([
    { quantity: 'energy_export_kwh', previous: 10, current: 9 },
  ]);
});
