import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DemoLightingFile } from '../../src/demo/demo-lighting-file.js';
import { townPartOf } from '../../src/demo/demo-lighting-section.js';
import { planLightingUpdate } from '../../src/demo/demo-lighting-update.js';
import { tempDirs } from '../helpers/run-cli.js';

const tmp = tempDirs('hameau-demo-lighting-');

/** The cabinet's wiring as an older demo wrote it into the cloud's section. */
const oldWiring = {
  buses: [{ type: 'modbus', id: 'cabinet', transport: 'tcp', host: '127.0.0.1', port: 5020 }],
  zoneNodes: { square: ['n1'] },
  clock: { source: 'assume-synced' },
};
/** The town's part as the demo writes it (this week's market, say). */
const demoPart = (market: string) => ({
  zones: [{ id: 'square', name: 'Place Omer Vallon', class: 'P3' }],
  events: [{ id: market, name: 'Marché de Noël', zones: ['square'] }],
});

describe('planLightingUpdate: what the demo sends the cloud at start', () => {
  it('sends its section, without any wiring, when the cloud has none', () => {
    const wanted = demoPart('week-1');
    expect(planLightingUpdate({ current: null, wanted, demoWrote: null })).toEqual({
      put: wanted,
      owner: 'demo',
    });
  });

  it('sends nothing on a restart where nothing changed, whatever the key order', () => {
    const current = { events: demoPart('week-1').events, zones: demoPart('week-1').zones };
    const wanted = demoPart('week-1');
    expect(planLightingUpdate({ current, wanted, demoWrote: demoPart('week-1') })).toEqual({
      put: null,
      owner: 'demo',
    });
    // Without its record too: what the cloud has is what the demo would write.
    expect(planLightingUpdate({ current, wanted, demoWrote: null }).put).toBeNull();
  });

  it('replaces its own settings when the demo’s program moved on (a new week’s market)', () => {
    const current = demoPart('week-1');
    const wanted = demoPart('week-2');
    expect(planLightingUpdate({ current, wanted, demoWrote: demoPart('week-1') })).toEqual({
      put: wanted,
      owner: 'demo',
    });
  });

  it('keeps a change made in the console since, and sends nothing', () => {
    const renamed = {
      ...demoPart('week-1'),
      zones: [{ id: 'square', name: 'Place du marché', class: 'P3' }],
    };
    const wanted = demoPart('week-2');
    expect(planLightingUpdate({ current: renamed, wanted, demoWrote: demoPart('week-1') })).toEqual(
      { put: null, owner: 'town' },
    );
  });

  it('never puts wiring into a town’s section sent without it: the agent has its own', () => {
    const edited = { ...demoPart('week-1'), holidays: 'none' };
    expect(
      planLightingUpdate({ current: edited, wanted: demoPart('week-1'), demoWrote: null }),
    ).toEqual({ put: null, owner: 'town' });
  });

  it('takes a section it has no record of for the town’s (never overwrites what it cannot tell)', () => {
    const current = demoPart('week-1');
    const wanted = demoPart('week-2');
    expect(planLightingUpdate({ current, wanted, demoWrote: null })).toEqual({
      put: null,
      owner: 'town',
    });
  });

  it('drops the wiring an older demo wrote into its own section, and only there', () => {
    const wanted = demoPart('week-1');
    const older = { ...demoPart('week-1'), ...oldWiring };
    expect(planLightingUpdate({ current: older, wanted, demoWrote: demoPart('week-1') })).toEqual({
      put: wanted,
      owner: 'demo',
    });
    // A town's section keeps whatever it holds: the agent ignores wiring from the cloud anyway.
    const town = { ...demoPart('week-1'), holidays: 'none', ...oldWiring };
    expect(planLightingUpdate({ current: town, wanted, demoWrote: demoPart('week-1') }).put).toBe(
      null,
    );
  });
});

describe('townPartOf', () => {
  it('leaves out the keys the agent takes from its site.yaml', () => {
    expect(
      townPartOf({ ...demoPart('week-1'), ...oldWiring, failsafe: {}, reportMinutes: 2 }),
    ).toEqual({
      ...demoPart('week-1'),
      reportMinutes: 2,
    });
  });
});

describe('DemoLightingFile', () => {
  it('still reads what the demo wrote from a record an older demo left (with its gateway port)', () => {
    const path = join(tmp(), 'demo-lighting.json');
    writeFileSync(path, JSON.stringify({ gatewayPort: 5020, demoWrote: demoPart('week-1') }));
    const file = new DemoLightingFile(path);
    expect(file.read()).toEqual({ demoWrote: demoPart('week-1') });
    file.write({ demoWrote: demoPart('week-2') });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ demoWrote: demoPart('week-2') });
  });
});
