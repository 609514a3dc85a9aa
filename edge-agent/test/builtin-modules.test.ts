import { describe, expect, it } from 'vitest';
import { LIGHTING_LOCAL_KEYS, LIGHTING_MODULE_KEYS } from '@hameau/protocol';
import { builtinModules } from '../src/builtin-modules.js';
import { LOCKER_LOCAL_KEYS } from '../src/modules/locker/locker-config.js';

describe('the built-in modules’ local-only keys', () => {
  const registry = builtinModules();

  it('are the lighting cabinet’s wiring, clock, fail-safe and energy checks', () => {
    expect(registry.get('lighting')?.localKeys).toEqual(LIGHTING_LOCAL_KEYS);
    for (const key of LIGHTING_LOCAL_KEYS) expect(LIGHTING_MODULE_KEYS).toContain(key);
    // Overrides and timings stay the cloud's.
    expect(LIGHTING_LOCAL_KEYS).not.toContain('overrides');
    expect(LIGHTING_LOCAL_KEYS).not.toContain('reportMinutes');
  });

  it('are the lock bank’s wiring, terminals and safety caps', () => {
    expect(registry.get('locker')?.localKeys).toEqual(LOCKER_LOCAL_KEYS);
    expect(LOCKER_LOCAL_KEYS).toEqual(
      expect.arrayContaining(['buses', 'boxes', 'lockout', 'remoteUnlock', 'terminals']),
    );
    expect(LOCKER_LOCAL_KEYS).not.toContain('reportSeconds');
  });

  it('are none for metering, whose meters’ periods share their entries with their addresses', () => {
    expect(registry.get('metering')?.localKeys).toEqual([]);
  });
});
