import type { FastifyInstance } from 'fastify';
import { HameauError } from '@hameau/protocol';

/**
 * Listens and resolves with the bound port. A port in use is reported with the environment
 * variable that changes it, not as a bare EADDRINUSE.
 */
export async function listenOrExplain(
  app: FastifyInstance,
  host: string,
  port: number,
  envName: string,
): Promise<number> {
  try {
    await app.listen({ host, port });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      const why = code === 'EADDRINUSE' ? 'is already in use' : 'needs privileges';
      throw new HameauError(
        'CONFIG_INVALID',
        `port ${port} on ${host} ${why}; set ${envName} to another port`,
        { port, host, env: envName },
      );
    }
    throw err;
  }
  const address = app.server.address();
  if (address === null || typeof address === 'string') {
    throw new Error(`unexpected server address ${String(address)}`);
  }
  return address.port;
}
