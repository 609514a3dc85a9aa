import { sleep, type Clock } from '@hameau/protocol';
import type { ModbusUnit } from '@hameau/firmware-sim';
import type {
  ModbusWriteClient,
  ReadRequest,
  WriteRequest,
} from '../../../../src/modules/metering/transport/modbus-client.js';
import { ReadFailure } from '../../../../src/modules/metering/transport/read-failure.js';

/**
 * A Modbus master wired straight to simulated units: each request becomes the PDU a real master
 * would send and goes to the unit's own `answer`, so the driver and the node's register logic
 * run for real, minus the framing and the sockets. A unit that does not answer costs the
 * request's timeout on the clock, as on a line. Deterministic on a `ManualClock`.
 */
export class SimUnitsClient implements ModbusWriteClient {
  readonly #units: ReadonlyMap<number, ModbusUnit>;
  readonly #clock: Clock;
  #open = false;
  #dead = false;
  /** Requests made, with the clock's time: `read 3 fc4 0+7`, `write 2 0=60`. */
  readonly requests: { readonly at: number; readonly text: string }[] = [];

  constructor(units: readonly ModbusUnit[], clock: Clock) {
    this.#units = new Map(units.map((u) => [u.unitId, u]));
    this.#clock = clock;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  open(): Promise<void> {
    if (this.#dead) return Promise.reject(ReadFailure.disconnected('ECONNREFUSED'));
    this.#open = true;
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#open = false;
    return Promise.resolve();
  }

  /** The power cut: the line is gone for good. */
  kill(): void {
    this.#dead = true;
    this.#open = false;
  }

  async read(request: ReadRequest): Promise<readonly number[]> {
    const { unitId, functionCode, address, count } = request;
    this.#record(`read ${unitId} fc${functionCode} ${address}+${count}`);
    const pdu = Buffer.from([functionCode, address >> 8, address & 0xff, count >> 8, count & 0xff]);
    const reply = await this.#exchange(unitId, pdu, request.timeoutMs);
    const words: number[] = [];
    for (let i = 0; i < count; i++) words.push(reply.readUInt16BE(2 + 2 * i));
    return words;
  }

  async write(request: WriteRequest): Promise<void> {
    const { unitId, address, values } = request;
    this.#record(`write ${unitId} ${address}=${values.join(',')}`);
    const head = Buffer.from([address >> 8, address & 0xff]);
    let pdu: Buffer;
    if (values.length === 1) {
      pdu = Buffer.concat([Buffer.from([0x06]), head, word(values[0] ?? 0)]);
    } else {
      pdu = Buffer.concat([
        Buffer.from([0x10]),
        head,
        word(values.length),
        Buffer.from([values.length * 2]),
        ...values.map(word),
      ]);
    }
    await this.#exchange(unitId, pdu, request.timeoutMs);
  }

  #record(text: string): void {
    this.requests.push({ at: this.#clock.now(), text });
  }

  async #exchange(unitId: number, pdu: Buffer, timeoutMs: number): Promise<Buffer> {
    if (!this.#open) throw ReadFailure.disconnected('not connected');
    const answer = this.#units.get(unitId)?.answer(pdu) ?? { kind: 'none' as const };
    if (answer.kind === 'none') {
      await sleep(this.#clock, timeoutMs);
      throw ReadFailure.timeout();
    }
    const reply = answer.pdu;
    if (((reply[0] ?? 0) & 0x80) !== 0) throw ReadFailure.exception(reply[1] ?? 0);
    return reply;
  }
}

function word(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value);
  return b;
}
