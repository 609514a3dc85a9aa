/**
 * Child-process entry: the firmware-sim meters of one bench case, on the other side of the line
 * from the agent, so the two never share an event loop (a real meter does not share the agent's
 * CPU either). An RTU case is an `RtuBusDevice` on one end of a socat pty pair, with a
 * `WireTap` between it and the pty; a TCP case is one `ModbusTcpDevice` per port. Started by
 * the Modbus bench through `ServiceProcess`; never run directly.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import {
  ModbusTcpDevice,
  openSerialLink,
  RtuBusDevice,
  SocatPtyPair,
  type MeterDevice,
  type MeterOptionsInput,
} from '@hameau/firmware-sim';
import { systemClock } from '@hameau/protocol';
import { serveParent } from '../ingest/serve-parent.js';
import type { BenchMeter, SimEndpoints, SimLayout } from './bench-layout.js';
import type { SimWindow } from './sim-window.js';
import { WireTap } from './wire-tap.js';

const log = pino({ name: 'bench-meters', level: 'warn' }, pino.destination(2));
const context = { clock: systemClock, log };

/**
 * A steady load without noise: the values do not matter here, and the building load's calendar
 * and noise would only add simulator CPU to the TCP case.
 */
function meterOptions(meter: BenchMeter): MeterOptionsInput {
  return {
    id: meter.id,
    model: 'sdm630',
    unit: meter.unitId,
    noise: false,
    load: { kind: 'fixed', watts: 4600 },
  };
}

interface Running {
  readonly devices: readonly MeterDevice[];
  readonly tap: WireTap | null;
  readonly endpoints: SimEndpoints;
  readonly close: () => Promise<void>;
}

async function startRtu(layout: Extract<SimLayout, { transport: 'rtu' }>): Promise<Running> {
  const dir = await mkdtemp(join(tmpdir(), 'hameau-bench-rtu-'));
  const simPath = join(dir, 'sim');
  const agentPath = join(dir, 'agent');
  const socat = await SocatPtyPair.open(simPath, agentPath);
  const cleanup = async () => {
    await socat.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const serial = await openSerialLink('bench-bus', {
      path: simPath,
      baud: layout.baud,
      parity: 'none',
      stopBits: 1,
    });
    const tap = new WireTap(serial, { baud: layout.baud, turnaroundMs: layout.turnaroundMs });
    const bus = new RtuBusDevice(
      {
        id: 'bench-bus',
        pty: agentPath,
        baud: layout.baud,
        timing: true,
        turnaroundMs: layout.turnaroundMs,
        meters: layout.meters.map(meterOptions),
      },
      context,
      { link: tap },
    );
    await bus.start();
    for (const m of layout.meters) if (m.dead) bus.meter(m.id).inject({ mode: 'no-answer' });
    return {
      devices: [bus],
      tap,
      endpoints: { transport: 'rtu', path: agentPath },
      close: async () => {
        await bus.stop();
        await cleanup();
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function startTcp(layout: Extract<SimLayout, { transport: 'tcp' }>): Promise<Running> {
  const devices = layout.ports.map(
    (meters, i) =>
      new ModbusTcpDevice(
        {
          kind: meters.length === 1 ? 'sdm630' : 'modbus-gateway',
          id: `port-${i + 1}`,
          meters: meters.map(meterOptions),
        },
        context,
      ),
  );
  const close = async () => {
    await Promise.all(devices.map((d) => d.stop()));
  };
  try {
    const ports: number[] = [];
    for (const device of devices) {
      const { endpoints } = await device.start();
      const endpoint = endpoints[0];
      if (endpoint?.transport !== 'tcp') throw new Error(`${device.id} has no TCP endpoint`);
      ports.push(endpoint.port);
    }
    layout.ports.forEach((meters, i) => {
      for (const m of meters) if (m.dead) devices[i]?.meter(m.id).inject({ mode: 'no-answer' });
    });
    return { devices, tap: null, endpoints: { transport: 'tcp', ports }, close };
  } catch (err) {
    await close();
    throw err;
  }
}

serveParent('meter-sim-child', async (layout: SimLayout) => {
  const running = layout.transport === 'rtu' ? await startRtu(layout) : await startTcp(layout);
  const meters = running.devices.flatMap((d) => d.meters);
  let markedAt = performance.now();
  let base = new Map(meters.map((m) => [m.id, m.requests]));
  return {
    info: running.endpoints,
    methods: {
      /** Starts the timed window. */
      mark(): null {
        markedAt = performance.now();
        base = new Map(meters.map((m) => [m.id, m.requests]));
        running.tap?.mark();
        return null;
      },
      /** What the meters saw since the mark. */
      window(): SimWindow {
        const tap = running.tap;
        return {
          elapsedMs: performance.now() - markedAt,
          requests: Object.fromEntries(
            meters.map((m) => [m.id, m.requests - (base.get(m.id) ?? 0)]),
          ),
          line: tap === null ? null : tap.window(),
          plans: tap === null ? null : [...tap.plans().values()],
        };
      },
    },
    close: running.close,
  };
});
