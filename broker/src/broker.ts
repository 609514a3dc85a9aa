import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net';
import { Readable, type Duplex } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AedesOptions, type Client } from 'aedes';
import AsyncRedisPersistence from 'aedes-persistence-redis/asyncPersistence.js';
import { Redis } from 'ioredis';
import MQEmitterRedis from 'mqemitter-redis';
import { pino, type Logger } from 'pino';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { createAccessControl } from './access-control.js';
import { credentialsPath, registryPath, type BrokerConfig } from './config.js';
import { ConnectionRateLimiter } from './connection-rate-limiter.js';
import { FileCredentialStore, type CredentialStore } from './credential-store.js';
import {
  PostgresRegistryCredentialStore,
  SqliteRegistryCredentialStore,
} from './registry-credential-store.js';
import { createHealthServer } from './health-server.js';
import { closeServer, listen } from './listen.js';
import { BrokerMetrics } from './metrics.js';
import { limitPacketSize } from './packet-size-guard.js';

export interface BrokerDeps {
  /** Defaults to `<dataDir>/credentials.json`. */
  readonly credentials?: CredentialStore;
  readonly log?: Logger;
}

/** A started broker and the addresses it really listens on (ports may have been 0). */
export interface RunningBroker {
  readonly aedes: Aedes;
  readonly metrics: BrokerMetrics;
  readonly mqtt: AddressInfo;
  readonly ws: AddressInfo | null;
  readonly http: AddressInfo | null;
  close(): Promise<void>;
}

/** Starts Hameau's broker: authenticated, ACL'd by the protocol table, limited, observable. */
export async function startBroker(
  config: BrokerConfig,
  deps: BrokerDeps = {},
): Promise<RunningBroker> {
  const log = deps.log ?? pino({ name: 'broker' });
  const credentials = deps.credentials ?? credentialStoreFor(config);
  const metrics = new BrokerMetrics();
  const access = createAccessControl({ credentials, metrics, log });
  const cluster =
    config.redisUrl === undefined
      ? null
      : createRedisCluster(config.redisUrl, config.limits.maxSessionDelivery, log);

  const options: AedesOptions = {
    authenticate: access.authenticate,
    authorizePublish: access.authorizePublish,
    authorizeSubscribe: access.authorizeSubscribe,
    authorizeForward: (_client, packet) => {
      metrics.messagesOut.inc();
      return packet;
    },
    drainTimeout: config.limits.drainTimeoutMs,
    connectTimeout: config.limits.connectTimeoutMs,
    // Device usernames (`site/device`) are longer than MQTT 3.1's 23-character client ids.
    maxClientsIdLength: 128,
    ...(cluster && { persistence: cluster.persistence, mq: cluster.mq }),
  };
  const aedes = await Aedes.createBroker(options);
  aedes.on('publish', (_packet, client) => {
    if (client) metrics.messagesIn.inc();
  });
  aedes.on('clientReady', (client) => {
    metrics.connectionsAccepted.inc();
    log.debug({ clientId: client.id }, 'client connected');
  });
  // aedes raises one error per pending write of a failing client, and reports a clean
  // DISCONNECT as an AbortError from the stream wrapper: count each client once, real errors only.
  const counted = new WeakSet<object>();
  const onClientError = (client: Client, err: Error) => {
    // A refused CONNECT (aedes sets errorCode) is already counted under connections refused.
    const refused = (err as { errorCode?: number }).errorCode !== undefined;
    if (err.name === 'AbortError' || refused || counted.has(client)) return;
    counted.add(client);
    metrics.clientErrors.inc();
    log.info({ clientId: client.id, err: err.message }, 'client closed after error');
  };
  aedes.on('clientError', onClientError);
  aedes.on('connectionError', onClientError);
  // aedes re-emits errors of its background jobs (will clean-up in a cluster); without a
  // listener they would kill the process.
  (aedes as unknown as NodeJS.EventEmitter).on('error', (err: Error) => {
    log.error({ err }, 'broker background error');
  });

  const limiter = new ConnectionRateLimiter(
    config.limits.connectionsPerSecond,
    config.limits.connectionBurst,
  );
  const admit = (socket: Socket): boolean => {
    socket.setNoDelay(true);
    if (limiter.take(socket.remoteAddress ?? 'unknown')) return true;
    metrics.connectionsRefused.inc('rate-limited');
    log.warn({ address: socket.remoteAddress }, 'connection rate exceeded');
    socket.destroy();
    return false;
  };
  const guarded = (stream: Duplex): Duplex =>
    limitPacketSize(stream, config.limits.maxPacketBytes, (err) => {
      metrics.connectionsRefused.inc('packet-too-large');
      log.warn({ err: err.message }, 'closing client: packet too large');
    });

  // With TLS, admission (rate limit) happens on the raw socket, before the costly handshake, and a
  // socket that never completes the handshake is dropped after the connect timeout.
  const tls = config.tls && {
    cert: readFileSync(config.tls.certFile),
    key: readFileSync(config.tls.keyFile),
    handshakeTimeout: config.limits.connectTimeoutMs,
  };
  const admitRaw = (raw: Socket) => {
    admit(raw);
  };
  const dropFailedHandshake = (_err: Error, socket: Socket) => {
    socket.destroy();
  };
  const tcp: Server = tls
    ? createTlsServer(tls)
        .prependListener('connection', admitRaw)
        .on('tlsClientError', dropFailedHandshake)
        .on('secureConnection', (s) => {
          aedes.handle(guarded(s));
        })
    : createNetServer({ noDelay: true }, (s) => {
        if (admit(s)) aedes.handle(guarded(s));
      });
  const servers: Server[] = [tcp];

  let wsHttp: HttpServer | null = null;
  if (config.wsPort !== null) {
    wsHttp = tls
      ? createHttpsServer(tls)
          .prependListener('connection', admitRaw)
          .on('tlsClientError', dropFailedHandshake)
      : createHttpServer().prependListener('connection', admitRaw);
    // A socket that never sends its upgrade request is dropped like one that never sends CONNECT.
    wsHttp.headersTimeout = config.limits.connectTimeoutMs;
    wsHttp.requestTimeout = config.limits.connectTimeoutMs;
    const wss = new WebSocketServer({
      server: wsHttp,
      maxPayload: config.limits.maxPacketBytes + 5,
      handleProtocols: (offered) =>
        offered.has('mqtt') ? 'mqtt' : offered.has('mqttv3.1') ? 'mqttv3.1' : false,
    });
    wss.on('connection', (ws, req) => {
      const stream = createWebSocketStream(ws);
      stream.on('error', () => {
        // The client is closed by aedes; errors of the raw stream are already reported there.
      });
      aedes.handle(guarded(stream), req);
    });
    servers.push(wsHttp);
  }

  const health = config.httpPort === null ? null : createHealthServer({ aedes, metrics, log });
  if (health) servers.push(health);

  try {
    const mqtt = await listen(tcp, config.host, config.mqttPort, 'HAMEAU_MQTT_PORT');
    const ws =
      wsHttp && config.wsPort !== null
        ? await listen(wsHttp, config.host, config.wsPort, 'HAMEAU_MQTT_WS_PORT')
        : null;
    const http =
      health && config.httpPort !== null
        ? await listen(health, config.host, config.httpPort, 'HAMEAU_BROKER_HTTP_PORT')
        : null;
    log.info(
      {
        mqtt: mqtt.port,
        ws: ws?.port,
        http: http?.port,
        tls: Boolean(tls),
        cluster: Boolean(cluster),
      },
      'broker listening',
    );

    let closing: Promise<void> | null = null;
    const close = () => (closing ??= shutdown());
    return { aedes, metrics, mqtt, ws, http, close };
  } catch (err) {
    await shutdown();
    throw err;
  }

  /** Stops accepting, disconnects every client (servers only finish closing once their
   * connections are gone), then releases Redis. */
  async function shutdown(): Promise<void> {
    const stopped = Promise.all(servers.map((s) => closeServer(s)));
    await new Promise<void>((resolve) => {
      aedes.close(() => {
        resolve();
      });
    });
    for (const s of servers) {
      if ('closeAllConnections' in s) (s as HttpServer).closeAllConnections();
    }
    await stopped;
    await cluster?.close();
    // A store the broker opened itself (a registry connection) is the broker's to close.
    if (deps.credentials === undefined && 'close' in credentials) {
      await (credentials as { close(): unknown }).close();
    }
  }
}

function credentialStoreFor(config: BrokerConfig): CredentialStore {
  if (config.credentials === 'file') return new FileCredentialStore(credentialsPath(config));
  return config.databaseUrl === undefined
    ? new SqliteRegistryCredentialStore(registryPath(config))
    : new PostgresRegistryCredentialStore(config.databaseUrl);
}

/**
 * Two mismatches between aedes 1.2 and aedes-persistence-redis 12, both found by our tests:
 * - aedes pipes the retained-message stream (`stream.pipe(...)`), but the persistence returns a
 *   bare async generator, which crashed the broker on the first SUBSCRIBE that matched retained
 *   messages. The in-memory persistence wraps it in a Readable; so do we.
 * - For a persistent session, aedes stores subscriptions once per topic of a SUBSCRIBE, each
 *   time with all of the packet's topics. The persistence then waits for its own broadcast
 *   keyed by client and first topic, so the second identical call replaces the first one's
 *   waiter, the first never resolves, and the client never gets its SUBACK. Identical calls in
 *   flight are coalesced into one.
 */
class RedisPersistence extends AsyncRedisPersistence {
  readonly #adding = new Map<string, Promise<void>>();

  override createRetainedStreamCombi(patterns: string[]): AsyncIterable<unknown> {
    return Readable.from(super.createRetainedStreamCombi(patterns));
  }

  override addSubscriptions(
    client: { id: string },
    subs: { topic: string; qos: number }[],
  ): Promise<void> {
    const key = JSON.stringify([client.id, subs.map((s) => [s.topic, s.qos])]);
    const pending = this.#adding.get(key);
    if (pending) return pending;
    const adding = super.addSubscriptions(client, subs).finally(() => this.#adding.delete(key));
    this.#adding.set(key, adding);
    return adding;
  }
}

function createRedisCluster(url: string, maxSessionDelivery: number, log: Logger) {
  const conn = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: null });
  conn.on('error', (err) => {
    log.error({ err: err.message }, 'redis persistence connection error');
  });
  const persistence = new RedisPersistence({ conn, maxSessionDelivery });
  const mq = MQEmitterRedis({ connectionString: url });
  // mqemitter-redis re-emits its connections' errors on `state`, an EventEmitter nobody listens
  // to by default: the first Redis hiccup (a restart, EPIPE) threw and took the broker down.
  (mq as unknown as { state: NodeJS.EventEmitter }).state.on('error', (err: Error) => {
    log.error({ err: err.message }, 'redis routing connection error');
  });
  return {
    persistence,
    mq,
    close: async () => {
      await new Promise<void>((resolve) => {
        mq.close(() => {
          resolve();
        });
      });
      // QUIT lets the commands aedes and the persistence fired without awaiting finish; a bare
      // disconnect (what destroy does) rejects them, and one nobody handles would crash the
      // process on its way out.
      await conn.quit().catch(() => undefined);
      await persistence.destroy();
    },
  };
}
