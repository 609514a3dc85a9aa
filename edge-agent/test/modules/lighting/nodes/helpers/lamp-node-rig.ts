import { pino } from 'pino';
import { LampNodeGroup, type LampNodeGroupOptionsInput } from '@hameau/firmware-sim';
import { ManualClock, type Clock } from '@hameau/protocol';
import type {
  ModbusWriteClient,
  ReadRequest,
  WriteRequest,
} from '../../../../../src/modules/metering/transport/modbus-client.js';
import { ModbusSerialClient } from '../../../../../src/modules/metering/transport/modbus-serial-client.js';
import { LampNodeFailure } from '../../../../../src/modules/lighting/nodes/lamp-node-failure.js';
import { ModbusLampNodeBus } from '../../../../../src/modules/lighting/nodes/modbus-lamp-node-bus.js';
import {
  ModbusLampNodeBusConfig,
  nodeBusLink,
  type ModbusLampNodeBusConfigInput,
} from '../../../../../src/modules/lighting/nodes/modbus-lamp-node-config.js';

export const silentLog = pino({ level: 'silent' });

/** A started simulated group on its own ManualClock. */
export async function startSim<C extends Clock = ManualClock>(
  options: LampNodeGroupOptionsInput,
  clock: C = new ManualClock() as Clock as C,
): Promise<{ sim: LampNodeGroup; clock: C; port: number; path: string | undefined }> {
  const sim = new LampNodeGroup(options, { clock, log: silentLog });
  const { endpoints } = await sim.start();
  const tcp = endpoints.find((e) => e.transport === 'tcp');
  const pty = endpoints.find((e) => e.transport === 'pty');
  return {
    sim,
    clock,
    port: tcp?.transport === 'tcp' ? tcp.port : 0,
    path: pty?.transport === 'pty' ? pty.path : undefined,
  };
}

/** One client call as the bus made it, with when it started and settled. */
export interface ClientCall {
  readonly kind: 'read' | 'write';
  readonly unitId: number;
  readonly detail: string;
  readonly seq: number;
  settledSeq: number;
}

/** Records every call a bus makes on its client, in a global sequence of starts and ends. */
export class RecordingClient implements ModbusWriteClient {
  readonly calls: ClientCall[] = [];
  #seq = 0;

  constructor(readonly inner: ModbusWriteClient) {}

  get isOpen(): boolean {
    return this.inner.isOpen;
  }

  open(): Promise<void> {
    return this.inner.open();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  read(request: ReadRequest): Promise<readonly number[]> {
    const { functionCode, address, count } = request;
    return this.#record('read', request.unitId, `fc${functionCode} ${address}+${count}`, () =>
      this.inner.read(request),
    );
  }

  write(request: WriteRequest): Promise<void> {
    return this.#record(
      'write',
      request.unitId,
      `${request.address}=${request.values.join(',')}`,
      () => this.inner.write(request),
    );
  }

  async #record<T>(
    kind: 'read' | 'write',
    unitId: number,
    detail: string,
    call: () => Promise<T>,
  ): Promise<T> {
    const entry: ClientCall = { kind, unitId, detail, seq: this.#seq++, settledSeq: -1 };
    this.calls.push(entry);
    try {
      return await call();
    } finally {
      entry.settledSeq = this.#seq++;
    }
  }
}

/** A Modbus lamp-node bus on its own ManualClock, recording its client calls. */
export function nodeBus<C extends Clock = ManualClock>(
  input: ModbusLampNodeBusConfigInput,
  clock: C = new ManualClock() as Clock as C,
) {
  const config = ModbusLampNodeBusConfig.parse(input);
  const client = new RecordingClient(
    new ModbusSerialClient(nodeBusLink(config), { clock, connectTimeoutMs: 1_000 }),
  );
  const bus = new ModbusLampNodeBus(config, { clock, log: silentLog, client });
  return { bus, clock, client };
}

/** The failure's kind and reason, or `ok` with the value. */
export function outcome<T>(
  work: Promise<T>,
): Promise<{ ok: T } | { kind: string; reason: string; appliedLevel?: number }> {
  return work.then(
    (ok) => ({ ok }),
    (err: unknown) => {
      if (!(err instanceof LampNodeFailure)) throw err;
      return {
        kind: err.kind,
        reason: err.reason,
        ...(err.appliedLevel !== undefined && { appliedLevel: err.appliedLevel }),
      };
    },
  );
}
