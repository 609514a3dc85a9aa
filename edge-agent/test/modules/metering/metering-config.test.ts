import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@hameau/protocol';
import { builtinModules } from '../../../src/builtin-modules.js';
import { loadAgentConfig, parseAgentConfig } from '../../../src/config/load-agent-config.js';
import type { MeteringConfig } from '../../../src/modules/metering/metering-config.js';
import { configModels, meterSettings } from '../../../src/modules/metering/resolve-buses.js';
import { useTempFolders } from '../../config/temp-files.js';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '../../../examples');
const folder = useTempFolders();
const modules = builtinModules().list();

describe('the metering configuration', () => {
  it('loads the example meters.yaml through the agent config, with its defaults', () => {
    const dir = folder({ 'secrets/mqtt-password': 'example-password\n' });
    copyFileSync(join(EXAMPLES, 'meters.yaml'), join(dir, 'meters.yaml'));
    const config = loadAgentConfig(join(dir, 'meters.yaml'), { modules });
    // Parsed by the module's schema as the agent loaded it.
    const metering = config.modules['metering'] as MeteringConfig;
    expect(metering.buses.map((b) => [b.id, b.transport, b.meters.length])).toEqual([
      ['cabinet-main', 'rtu', 2],
      ['lockers-gateway', 'tcp', 1],
      ['roof', 'rtu-over-tcp', 2],
    ]);
    expect(metering.buses[1]).toMatchObject({
      pauseMs: 0,
      reconnect: { minMs: 1000, maxMs: 30000 },
    });
    // The custom map, its registers read from YAML hex.
    const models = configModels(metering);
    const roof = metering.buses[2];
    const inverter = roof?.meters[1];
    if (roof === undefined || inverter === undefined) throw new Error('example changed');
    const settings = meterSettings(roof, inverter, models);
    expect(settings.plan.map((s) => [s.functionCode, s.start, s.count])).toEqual([
      [3, 0x0010, 2],
      [3, 0x0100, 2],
    ]);
    expect(settings.plan[1]?.fields[0]).toMatchObject({
      quantity: 'energy_export_kwh',
      type: 'uint32',
      wordOrder: 'low-first',
      scale: 0.01,
    });
    expect(settings.pollMs).toBe(60_000);
  });

  it('lists every problem of a bad metering section at once, each with its line', () => {
    const yaml = `site: gare
device: meters
kind: meters
mqtt:
  url: mqtt://127.0.0.1:1883
  password: pw
modules:
  metering:
    models:
      eastron-sdm120:
        name: shadowing a built-in
        functionCode: 4
        type: float32
        registers: [{ quantity: power_w, register: 0, unit: kW }]
    buses:
      - id: line-1
        transport: rtu
        path: /dev/ttyUSB0
        baud: fast
        parity: mark
        meters:
          - { id: m1, model: eastron-sdm630, unitId: 0 }
          - { id: m1, model: eastron-sdm6300, unitId: 2, intervalMs: 1000, pollMs: 5000 }
      - id: gw
        transport: modbus
        host: 10.0.0.1
        meters: []
`;
    let error: unknown;
    try {
      parseAgentConfig(yaml, '/etc/hameau/site.yaml', { modules });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect([...problems].sort()).toEqual(
      [
        'modules.metering.models.eastron-sdm120 (line 11, column 9): expected a model id not taken by a built-in model, found eastron-sdm120',
        'modules.metering.models.eastron-sdm120.registers[0].unit (line 14, column 61): expected "W", the unit of power_w (convert with scale), found "kW"',
        'modules.metering.buses[0].baud (line 19, column 15): expected a number, found "fast"',
        'modules.metering.buses[0].parity (line 20, column 17): expected one of "none", "even", "odd", found "mark"',
        'modules.metering.buses[0].meters[0].unitId (line 22, column 54): expected a unit id 1-247 on an RTU line, found 0',
        'modules.metering.buses[0].meters[1].id (line 23, column 19): expected a meter id used once, found m1 again',
        'modules.metering.buses[0].meters[1].model (line 23, column 30): expected a model (eastron-sdm630, eastron-sdm120, carlo-gavazzi-em24, schneider-iem3000), found eastron-sdm6300',
        'modules.metering.buses[0].meters[1].pollMs (line 23, column 84): expected a value <= intervalMs (1000), found 5000',
        'modules.metering.buses[1].transport (line 25, column 20): expected a transport: rtu, tcp or rtu-over-tcp, found "modbus"',
      ].sort(),
    );
  });
});
