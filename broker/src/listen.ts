import type { AddressInfo, Server } from 'node:net';
import { HameauError } from '@hameau/protocol';

/**
 * Starts listening and resolves with the bound address. A port in use is reported with the
 * environment variable that changes it, not as a bare EADDRINUSE.
 */
export function listen(
  server: Server,
  host: string,
  port: number,
  envName: string,
): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') {
        const why = err.code === 'EADDRINUSE' ? 'is already in use' : 'needs privileges';
        reject(
          new HameauError(
            'CONFIG_INVALID',
            `port ${port} on ${host} ${why}; set ${envName} to another port`,
            {
              port,
              host,
              env: envName,
            },
          ),
        );
      } else {
        reject(err);
      }
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Closes a server, resolving once it has stopped (already-closed servers resolve at once). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => {
      resolve();
    });
  });
}
