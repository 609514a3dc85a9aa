import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';

/** A redis-server of the test's own, on a port that survives its restarts. */
export interface PrivateRedis {
  readonly url: string;
  /** Kills it (SIGKILL: a crash, not a shutdown). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
}

const REDIS_SERVER = process.env['HAMEAU_TEST_REDIS_SERVER'] ?? '/usr/bin/redis-server';

/** A free TCP port on 127.0.0.1, for a server that must come back on the same one. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  return port;
}

/**
 * Starts Debian's redis-server privately. Redis pub/sub ignores database numbers, so a test that
 * kills Redis or listens to its routing must not share the machine's server with other tests.
 */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let exited: Promise<void> = Promise.resolve();
  let kill = () => undefined as unknown;
  const start = async () => {
    const child = spawn(
      REDIS_SERVER,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    exited = new Promise((resolve) =>
      child.once('exit', () => {
        resolve();
      }),
    );
    kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    for (let attempt = 0; ; attempt++) {
      const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        await probe.ping();
        return;
      } catch (err) {
        if (attempt > 100) {
          kill();
          throw err;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        probe.disconnect();
      }
    }
  };
  await start();
  return {
    url,
    async kill() {
      kill();
      await exited;
      process.off('exit', kill);
    },
    restart: start,
  };
}
