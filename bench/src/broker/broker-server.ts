/**
 * Child-process entry of `BrokerProcess`: runs one Node broker (Hameau's, or aedes with its
 * defaults) and reports its port and the accounts it created over IPC. Never run directly.
 */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { pino } from 'pino';
import { MemoryCredentialStore, parseBrokerConfig, startBroker } from '@hameau/broker';
import { usernameOf, type Principal } from '@hameau/protocol';
import type { ChildMessage, ParentMessage, StartRequest } from './broker-process.js';

interface Started {
  readonly port: number;
  readonly passwords: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

function send(msg: ChildMessage): void {
  process.send?.(msg);
}

async function createAccounts(
  principals: readonly Principal[],
  credentials: MemoryCredentialStore,
): Promise<Record<string, string>> {
  let created = 0;
  // All at once: libuv's threadpool runs four scrypt hashes at a time and queues the rest, so
  // batching here would only add idle gaps between batches.
  const entries = await Promise.all(
    principals.map(async (p) => {
      const password = await credentials.add(p);
      created++;
      if (created % 250 === 0 || created === principals.length) {
        send({ type: 'progress', accountsCreated: created, accounts: principals.length });
      }
      return [usernameOf(p), password] as const;
    }),
  );
  return Object.fromEntries(entries);
}

async function startHameau(request: StartRequest): Promise<Started> {
  const credentials = new MemoryCredentialStore();
  const passwords = await createAccounts(request.principals, credentials);
  const config = parseBrokerConfig({
    host: '127.0.0.1',
    mqttPort: 0,
    wsPort: null,
    httpPort: null,
    limits: {
      connectionsPerSecond: request.connectionsPerSecond,
      connectionBurst: request.connectionsPerSecond,
    },
  });
  const log = pino({ name: 'bench-broker', level: 'warn' }, pino.destination(2));
  const broker = await startBroker(config, { credentials, log });
  return { port: broker.mqtt.port, passwords, close: () => broker.close() };
}

async function startBareAedes(): Promise<Started> {
  const aedes = await Aedes.createBroker();
  const server: Server = createServer({ noDelay: true }, (socket) => {
    aedes.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    passwords: {},
    close: async () => {
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      await new Promise<void>((resolve) => {
        aedes.close(() => {
          resolve();
        });
      });
    },
  };
}

let running: Promise<Started> | null = null;
let stopping: Promise<void> | null = null;

function shutdown(): Promise<void> {
  return (stopping ??= (async () => {
    try {
      if (running) await (await running).close();
    } finally {
      // A normal exit (not a kill) so `--cpu-prof` gets to write its profile.
      process.exit(0);
    }
  })());
}

if (process.send === undefined) {
  process.stderr.write('broker-server is started by BrokerProcess over an IPC channel\n');
  process.exit(2);
}

process.on('message', (msg: ParentMessage) => {
  switch (msg.type) {
    case 'start': {
      const t0 = performance.now();
      running = msg.kind === 'hameau' ? startHameau(msg) : startBareAedes();
      running.then(
        (s) => {
          send({
            type: 'ready',
            port: s.port,
            passwords: s.passwords,
            setupSeconds: (performance.now() - t0) / 1000,
          });
        },
        (err: unknown) => {
          send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
        },
      );
      return;
    }
    case 'stop':
      void shutdown();
      return;
  }
});
// The parent died or let go: do not linger as an orphan broker.
process.on('disconnect', () => {
  void shutdown();
});
