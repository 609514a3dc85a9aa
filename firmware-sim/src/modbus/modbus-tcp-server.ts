import type { AddressInfo, Socket } from 'node:net';
import type { Clock, TimerHandle } from '@hameau/protocol';
import type { Logger } from 'pino';
import { TcpDeviceServer } from '../transport/tcp-device-server.js';
import { ModbusException } from './modbus-exception.js';
import { exceptionPdu } from './modbus-pdu.js';
import { MbapSplitter, encodeMbap, type MbapFrame } from './modbus-tcp-frame.js';
import type { ModbusUnit } from './modbus-unit.js';

/** Options of a `ModbusTcpServer`. */
export interface ModbusTcpServerOptions {
  /** Names the device in errors and logs. */
  readonly deviceId: string;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly clock: Clock;
  readonly log: Logger;
  /** The units behind this port, by unit id: one for a meter, several for a gateway. */
  readonly units: readonly ModbusUnit[];
}

/**
 * Modbus TCP in front of one or more units, as an Ethernet meter or a TCP-to-RTU gateway
 * offers it. A request for a unit id nobody answers gets exception 0x0B, as a gateway whose
 * bus stayed silent; a broken MBAP header closes the connection (it cannot be resynchronised).
 */
export class ModbusTcpServer {
  readonly #options: ModbusTcpServerOptions;
  readonly #units = new Map<number, ModbusUnit>();
  readonly #server: TcpDeviceServer;
  readonly #timers = new Set<TimerHandle>();
  #requests = 0;

  constructor(options: ModbusTcpServerOptions) {
    this.#options = options;
    for (const unit of options.units) this.#units.set(unit.unitId, unit);
    this.#server = new TcpDeviceServer({
      deviceId: options.deviceId,
      host: options.host,
      port: options.port,
      log: options.log,
      onConnection: (socket) => {
        this.#serve(socket);
      },
    });
  }

  /** Request frames received so far, answered or not. */
  get requests(): number {
    return this.#requests;
  }

  /** Open client connections. */
  get connections(): number {
    return this.#server.connections;
  }

  listen(): Promise<AddressInfo> {
    return this.#server.listen();
  }

  /** Cancels delayed replies, closes every connection and the port. */
  async close(): Promise<void> {
    for (const handle of this.#timers) this.#options.clock.clearTimeout(handle);
    this.#timers.clear();
    await this.#server.close();
  }

  #serve(socket: Socket): void {
    const splitter = new MbapSplitter();
    socket.on('data', (chunk: Buffer) => {
      for (const event of splitter.push(chunk)) {
        if (event.kind === 'invalid') {
          this.#options.log.debug(
            { device: this.#options.deviceId, length: event.length },
            'invalid MBAP length; closing the connection',
          );
          socket.destroy();
          return;
        }
        this.#requests += 1;
        this.#handle(socket, event.frame);
      }
    });
  }

  #handle(socket: Socket, request: MbapFrame): void {
    // The spec has servers drop frames of another protocol than Modbus (0).
    if (request.protocolId !== 0) return;
    const unit = this.#units.get(request.unitId);
    const functionCode = request.pdu[0] ?? 0;
    if (unit === undefined) {
      this.#send(socket, request, request.unitId, gatewayFailure(functionCode), 0);
      return;
    }
    const answer = unit.answer(request.pdu);
    if (answer.kind === 'none') return;
    // Modbus TCP has no CRC: a gateway that got a corrupted reply from the bus reports it so.
    const pdu = answer.corruptCrc ? gatewayFailure(functionCode) : answer.pdu;
    this.#send(socket, request, answer.unitId, pdu, answer.delayMs);
  }

  #send(socket: Socket, request: MbapFrame, unitId: number, pdu: Buffer, delayMs: number): void {
    const bytes = encodeMbap({ transactionId: request.transactionId, unitId, pdu });
    if (delayMs <= 0) {
      if (socket.writable) socket.write(bytes);
      return;
    }
    const handle = this.#options.clock.setTimeout(() => {
      this.#timers.delete(handle);
      if (socket.writable) socket.write(bytes);
    }, delayMs);
    this.#timers.add(handle);
  }
}

function gatewayFailure(functionCode: number): Buffer {
  return exceptionPdu(functionCode, ModbusException.GatewayTargetFailedToRespond);
}
