import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, LIGHTING_MODULE_KEYS } from '@hameau/protocol';
import { builtinModules } from '../../../src/builtin-modules.js';
import { loadAgentConfig, parseAgentConfig } from '../../../src/config/load-agent-config.js';
import {
  LightingConfigSchema,
  modulePart,
  type LightingConfig,
} from '../../../src/modules/lighting/lighting-config.js';
import { builtinLampNodeDrivers } from '../../../src/modules/lighting/nodes/lamp-node-drivers.js';
import { overrideIdOf } from '../../../src/modules/lighting/lighting-overrides.js';
import { refreshMs } from '../../../src/modules/lighting/node-fleet.js';
import { useTempFolders } from '../../config/temp-files.js';
import { lightingConfig } from './helpers/lighting-rig.js';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '../../../examples');
const folder = useTempFolders();
const modules = builtinModules().list();

/** Every problem the agent's loader lists for a `modules.lighting` section. */
function problems(lighting: unknown): string[] {
  try {
    parseAgentConfig(
      JSON.stringify({
        site: 'senlis',
        device: 'lamps-1',
        kind: 'lighting',
        mqtt: { url: 'mqtt://127.0.0.1:1', password: 'x' },
        modules: { lighting },
      }),
      '/etc/hameau/site.yaml',
      { modules },
    );
  } catch (err) {
    if (err instanceof ConfigError) {
      return (err.details['problems'] as string[]).map((p) =>
        p.replace(/ \(line \d+, column \d+\)/, ''),
      );
    }
    throw err;
  }
  return [];
}

describe('the lighting configuration', () => {
  it('loads the example lighting.yaml through the agent config, with its defaults', () => {
    const dir = folder({ 'secrets/mqtt-password': 'example-password\n' });
    copyFileSync(join(EXAMPLES, 'lighting.yaml'), join(dir, 'lighting.yaml'));
    const config = loadAgentConfig(join(dir, 'lighting.yaml'), { modules });
    const lighting = config.modules['lighting'] as LightingConfig;
    expect(lighting.control.zones.map((z) => z.id)).toEqual([
      'rue-republique',
      'place-parvis',
      'lane',
    ]);
    expect(lighting.buses.map((b) => [b.id, b.nodeIds])).toEqual([
      ['cabinet-centre', ['rr-01', 'rr-02', 'rr-03', 'pp-01', 'pp-02']],
      ['lane-gateway', ['ln-01', 'ln-02']],
    ]);
    expect(lighting.buses[1]?.config).toMatchObject({ port: 502, verify: true });
    expect(lighting.failsafe).toEqual({ failureLevel: 100, watchdogSeconds: 300 });
    expect(lighting.clock).toEqual({
      source: 'timesyncd',
      syncFile: '/run/systemd/timesync/synchronized',
      retrustMinutes: 10,
    });
    expect(lighting.reportMinutes).toBe(5);
    expect(lighting.unreachableCycles).toBe(3);
    expect(lighting.overrides).toEqual([]);
    expect(lighting.control.classMinimums.M4).toBe(30);
  });

  it('is an empty, dark controller when given nothing', () => {
    const config = LightingConfigSchema.parse({});
    expect(config.buses).toEqual([]);
    expect(config.control.zones).toEqual([]);
    expect(config.decisionSeconds).toBe(60);
    expect(config.energyChecks).toEqual({
      lampFailure: { belowPct: 50, minutes: 10 },
      dayBurning: { aboveW: 5, minutes: 10 },
    });
  });

  it('lists every problem at once: its own keys, the controller’s, and the references across them', () => {
    const base = lightingConfig(502);
    // The shapes of both parts first; the references once the keys they read are valid.
    expect(
      problems({
        ...base,
        decisionSeconds: 5,
        swichOn: { at: 'sunset' },
        zoneNodes: {
          'rue-haute': ['rh-01', 'rh-02', 'rh-09'],
          place: ['pe-01', 'rh-02'],
          park: ['pe-02'],
        },
      }),
    ).toEqual([
      'modules.lighting.decisionSeconds: expected a number >= 10, found 5',
      'modules.lighting.swichOn: expected only known keys here, found unknown key "swichOn" (check the spelling)',
    ]);
    expect(
      problems({
        ...base,
        zoneNodes: {
          'rue-haute': ['rh-01', 'rh-02', 'rh-09'],
          place: ['pe-01', 'rh-02'],
          park: ['pe-02'],
        },
        failsafe: { watchdogSeconds: 120 },
        overrides: [
          {
            id: 'cloud-1',
            zones: ['rue-basse'],
            level: 50,
            expiresAt: '2026-01-15T23:00:00Z',
            issuedAt: '2026-01-15T22:00:00Z',
            reason: 'x',
          },
        ],
      }),
    ).toEqual([
      'modules.lighting.zoneNodes.rue-haute[2]: expected a node id of the buses (rh-01, rh-02, rh-03, pe-01, pe-02), found rh-09',
      'modules.lighting.zoneNodes.place[1]: expected a node in one zone only, found rh-02 again (already in zone rue-haute)',
      'modules.lighting.zoneNodes.park: expected a zone id (rue-haute, place), found park',
      'modules.lighting.buses[0].nodes[2].id: expected node rh-03 in a zone of zoneNodes (a node never commanded falls back to its failure level), found it in none',
      'modules.lighting.overrides[0].zones[0]: expected a zone id (rue-haute, place), found rue-basse',
      'modules.lighting.failsafe.watchdogSeconds: expected a watchdog of 0 (off) or at least 3 decision periods (180 s: two lost writes must not let a node fall back), found 120',
    ]);
  });

  it('checks the overrides the cloud gives, reason included', () => {
    expect(
      problems({
        ...lightingConfig(502),
        overrides: [
          { id: 'Bad_Id', zones: 'all', level: 150, expiresAt: 5, issuedAt: 10, reason: '' },
        ],
      }),
    ).toEqual([
      'modules.lighting.overrides[0].reason: a reason must not be empty, found ""',
      'modules.lighting.overrides[0].id: override id must be 1-40 lower-case letters, digits or inner dashes, found "Bad_Id"',
      'modules.lighting.overrides[0].level: a level must be 0-100 %, found 150',
    ]);
  });
});

describe('the cabinet meter check', () => {
  it('takes a meter id and fills in its defaults', () => {
    const config = LightingConfigSchema.parse({
      ...lightingConfig(502),
      energyChecks: { cabinet: { meter: 'cabinet-meter' } },
    });
    expect(config.energyChecks.cabinet).toEqual({
      meter: 'cabinet-meter',
      zones: 'all',
      allowanceW: 0,
      tolerancePct: 25,
      toleranceW: 50,
      minutes: 10,
      maxAgeSeconds: 300,
    });
  });

  it('lists its problems, zones it does not know among them', () => {
    expect(
      problems({
        ...lightingConfig(502),
        energyChecks: {
          cabinet: { meter: 'Cabinet', allowanceW: -5, tolerancePct: 0, zones: ['rue-haute'] },
        },
      }),
    ).toEqual([
      'modules.lighting.energyChecks.cabinet.meter: meter id must be 1-40 lower-case letters, digits or inner dashes, found "Cabinet"',
      'modules.lighting.energyChecks.cabinet.allowanceW: expected a number >= 0, found -5',
      'modules.lighting.energyChecks.cabinet.tolerancePct: expected a number >= 1, found 0',
    ]);
    expect(
      problems({
        ...lightingConfig(502),
        energyChecks: { cabinet: { meter: 'cabinet', zones: ['place', 'parc'] } },
      }),
    ).toEqual([
      'modules.lighting.energyChecks.cabinet.zones[1]: expected a zone id (rue-haute, place), found parc',
    ]);
  });
});

describe('the refresh of the nodes', () => {
  it('is the re-assert period, or a third of the watchdog when that is shorter', () => {
    expect(refreshMs(5, { failureLevel: 100, watchdogSeconds: 300 })).toBe(100_000);
    expect(refreshMs(5, { failureLevel: 100, watchdogSeconds: 3600 })).toBe(300_000);
    expect(refreshMs(5, { failureLevel: 100, watchdogSeconds: 0 })).toBe(300_000);
  });
});

describe('override ids from command ids', () => {
  it('keeps a command id that is already an override id, and makes the others one', () => {
    expect(overrideIdOf('cmd-00000001')).toBe('cmd-00000001');
    const upper = overrideIdOf('Console_Req_42');
    expect(upper).toMatch(/^console-req-42-[0-9a-f]{8}$/);
    // Two ids only case tells apart stay apart.
    expect(overrideIdOf('console_req_42')).not.toBe(upper);
    const long = overrideIdOf('a'.repeat(64));
    expect(long.length).toBeLessThanOrEqual(40);
    expect(overrideIdOf('____________')).toMatch(/^o-[0-9a-f]{8}$/);
  });
});

describe('the module keys the cloud leaves to the agent', () => {
  it('are exactly the module schema’s own keys, so the cloud refuses nothing the agent takes', () => {
    const own = Object.keys(modulePart(builtinLampNodeDrivers()).shape).sort();
    expect([...LIGHTING_MODULE_KEYS].sort()).toEqual(own);
  });
});
