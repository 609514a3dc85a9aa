import { describe, expect, it } from 'vitest';
import { planLightingUpdate } from '../../src/demo/demo-lighting-update.js';

/** The cabinet's wiring in one run: its gateway's port is what moves between runs. */
const wiring = (port: number) => ({
  buses: [{ type: 'modbus', id: 'cabinet', transport: 'tcp', host: '127.0.0.1', port }],
  zoneNodes: { square: ['n1'] },
  clock: { source: 'assume-synced' },
});
/** The town's part as the demo writes it (this week's market, say). */
const demoPart = (market: string) => ({
  zones: [{ id: 'square', name: 'Place Omer Vallon', class: 'P3' }],
  events: [{ id: market, name: 'Marché de Noël', zones: ['square'] }],
});

describe('planLightingUpdate: what the demo sends the cloud at start', () => {
  it('sends the whole section when the cloud has none', () => {
    const wanted = { ...demoPart('week-1'), ...wiring(5020) };
    expect(planLightingUpdate({ current: null, wanted, demoWrote: null })).toEqual({
      put: wanted,
      owner: 'demo',
    });
  });

  it('sends nothing on a restart where nothing changed, whatever the key order', () => {
    const current = { ...wiring(5020), ...demoPart('week-1') };
    const wanted = { ...demoPart('week-1'), ...wiring(5020) };
    expect(planLightingUpdate({ current, wanted, demoWrote: demoPart('week-1') })).toEqual({
      put: null,
      owner: 'demo',
    });
    // Without its record too: what the cloud has is what the demo would write.
    expect(planLightingUpdate({ current, wanted, demoWrote: null }).put).toBeNull();
  });

  it('replaces its own settings when the demo’s program moved on (a new week’s market)', () => {
    const current = { ...demoPart('week-1'), ...wiring(5020) };
    const wanted = { ...demoPart('week-2'), ...wiring(5020) };
    expect(planLightingUpdate({ current, wanted, demoWrote: demoPart('week-1') })).toEqual({
      put: wanted,
      owner: 'demo',
    });
  });

  it('keeps a change made in the console since, and sends nothing when the wiring is the same', () => {
    const renamed = {
      ...demoPart('week-1'),
      zones: [{ id: 'square', name: 'Place du marché', class: 'P3' }],
    };
    const current = { ...renamed, ...wiring(5020) };
    const wanted = { ...demoPart('week-2'), ...wiring(5020) };
    expect(planLightingUpdate({ current, wanted, demoWrote: demoPart('week-1') })).toEqual({
      put: null,
      owner: 'town',
    });
  });

  it('puts only the new wiring into the town’s settings, keeping every key they added', () => {
    const edited = { ...demoPart('week-1'), failsafe: { failureLevel: 60 }, holidays: 'none' };
    const current = { ...edited, ...wiring(5020) };
    const wanted = { ...demoPart('week-1'), ...wiring(6030) };
    expect(planLightingUpdate({ current, wanted, demoWrote: demoPart('week-1') })).toEqual({
      put: { ...edited, ...wiring(6030) },
      owner: 'town',
    });
  });

  it('takes a section it has no record of for the town’s (never overwrites what it cannot tell)', () => {
    const current = { ...demoPart('week-1'), ...wiring(5020) };
    const wanted = { ...demoPart('week-2'), ...wiring(5020) };
    expect(planLightingUpdate({ current, wanted, demoWrote: null })).toEqual({
      put: null,
      owner: 'town',
    });
  });

  it('puts the wiring back into a town section that was sent without it', () => {
    const current = { ...demoPart('week-1'), holidays: 'none' };
    const wanted = { ...demoPart('week-1'), ...wiring(5020) };
    expect(planLightingUpdate({ current, wanted, demoWrote: demoPart('week-1') }).put).toEqual({
      ...current,
      ...wiring(5020),
    });
  });
});
