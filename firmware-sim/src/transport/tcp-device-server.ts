import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { HameauError } from '@hameau/protocol';
import type { Logger } from 'pino';

/** Options of a `TcpDeviceServer`. */
export interface TcpDeviceServerOptions {
  /** Names the device in errors and logs. */
  readonly deviceId: string;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly log: Logger;
  /** Called for every accepted connection, after `noDelay` is set and errors are handled. */
  onConnection(socket: Socket): void;
}

/**
 * The TCP side of a simulated device, as a serial-to-Ethernet gateway or a Modbus TCP meter
 * offers it: it tracks connections so a fault can drop them and `close` leaves nothing open.
 */
export class TcpDeviceServer {
  readonly #options: TcpDeviceServerOptions;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  constructor(options: TcpDeviceServerOptions) {
    this.#options = options;
    this.#server = createServer((socket) => {
      this.#accept(socket);
    });
  }

  /** Open connections. */
  get connections(): number {
    return this.#sockets.size;
  }

  /** Starts listening; a taken or privileged port is a CONFIG_INVALID naming the device. */
  listen(): Promise<AddressInfo> {
    const { host, port, deviceId } = this.#options;
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        this.#server.off('listening', onListening);
        if (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
          const why =
            err.code === 'EADDRINUSE'
              ? 'is already in use'
              : err.code === 'EACCES'
                ? 'needs privileges'
                : 'is not an address of this machine';
          reject(
            new HameauError(
              'CONFIG_INVALID',
              `device ${deviceId}: ${host}:${port} ${why}; change its host or port in the scenario`,
              { device: deviceId, host, port },
            ),
          );
        } else {
          reject(err);
        }
      };
      const onListening = () => {
        this.#server.off('error', onError);
        resolve(this.#server.address() as AddressInfo);
      };
      this.#server.once('error', onError);
      this.#server.once('listening', onListening);
      this.#server.listen(port, host);
    });
  }

  /**
   * Ends every connection after what was already written is flushed, so every answer the
   * device sent still reaches its client; input arriving afterwards is ignored by devices,
   * which check `socket.writable`.
   */
  disconnectAll(): void {
    for (const socket of this.#sockets) socket.end();
  }

  /** Destroys every connection and stops listening. Safe to call twice. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => {
      this.#server.close(() => {
        resolve();
      });
    });
  }

  #accept(socket: Socket): void {
    const { log, deviceId } = this.#options;
    // Devices answer small requests one at a time; Nagle's algorithm would delay each answer.
    socket.setNoDelay(true);
    this.#sockets.add(socket);
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    log.debug({ device: deviceId, peer }, 'connection opened');
    socket.on('error', (err) => {
      // A client resetting the connection is normal for a device; it must never crash it.
      log.debug({ device: deviceId, peer, err: err.message }, 'connection error');
    });
    socket.once('close', () => {
      this.#sockets.delete(socket);
      log.debug({ device: deviceId, peer }, 'connection closed');
    });
    this.#options.onConnection(socket);
  }
}
