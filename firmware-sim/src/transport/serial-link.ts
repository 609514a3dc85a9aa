import { HameauError } from '@hameau/protocol';
import type { ByteLink } from './byte-link.js';

/** Line settings of a serial port (8 data bits always: Modbus RTU needs them). */
export interface SerialSettings {
  readonly path: string;
  readonly baud: number;
  readonly parity: 'none' | 'even' | 'odd';
  readonly stopBits: 1 | 2;
}

/**
 * Opens a serial device (one end of a `socat` pty pair, or a real adapter) with `serialport`,
 * which handles ptys as well as ttys. A path that cannot be opened is a CONFIG_INVALID naming
 * the device, like a taken TCP port. `serialport` (a native binding) is loaded on first use, so
 * scenarios without serial devices never need it.
 */
export async function openSerialLink(
  deviceId: string,
  settings: SerialSettings,
): Promise<ByteLink> {
  const { SerialPort } = await import('serialport');
  const port = new SerialPort({
    path: settings.path,
    baudRate: settings.baud,
    parity: settings.parity,
    stopBits: settings.stopBits,
    dataBits: 8,
    autoOpen: false,
  });
  await new Promise<void>((resolve, reject) => {
    port.open((err) => {
      if (err === null) {
        resolve();
        return;
      }
      reject(
        new HameauError(
          'CONFIG_INVALID',
          `device ${deviceId}: cannot open serial ${settings.path}: ${err.message}`,
          { device: deviceId, path: settings.path },
        ),
      );
    });
  });
  let closed = false;
  return {
    write(bytes) {
      if (!closed) port.write(bytes);
    },
    onData(listener) {
      port.on('data', listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (!port.isOpen) return;
      await new Promise<void>((resolve) => {
        // A peer that already went away can make close fail; the port is released either way.
        port.close(() => {
          resolve();
        });
      });
    },
  };
}
