import { readFile } from 'node:fs/promises';
import {
  LampNodeGroup,
  LockBoardBank,
  ModbusTcpDevice,
  Scenario,
  builtinDeviceTypes,
  parseScenario,
  type RunningDevice,
  type SimMeter,
} from '@hameau/firmware-sim';
import type { Clock } from '@hameau/protocol';
import type { Logger } from 'pino';

/** A simulated Modbus TCP port with meters behind it: a gateway, or a lamp-node cabinet's line. */
export interface DemoMeterPort {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly meters: readonly SimMeter[];
}

/** The running devices of the demo scenario, by what the agents need of them. */
export class DemoDevices {
  readonly scenario: Scenario;

  constructor(scenario: Scenario) {
    this.scenario = scenario;
  }

  /** The lock-board bank `id` and the TCP gateway in front of it. */
  lockBank(id: string): {
    readonly bank: LockBoardBank;
    readonly host: string;
    readonly port: number;
  } {
    const running = this.#running(id);
    if (!(running.device instanceof LockBoardBank)) throw new Error(`${id} is not a lock-board`);
    return { bank: running.device, ...tcpEndpoint(running) };
  }

  /** The lamp-node line `id` and its TCP gateway. */
  lampNodes(id: string): {
    readonly group: LampNodeGroup;
    readonly host: string;
    readonly port: number;
  } {
    const running = this.#running(id);
    if (!(running.device instanceof LampNodeGroup))
      throw new Error(`${id} is not a lamp-nodes line`);
    return { group: running.device, ...tcpEndpoint(running) };
  }

  /** Every TCP port with meters behind it, in scenario order: what the metering agent polls. */
  meterPorts(): DemoMeterPort[] {
    const ports: DemoMeterPort[] = [];
    for (const running of this.scenario.devices) {
      const { device } = running;
      const meters =
        device instanceof ModbusTcpDevice || device instanceof LampNodeGroup ? device.meters : [];
      if (meters.length > 0) ports.push({ id: running.id, ...tcpEndpoint(running), meters });
    }
    return ports;
  }

  #running(id: string): RunningDevice {
    const found = this.scenario.devices.find((d) => d.id === id);
    if (found === undefined) throw new Error(`the demo scenario has no device "${id}"`);
    return found;
  }
}

/** Loads the scenario file and starts every device (a failed start stops those started). */
export async function startDemoDevices(
  file: string,
  deps: { readonly clock: Clock; readonly log: Logger },
): Promise<DemoDevices> {
  const plan = parseScenario(
    await readFile(file, 'utf8'),
    builtinDeviceTypes(),
    `scenario ${file}`,
  );
  const scenario = new Scenario(plan, deps);
  await scenario.start();
  return new DemoDevices(scenario);
}

function tcpEndpoint(running: RunningDevice): { host: string; port: number } {
  const tcp = running.endpoints.find((e) => e.transport === 'tcp');
  if (tcp?.transport !== 'tcp') throw new Error(`${running.id} has no TCP endpoint`);
  return { host: tcp.host, port: tcp.port };
}
