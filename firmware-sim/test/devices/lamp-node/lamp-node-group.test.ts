import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, ManualClock } from '@hameau/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtinDeviceTypes } from '../../../src/device-registry.js';
import { LampNodeGroup } from '../../../src/devices/lamp-node/lamp-node-group.js';
import type { LampNodeGroupOptionsInput } from '../../../src/devices/lamp-node/lamp-node-options.js';
import { writeSingleRequestPdu } from '../../../src/devices/lamp-node/modbus-write-pdu.js';
import { readRequestPdu } from '../../../src/modbus/modbus-pdu.js';
import { rtuReplyDelayMs } from '../../../src/modbus/rtu-timing.js';
import { loadScenarioFile, parseScenario } from '../../../src/scenario/scenario-file.js';
import { Scenario } from '../../../src/scenario/scenario.js';
import { memoryLinkPair } from '../../../src/transport/memory-link.js';
import { flush, hex, silentLog, steadyMeter } from '../../meter-fixtures.js';
import { ModbusTcpClient } from '../../modbus-tcp-client.js';
import { SerialClient } from '../../serial-client.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hameau-lamps-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const HOUR = 3_600_000;

/** Two nodes (the first as in the register-map tests), exact 230 V. */
const street = (extra: Partial<LampNodeGroupOptionsInput> = {}): LampNodeGroupOptionsInput => ({
  id: 'street',
  noise: false,
  nodes: [
    { id: 'lamp-1', unit: 5, ratedW: 120, level: 50 },
    { id: 'lamp-2', unit: 6, ratedW: 100, level: 0 },
  ],
  ...extra,
});

async function startGroup(options: LampNodeGroupOptionsInput, clock = new ManualClock()) {
  const group = new LampNodeGroup(options, { clock, log: silentLog });
  cleanups.push(() => group.stop());
  const { endpoints } = await group.start();
  return { group, clock, endpoints };
}

async function tcpClient(options: LampNodeGroupOptionsInput, clock = new ManualClock()) {
  const started = await startGroup(options, clock);
  const [endpoint] = started.endpoints;
  if (endpoint?.transport !== 'tcp') throw new Error('expected a TCP endpoint');
  const client = await ModbusTcpClient.open(endpoint.port);
  cleanups.push(() => client.close());
  return { ...started, client };
}

describe('lamp nodes over Modbus TCP', () => {
  it('serve the register map byte for byte, by unit id', async () => {
    const { client } = await tcpClient(street({ tcp: {} }));
    client.write(hex('0001 0000 0006 05 04 0000 0007'));
    expect(await client.readFrame()).toEqual(
      hex('0001 0000 0011 05 04 0E 0032 0279 08FC 0000 0000 0000 0078'),
    );
    client.write(hex('0002 0000 0006 05 06 0000 004B'));
    expect(await client.readFrame()).toEqual(hex('0002 0000 0006 05 06 0000 004B'));
    client.write(hex('0003 0000 0006 05 03 0000 0004'));
    expect(await client.readFrame()).toEqual(hex('0003 0000 000B 05 03 08 004B 0064 012C 0001'));
    client.write(hex('0004 0000 000B 06 10 0001 0002 04 001E 003C'));
    expect(await client.readFrame()).toEqual(hex('0004 0000 0006 06 10 0001 0002'));
  });

  it('answer exceptions, and 0x0B for a unit nobody has', async () => {
    const { client } = await tcpClient(street({ tcp: {} }));
    client.write(hex('0001 0000 0006 05 06 0000 0065'));
    expect(await client.readFrame()).toEqual(hex('0001 0000 0003 05 86 03'));
    client.write(hex('0002 0000 0006 06 04 0007 0001'));
    expect(await client.readFrame()).toEqual(hex('0002 0000 0003 06 84 02'));
    client.write(hex('0003 0000 0006 09 04 0000 0001'));
    expect(await client.readFrame()).toEqual(hex('0003 0000 0003 09 84 0B'));
  });
});

describe('lamp nodes on an RTU line', () => {
  async function memoryLine(timing: boolean) {
    const [simEnd, agentEnd] = memoryLinkPair();
    const clock = new ManualClock();
    const group = new LampNodeGroup(
      street({ pty: '/unused', timing, baud: 9600, turnaroundMs: 5 }),
      { clock, log: silentLog },
      { link: simEnd },
    );
    cleanups.push(() => group.stop());
    await group.start();
    const received: Buffer[] = [];
    agentEnd.onData((chunk) => received.push(chunk));
    return { group, clock, agentEnd, received };
  }

  const bytes = (received: Buffer[]) => Buffer.concat(received).toString('hex');

  it('serve the same map in RTU frames, CRC included', async () => {
    const { agentEnd, received } = await memoryLine(false);
    agentEnd.write(hex('05 04 0000 0007 B04C'));
    await flush();
    expect(bytes(received)).toBe('05040e0032027908fc00000000000000780402');
    received.length = 0;
    agentEnd.write(hex('06 10 0001 0002 04 001E 003C 4800'));
    await flush();
    expect(bytes(received)).toBe('06100001000211bf');
  });

  it('answer after the wire time at the line speed, on the injected clock', async () => {
    const { agentEnd, received, clock } = await memoryLine(true);
    agentEnd.write(hex('06 04 0000 0001 307D'));
    await flush();
    const delay = rtuReplyDelayMs(8, 7, 9600, 5);
    await clock.advance(Math.floor(delay));
    expect(received).toEqual([]);
    await clock.advance(1);
    expect(bytes(received)).toBe('06040200000cf0');
  });

  it('make their own socat pair with pty, for the agent to open', async () => {
    const path = join(dir, 'street-bus');
    const { group, endpoints } = await startGroup(street({ pty: path, timing: false }));
    expect(endpoints).toEqual([{ transport: 'pty', path }]);
    const agent = await SerialClient.open(path);
    cleanups.push(() => agent.close());
    agent.write(hex('05 06 0000 004B C879'));
    expect(await agent.read(8)).toEqual(hex('05 06 0000 004B C879'));
    expect(group.node('lamp-1').appliedLevel).toBe(75);
  });
});

describe('the cabinet meter follows its lamp nodes', () => {
  it('integrates their power exactly across writes, the watchdog and a lamp failure', async () => {
    const linear = [
      { level: 0, power: 0 },
      { level: 100, power: 100 },
    ];
    const { group, clock } = await startGroup({
      id: 'cabinet-7',
      tcp: {},
      noise: false,
      nodes: [
        { id: 'n1', unit: 1, ratedW: 100, level: 100, watchdogSeconds: 0 },
        { id: 'n2', unit: 2, ratedW: 100, level: 0, watchdogSeconds: 0, curve: linear },
      ],
      meters: [
        {
          id: 'cabinet',
          model: 'sdm120',
          unit: 10,
          noise: false,
          load: { kind: 'lighting', standbyW: 10 },
        },
      ],
    });
    const meter = group.meter('cabinet');
    expect(meter.snapshot().activePower).toBe(110);
    await clock.advance(HOUR);
    // The controller turns n2 on, with a 30-minute watchdog falling back to 50 %.
    const n2 = group.node('n2');
    expect(n2.answer(hex('10 0000 0003 06 0064 0032 0708')).kind).toBe('reply');
    expect(meter.snapshot().activePower).toBe(210);
    await clock.advance(HOUR / 2);
    expect(meter.snapshot().activePower).toBe(160);
    await clock.advance(HOUR / 2);
    group.node('n1').inject({ mode: 'lamp-failure' });
    expect(meter.snapshot().activePower).toBe(60);
    await clock.advance(HOUR);
    // 110 Wh + 210 × 0.5 Wh + 160 × 0.5 Wh + 60 Wh
    expect(meter.snapshot().importKwh).toBeCloseTo(0.11 + 0.105 + 0.08 + 0.06, 12);
    // 50 W of 200 W rated: the drivers' power factor at a quarter load.
    expect(meter.snapshot().powerFactor).toBeCloseTo(0.85 + 0.13 * 0.25, 12);
  });

  it('serves the followed power on the same line (SDM120 power register)', async () => {
    const { client, group } = await tcpClient({
      id: 'cabinet-8',
      tcp: {},
      noise: false,
      nodes: [{ id: 'n1', unit: 1, ratedW: 100, level: 0 }],
      meters: [{ id: 'cab', model: 'sdm120', unit: 2, noise: false, load: { kind: 'lighting' } }],
    });
    client.send(1, 1, writeSingleRequestPdu(0, 100));
    await client.readFrame();
    client.send(2, 2, readRequestPdu(4, 0x000c, 2));
    // standbyW 10 + 100 W = 110 W = 0x42DC0000
    expect(await client.readFrame()).toEqual(hex('0002 0000 0007 02 04 04 42DC 0000'));
    expect(group.power.powerW()).toBe(100);
  });

  it('measures a stray load no node drives, integrated from the moment it appears', async () => {
    const { group, clock } = await startGroup({
      id: 'cabinet-9',
      tcp: {},
      noise: false,
      nodes: [{ id: 'n1', unit: 1, ratedW: 100, level: 100, watchdogSeconds: 0 }],
      meters: [
        {
          id: 'cab',
          model: 'sdm120',
          unit: 10,
          noise: false,
          load: { kind: 'lighting', standbyW: 10 },
        },
      ],
    });
    const meter = group.meter('cab');
    await clock.advance(HOUR);
    // A fault to earth on the feeder: the meter sees it, the node does not.
    group.power.setStrayLoad(400);
    expect(group.power.strayW).toBe(400);
    expect(meter.snapshot().activePower).toBe(510);
    expect(group.node('n1').powerW).toBe(100);
    await clock.advance(HOUR);
    group.power.setStrayLoad(0);
    expect(meter.snapshot().activePower).toBe(110);
    // 110 Wh, then 510 Wh
    expect(meter.snapshot().importKwh).toBeCloseTo(0.11 + 0.51, 12);
    expect(() => {
      group.power.setStrayLoad(-1);
    }).toThrow(RangeError);
  });

  it('a tripped feed silences and darkens every node; reset, they power up on their failure level', async () => {
    const linear = [
      { level: 0, power: 0 },
      { level: 100, power: 100 },
    ];
    const { group, clock } = await startGroup({
      id: 'cabinet-10',
      tcp: {},
      noise: false,
      nodes: [
        {
          id: 'n1',
          unit: 1,
          ratedW: 100,
          level: 40,
          failureLevel: 80,
          watchdogSeconds: 0,
          curve: linear,
        },
        {
          id: 'n2',
          unit: 2,
          ratedW: 100,
          level: 60,
          failureLevel: 80,
          watchdogSeconds: 0,
          curve: linear,
        },
      ],
      meters: [
        {
          id: 'cab',
          model: 'sdm120',
          unit: 10,
          noise: false,
          load: { kind: 'lighting', standbyW: 10 },
        },
      ],
    });
    const meter = group.meter('cab');
    await clock.advance(HOUR);
    group.tripFeed(true);
    // Upstream of the breaker, the meter still sees the cabinet's own consumption.
    expect(meter.snapshot().activePower).toBe(10);
    for (const node of group.nodes) {
      expect(node.answer(readRequestPdu(3, 0, 4))).toEqual({ kind: 'none' });
      expect(node.faults).toEqual([{ mode: 'power-cut', until: null }]);
    }
    // Nothing brings the lamps back while the supply is off.
    await clock.advance(HOUR);
    expect(group.nodes.map((n) => n.appliedLevel)).toEqual([0, 0]);
    group.tripFeed(false);
    expect(group.nodes.map((n) => n.snapshot().commandedLevel)).toEqual([80, 80]);
    expect(meter.snapshot().activePower).toBe(170);
    expect(group.node('n1').answer(readRequestPdu(3, 0, 1)).kind).toBe('reply');
    // An hour at 10 + 40 + 60 W before the trip, an hour at the cabinet's 10 W during it.
    expect(meter.snapshot().importKwh).toBeCloseTo(0.11 + 0.01, 12);
  });

  it('lets any lighting cabinet load follow a group’s power', async () => {
    const clock = new ManualClock();
    const { group } = await startGroup(street({ tcp: {} }), clock);
    const meter = steadyMeter({ id: 'other', load: { kind: 'lighting', standbyW: 5 } }, clock);
    if (meter.load.kind !== 'lighting') throw new Error('expected a lighting load');
    meter.load.follow(group.power);
    const lamp2 = group.node('lamp-2');
    lamp2.answer(writeSingleRequestPdu(0, 100));
    expect(meter.snapshot().activePower).toBeCloseTo(5 + 63.3333 + 100, 3);
    meter.load.follow(null);
    // Back to its own dim level (0): standby only.
    expect(meter.snapshot().activePower).toBe(5);
    meter.stop();
  });
});

describe('lamp-nodes options', () => {
  it('need a transport, and ids and units used once across nodes and meters', () => {
    const clock = new ManualClock();
    const build = (options: LampNodeGroupOptionsInput) => () =>
      new LampNodeGroup(options, { clock });
    expect(build(street())).toThrow(/tcp: give tcp \(a gateway\), pty/);
    expect(
      build(
        street({
          tcp: {},
          nodes: [
            { id: 'a', unit: 1 },
            { id: 'a', unit: 1 },
          ],
          meters: [{ id: 'm', model: 'sdm120', unit: 1 }],
        }),
      ),
    ).toThrow(
      /nodes\.1\.id: "a" is already the id of nodes\[0\][\s\S]*nodes\.1\.unit: unit 1 is already the unit of nodes\[0\][\s\S]*meters\.0\.unit: unit 1/,
    );
    expect(build(street({ tcp: {}, pty: '/tmp/a', serial: '/tmp/b' }))).toThrow(ConfigError);
  });

  it('are a scenario device type', async () => {
    const plan = parseScenario(
      [
        'devices:',
        '  - type: lamp-nodes',
        '    id: rue-haute',
        '    tcp: { port: 0 }',
        '    nodes:',
        '      - { id: rh-01, unit: 1, ratedW: 40, level: 70 }',
        '      - { id: rh-02, unit: 2, faults: [{ mode: reboot, atMs: 1000 }] }',
      ].join('\n'),
      builtinDeviceTypes(),
    );
    expect(plan.devices[0]?.entry).toMatchObject({ type: 'lamp-nodes', baud: 9600, noise: true });
    const clock = new ManualClock();
    const scenario = new Scenario(plan, { clock, log: silentLog });
    cleanups.push(() => scenario.stop());
    const [running] = await scenario.start();
    expect(running?.endpoints[0]?.transport).toBe('tcp');
    const group = scenario.device('rue-haute');
    if (!(group instanceof LampNodeGroup)) throw new Error('expected a lamp-nodes group');
    expect(group.node('rh-01').appliedLevel).toBe(70);
    await clock.advance(1_000);
    expect(group.node('rh-02').snapshot().faultBits & 0b0100).toBe(0b0100);
    expect(() =>
      parseScenario(
        'devices:\n  - { type: lamp-nodes, id: x, tcp: {}, nodes: [{ id: a, unit: 1, level: 120 }] }',
        builtinDeviceTypes(),
      ),
    ).toThrow(/devices\[0\]\.nodes\[0\]\.level: Too big/);
  });

  it('ship a scenario of two streets', async () => {
    const scenarios = fileURLToPath(new URL('../../../scenarios/', import.meta.url));
    const plan = await loadScenarioFile(join(scenarios, 'lamp-nodes.yaml'), builtinDeviceTypes());
    expect(plan.devices.map((d) => [d.type, d.id])).toEqual([
      ['lamp-nodes', 'rue-haute'],
      ['lamp-nodes', 'place-eglise'],
    ]);
    // Rue Haute is served over TCP only: start it, and its cabinet follows its five lamps.
    const clock = new ManualClock();
    const street = plan.devices[0]?.create({ clock, log: silentLog });
    if (!(street instanceof LampNodeGroup)) throw new Error('expected a lamp-nodes group');
    cleanups.push(() => street.stop());
    await street.start();
    const cabinet = street.meter('cabinet-rue-haute').snapshot().activePower;
    // Nodes with no commanded level start at their failure level: 100 %, and 70 % for rh-05
    // (71.67 % of its 90 W on the LED curve).
    expect(cabinet).toBeCloseTo(8 + 4 * 60 + 64.5, 9);
    await clock.advance(600_000);
    expect(street.meter('cabinet-rue-haute').snapshot().activePower).toBeCloseTo(cabinet - 60, 9);
  });
});
