import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, ManualClock } from '@hameau/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simMain, type SimIo } from '../../../src/cli/sim-main.js';
import { builtinDeviceTypes } from '../../../src/device-registry.js';
import { encodeRtuFrame } from '../../../src/modbus/modbus-rtu-frame.js';
import { readRequestPdu } from '../../../src/modbus/modbus-pdu.js';
import { loadScenarioFile, parseScenario } from '../../../src/scenario/scenario-file.js';
import { until } from '../../line-client.js';
import { hex } from '../../meter-fixtures.js';
import { ModbusTcpClient } from '../../modbus-tcp-client.js';
import { SerialClient } from '../../serial-client.js';

const registry = builtinDeviceTypes();
const metersYaml = fileURLToPath(new URL('../../../scenarios/meters.yaml', import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hameau-meter-types-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function problemsOf(text: string): readonly string[] {
  try {
    parseScenario(text, registry);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('meter device types in scenarios', () => {
  it('parses the shipped meters scenario, with every kind over TCP and RTU', async () => {
    const plan = await loadScenarioFile(metersYaml, registry);
    expect(plan.devices.map((d) => [d.type, d.id])).toEqual([
      ['sdm630', 'town-hall'],
      ['iem3000', 'school'],
      ['modbus-gateway', 'gw-sports'],
      ['rtu-bus', 'bus-centre'],
    ]);
    expect(plan.devices[0]?.entry).toMatchObject({
      host: '127.0.0.1',
      port: 0,
      unit: 1,
      noise: true,
      load: { kind: 'building', baseW: 4000, peakW: 30000, timeZone: 'Europe/Paris' },
      faults: [],
    });
    expect(plan.devices[3]?.entry).toMatchObject({
      pty: '/tmp/hameau-meters-rtu',
      baud: 9600,
      parity: 'none',
      stopBits: 1,
      timing: true,
      turnaroundMs: 5,
    });
    const models = plan.devices.flatMap((d) => {
      const meters = d.entry.meters as { model: string }[] | undefined;
      return meters?.map((m) => m.model) ?? [d.type];
    });
    expect(new Set(models)).toEqual(new Set(['sdm630', 'sdm120', 'em24', 'iem3000']));
  });

  it('lists every problem of meter entries with its path and line', () => {
    const problems = problemsOf(
      [
        'devices:',
        '  - { type: sdm630, id: m1, unit: 248 }', // 2
        '  - type: modbus-gateway', // 3
        '    id: gw',
        '    meters:',
        '      - { id: a, model: sdm999 }', // 6
        '      - { id: b, model: em24, load: { kind: wind } }', // 7
        '      - { id: c, model: em24, unit: 1 }', // 8
        '  - type: rtu-bus', // 9
        '    id: bus',
        '    pty: /tmp/a',
        '    meters:',
        '      - id: d', // 13
        '        model: sdm120',
        '        faults: [{ mode: explode, atMs: 0 }]', // 15
        '  - type: rtu-bus', // 16
        '    id: bus2',
        '    pty: /tmp/b', // 18
        '    serial: /dev/ttyUSB0',
        '    meters: [{ id: e, model: sdm120 }]',
        '',
      ].join('\n'),
    );
    expect(problems).toEqual([
      'devices[0].unit: Too big: expected number to be <=247 (line 2)',
      'devices[1].meters[0].model: Invalid option: expected one of "sdm630"|"sdm120"|"em24"|"iem3000" (line 6)',
      "devices[1].meters[1].load.kind: Invalid discriminator value. Expected 'building' | 'solar' | 'lighting' | 'fixed' (line 7)",
      "devices[2].meters[0].faults[0].mode: Invalid discriminator value. Expected 'no-answer' | 'exception' | 'corrupt-crc' | 'wrong-unit' | 'slow' | 'counter-reset' (line 15)",
      'devices[3].pty: give exactly one of pty (socat is started) or serial (an existing device) (line 18)',
    ]);
  });

  it('refuses two meters with one unit id on a bus', () => {
    expect(
      problemsOf(
        [
          'devices:',
          '  - type: rtu-bus',
          '    id: bus',
          '    pty: /tmp/a',
          '    meters:',
          '      - { id: a, model: sdm630 }',
          '      - { id: b, model: sdm630 }', // 7
          '',
        ].join('\n'),
      ),
    ).toEqual(['devices[0].meters[1].unit: unit 1 is already the unit of meters[0] (line 7)']);
  });

  it('runs with hameau sim: endpoint lines, a TCP meter and the RTU bus answer', async () => {
    const pty = join(dir, 'rtu');
    const file = join(dir, 'meters.yaml');
    await writeFile(
      file,
      (await readFile(metersYaml, 'utf8')).replace('pty: /tmp/hameau-meters-rtu', `pty: ${pty}`),
    );
    const clock = new ManualClock(Date.UTC(2026, 4, 20, 8));
    let stop: (signal: string) => void = () => undefined;
    const out: string[] = [];
    const io: SimIo = {
      env: { HAMEAU_LOG_LEVEL: 'silent' },
      out: (line) => out.push(line),
      err: () => undefined,
      stopSignal: new Promise<string>((resolve) => (stop = resolve)),
    };
    const exit = simMain(['--scenario', file], io, { clock });
    try {
      await until(() => out.includes('ready') || out.length > 10);
      expect(out.slice(1)).toEqual([
        expect.stringMatching(/^device town-hall sdm630 tcp 127\.0\.0\.1:\d+$/),
        expect.stringMatching(/^device school iem3000 tcp 127\.0\.0\.1:\d+$/),
        expect.stringMatching(/^device gw-sports modbus-gateway tcp 127\.0\.0\.1:\d+$/),
        `device bus-centre rtu-bus pty ${pty}`,
        'ready',
      ]);
      const port = Number(/:(\d+)$/.exec(out[3] ?? '')?.[1]);
      const tcp = await ModbusTcpClient.open(port);
      const agent = await SerialClient.open(pty);
      try {
        tcp.send(1, 3, readRequestPdu(3, 0x5012, 2)); // pool pumps: 7.5 kW
        expect(await tcp.readFrame()).toEqual(hex('0001 0000 0007 03 03 04 40F0 0000'));
        // The lighting cabinet at level 0 draws its 10 W standby (41 20 00 00).
        agent.write(encodeRtuFrame(3, readRequestPdu(4, 0x0034, 2)));
        // The request crosses socat in real time; the reply waits for its wire time on the
        // simulator's clock, moved on while waiting.
        while (agent.unread.length < 9) {
          await clock.advance(5);
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        expect(await agent.read(9)).toEqual(encodeRtuFrame(3, hex('04 04 4120 0000')));
      } finally {
        await tcp.close();
        await agent.close();
      }
    } finally {
      stop('SIGTERM');
    }
    expect(await exit).toBe(0);
    expect(out.at(-1)).toBe('stopped');
  });
});
