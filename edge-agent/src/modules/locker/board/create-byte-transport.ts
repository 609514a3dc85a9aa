import type { Clock } from '@hameau/protocol';
import type { ByteTransport } from './byte-transport.js';
import type { KerongTransportConfig } from './kerong-bus-config.js';
import { SerialByteTransport } from './serial-byte-transport.js';
import { TcpByteTransport } from './tcp-byte-transport.js';

/** The transport a bus's config names: a serial device or a TCP gateway. */
export function createByteTransport(config: KerongTransportConfig, clock: Clock): ByteTransport {
  switch (config.type) {
    case 'serial':
      return new SerialByteTransport({
        path: config.path,
        baudRate: config.baudRate,
        parity: config.parity,
        dataBits: config.dataBits,
        stopBits: config.stopBits,
      });
    case 'tcp':
      return new TcpByteTransport(
        { host: config.host, port: config.port, connectTimeoutMs: config.connectTimeoutMs },
        clock,
      );
  }
}
