import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { TOPICS, usernameOf, type Principal } from '@hameau/protocol';
import { MemoryCredentialStore } from '../src/credential-store.js';
import { parseBrokerConfig, startBroker, type RunningBroker } from '../src/index.js';
import { silent } from './helpers.js';
import { startPrivateRedis, type PrivateRedis } from './private-redis.js';

const dev: Principal = { role: 'device', site: 'mairie', device: 'meters-1', kind: 'meters' };
let redis: PrivateRedis;
let broker: RunningBroker;
const credentials = new MemoryCredentialStore();
let password = '';

beforeAll(async () => {
  redis = await startPrivateRedis();
  password = await credentials.add(dev);
  const config = parseBrokerConfig({
    host: '127.0.0.1',
    mqttPort: 0,
    wsPort: null,
    httpPort: null,
    redisUrl: redis.url,
  });
  broker = await startBroker(config, { credentials, log: silent });
});

afterAll(async () => {
  await broker.close();
  await redis.kill();
});

it('keeps running when Redis dies and serves again once it is back', async () => {
  // Before the fix, mqemitter-redis re-emitted the connection error on an EventEmitter nobody
  // listened to, and the throw killed the broker: this process is the broker, so it would die.
  await redis.kill();
  await new Promise((resolve) => setTimeout(resolve, 300));
  await redis.restart();
  const url = `mqtt://127.0.0.1:${broker.mqtt.port}`;
  await vi.waitFor(
    async () => {
      const client = await connectAsync(url, {
        username: usernameOf(dev),
        password,
        clientId: usernameOf(dev),
        reconnectPeriod: 0,
        connectTimeout: 2000,
      });
      await client.publishAsync(
        TOPICS.telemetry.build({ site: 'mairie', device: 'meters-1', stream: 'energy' }),
        '{}',
        { qos: 1 },
      );
      await client.endAsync();
    },
    { timeout: 20_000, interval: 250 },
  );
  expect(broker.aedes.closed).toBe(false);
});
