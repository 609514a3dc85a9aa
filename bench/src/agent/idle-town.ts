import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { DeviceRecord } from '@hameau/cloud-api';
import {
  LampNodeGroup,
  LockBoardBank,
  ModbusTcpDevice,
  Scenario,
  builtinDeviceTypes,
  loadScenarioFile,
  type RunningDevice,
} from '@hameau/firmware-sim';
import { systemClock } from '@hameau/protocol';
import { startCloudServer, type CloudServer } from '../cloud-server.js';
import type { TownPorts } from './agent-site.js';

/** The demo town's devices (`hameau start` runs the same file). */
export const DEMO_SCENARIO_FILE = fileURLToPath(
  new URL('../../../firmware-sim/scenarios/demo-town.yaml', import.meta.url),
);

/** The lock-board bank of the scenario the agent drives (the town hall's). */
const LOCK_BANK = 'mairie-lockers';

/** Requests each kind of simulated device has answered so far. */
export interface DeviceTraffic {
  readonly lockBoards: number;
  readonly meters: number;
  readonly lampNodes: number;
}

/**
 * The town the measured agents live in, all in the bench process: the cloud (our broker and the
 * API, ingesting, on SQLite: `startCloudServer`) and the demo town's simulated devices on
 * loopback TCP. The agents themselves run as processes of their own.
 */
export class IdleTown {
  readonly ports: TownPorts;
  readonly #cloud: CloudServer;
  readonly #scenario: Scenario;
  readonly #dir: string;

  private constructor(cloud: CloudServer, scenario: Scenario, dir: string) {
    this.#cloud = cloud;
    this.#scenario = scenario;
    this.#dir = dir;
    this.ports = townPorts(scenario.devices, cloud.mqttUrl);
  }

  static async start(log: Logger): Promise<IdleTown> {
    const dir = await mkdtemp(join(tmpdir(), 'hameau-bench-idle-'));
    let cloud: CloudServer | null = null;
    try {
      // Errors only from the API: it announces the admin token it creates with a warning, and
      // skips the lighting reports of an agent not registered as a lighting controller.
      const apiLog = log.child({ component: 'api' });
      apiLog.level = 'error';
      cloud = await startCloudServer({ dir, log, apiLog });
      const plan = await loadScenarioFile(DEMO_SCENARIO_FILE, builtinDeviceTypes());
      const scenario = new Scenario(plan, { clock: systemClock, log: log.child({ sim: true }) });
      await scenario.start();
      return new IdleTown(cloud, scenario, dir);
    } catch (err) {
      await cloud?.close();
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Registers a device of kind `locker` in the API; its MQTT password, shown this once. */
  async register(site: string, device: string): Promise<string> {
    const created = await this.#cloud.api.app.hameau.devices.create(
      { site, device, kind: 'locker' },
      'bench-agent',
    );
    return created.mqtt.password;
  }

  /** The API's record of a device: its last status (online, session, outbox depth). */
  device(site: string, device: string): Promise<DeviceRecord> {
    return this.#cloud.api.app.hameau.devices.get(site, device);
  }

  /** What the simulated devices have answered so far, by kind. */
  traffic(): DeviceTraffic {
    let lockBoards = 0;
    let meters = 0;
    let lampNodes = 0;
    for (const { device } of this.#scenario.devices) {
      if (device instanceof LockBoardBank) lockBoards += device.requests;
      if (device instanceof ModbusTcpDevice) meters += device.requests;
      if (device instanceof LampNodeGroup) {
        for (const node of device.nodes) lampNodes += node.requests;
        for (const meter of device.meters) meters += meter.requests;
      }
    }
    return { lockBoards, meters, lampNodes };
  }

  /** Stops the devices, the API and the broker, and deletes the cloud's folder. */
  async stop(): Promise<void> {
    try {
      await this.#scenario.stop();
      await this.#cloud.close();
    } finally {
      await rm(this.#dir, { recursive: true, force: true });
    }
  }
}

function tcpOf(running: RunningDevice): { host: string; port: number } {
  const tcp = running.endpoints.find((e) => e.transport === 'tcp');
  if (tcp?.transport !== 'tcp') throw new Error(`${running.id} has no TCP endpoint`);
  return { host: tcp.host, port: tcp.port };
}

/** Where the agent finds each simulated device, from the ports the scenario got. */
function townPorts(devices: readonly RunningDevice[], mqttUrl: string): TownPorts {
  const bank = devices.find((d) => d.id === LOCK_BANK);
  const cabinet = devices.find((d) => d.device instanceof LampNodeGroup);
  if (bank === undefined || !(bank.device instanceof LockBoardBank)) {
    throw new Error(`the scenario has no lock-board bank "${LOCK_BANK}"`);
  }
  if (cabinet === undefined || !(cabinet.device instanceof LampNodeGroup)) {
    throw new Error('the scenario has no lamp-nodes line');
  }
  const meterPorts = devices.flatMap((d) => {
    const meters =
      d.device instanceof ModbusTcpDevice || d.device instanceof LampNodeGroup
        ? d.device.meters
        : [];
    if (meters.length === 0) return [];
    return [
      {
        id: d.id,
        ...tcpOf(d),
        meters: meters.map((m) => ({ id: m.id, model: m.model.model, unitId: m.unitId })),
      },
    ];
  });
  return {
    mqttUrl,
    lockBank: { ...tcpOf(bank), boards: bank.device.boards.map((b) => b.address) },
    meterPorts,
    lampNodes: {
      id: cabinet.id,
      ...tcpOf(cabinet),
      nodes: cabinet.device.nodes.map((n) => ({ id: n.id, unitId: n.unitId })),
      meter: cabinet.device.meters[0]?.id ?? null,
    },
  };
}
