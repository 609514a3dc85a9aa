import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinModules, parseAgentConfig } from '@hameau/edge-agent';
import { agentSite, PASSWORD_FILE, zonesOf, type TownPorts } from '../../src/agent/agent-site.js';

const TOWN: TownPorts = {
  mqttUrl: 'mqtt://127.0.0.1:41883',
  lockBank: { host: '127.0.0.1', port: 41001, boards: [0, 1] },
  meterPorts: [
    {
      id: 'mairie-meters',
      host: '127.0.0.1',
      port: 41002,
      meters: [
        { id: 'town-hall', model: 'sdm630', unitId: 1 },
        { id: 'school', model: 'sdm120', unitId: 2 },
      ],
    },
    {
      id: 'cabinet-centre',
      host: '127.0.0.1',
      port: 41003,
      meters: [{ id: 'lighting-cabinet', model: 'sdm630', unitId: 100 }],
    },
  ],
  lampNodes: {
    id: 'cabinet-centre',
    host: '127.0.0.1',
    port: 41003,
    nodes: [
      { id: 'rue-01', unitId: 1 },
      { id: 'rue-02', unitId: 2 },
      { id: 'gare-01', unitId: 21 },
    ],
    meter: 'lighting-cabinet',
  },
};

const dir = mkdtempSync(join(tmpdir(), 'bench-agent-site-'));
writeFileSync(join(dir, PASSWORD_FILE), 'secret\n', { mode: 0o600 });
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Through the agent's own loader and checks, as `hameau agent --config` reads the file. */
const load = (site: Record<string, unknown>) =>
  parseAgentConfig(JSON.stringify(site), join(dir, 'site.yaml'), {
    modules: builtinModules().list(),
  });

describe('the measured agents’ site.yaml', () => {
  it('gives the baseline no module, on the same identity kind as the full agent', () => {
    const config = load(agentSite('baseline', TOWN, 41090));
    expect(Object.keys(config.modules)).toEqual([]);
    expect(config.device).toBe('idle-bare');
    expect(config.kind).toBe(load(agentSite('full', TOWN, 41090)).kind);
  });

  it('gives the full agent the three modules, valid for the agent, at their defaults', () => {
    const config = load(agentSite('full', TOWN, 41090));
    expect(Object.keys(config.modules)).toEqual(['locker', 'metering', 'lighting']);
    expect(config.device).toBe('idle-full');
    // Defaults the figures depend on, as the docs state them.
    expect(config.log.level).toBe('warn');
    expect(config.outbox.resendAfterSeconds).toBe(30);
    const site = agentSite('full', TOWN, 41090);
    const modules = site['modules'] as Record<string, Record<string, unknown>>;
    expect(modules['locker']?.['kiosk']).toMatchObject({ port: 41090 });
    expect(modules['lighting']?.['zoneNodes']).toEqual({
      rue: ['rue-01', 'rue-02'],
      gare: ['gare-01'],
    });
    expect(modules['lighting']?.['energyChecks']).toEqual({
      cabinet: { meter: 'lighting-cabinet' },
    });
  });

  it('leaves the cabinet check out when the lamp line has no meter', () => {
    const site = agentSite('full', { ...TOWN, lampNodes: { ...TOWN.lampNodes, meter: null } }, 1);
    const modules = site['modules'] as Record<string, Record<string, unknown>>;
    expect(modules['lighting']).not.toHaveProperty('energyChecks');
    expect(() => load(site)).not.toThrow();
  });
});

describe('zonesOf', () => {
  it('groups lamp nodes by street, in the order first seen', () => {
    expect([...zonesOf(['omer-vallon-01', 'gare-01', 'omer-vallon-02', 'parvis'])]).toEqual([
      ['omer-vallon', ['omer-vallon-01', 'omer-vallon-02']],
      ['gare', ['gare-01']],
      ['parvis', ['parvis']],
    ]);
  });
});
