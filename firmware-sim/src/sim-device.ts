import type { Clock } from '@hameau/protocol';
import type { Logger } from 'pino';

/** Where a running simulated device can be reached. */
export type Endpoint =
  | { readonly transport: 'tcp'; readonly host: string; readonly port: number }
  /** A serial pty (lock boards and meters on RS485 will use these). */
  | { readonly transport: 'pty'; readonly path: string };

/** What every simulated device receives: time and a logger, never globals. */
export interface DeviceContext {
  readonly clock: Clock;
  /** Structured logs; silent when not given (library users in tests rarely want them). */
  readonly log?: Logger;
}

/**
 * One simulated device. A device type (counter, lock board, meter...) is a class implementing
 * this; the scenario runner only ever sees this interface.
 */
export interface SimDevice {
  /** The device type, as written in scenario files (`counter`). */
  readonly kind: string;
  /** The scenario-unique id. */
  readonly id: string;
  /** Opens the device's transports; resolves once every endpoint accepts connections. */
  start(): Promise<{ readonly endpoints: readonly Endpoint[] }>;
  /** Closes every transport and connection and cancels every timer. Safe to call twice. */
  stop(): Promise<void>;
}

/** `tcp 127.0.0.1:5020`, `tcp [::1]:5020` or `pty /tmp/ttyV0`: how `hameau sim` prints it. */
export function formatEndpoint(endpoint: Endpoint): string {
  switch (endpoint.transport) {
    case 'tcp': {
      const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
      return `tcp ${host}:${endpoint.port}`;
    }
    case 'pty':
      return `pty ${endpoint.path}`;
  }
}
