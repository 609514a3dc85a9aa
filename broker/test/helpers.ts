import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import type { Principal } from '@hameau/protocol';
import { usernameOf } from '@hameau/protocol';
import {
  parseBrokerConfig,
  startBroker,
  type BrokerConfigInput,
  type RunningBroker,
} from '../src/index.js';
import { MemoryCredentialStore } from '../src/credential-store.js';

export interface TestBroker {
  broker: RunningBroker;
  credentials: MemoryCredentialStore;
  url: string;
  /** Creates an account and connects as it with its own client id. */
  connectAs(principal: Principal, opts?: IClientOptions): Promise<MqttClient>;
  /** Creates an account and returns its username and password. */
  account(principal: Principal): Promise<{ username: string; password: string }>;
  close(): Promise<void>;
}

export const silent = pino({ level: 'silent' });

/** A broker on ephemeral ports with an in-memory credential store. */
export async function startTestBroker(
  overrides: Partial<BrokerConfigInput> = {},
): Promise<TestBroker> {
  const credentials = new MemoryCredentialStore();
  const config = parseBrokerConfig({
    host: '127.0.0.1',
    mqttPort: 0,
    wsPort: 0,
    httpPort: 0,
    ...overrides,
  });
  const broker = await startBroker(config, { credentials, log: silent });
  const url = `mqtt://127.0.0.1:${broker.mqtt.port}`;
  const clients: MqttClient[] = [];
  const account = async (principal: Principal) => ({
    username: usernameOf(principal),
    password: await credentials.add(principal),
  });
  return {
    broker,
    credentials,
    url,
    account,
    async connectAs(principal, opts = {}) {
      const { username, password } = await account(principal);
      const client = await connectAsync(url, {
        username,
        password,
        clientId: username,
        reconnectPeriod: 0,
        ...opts,
      });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.endAsync(true)));
      await broker.close();
    },
  };
}

export const device = (site: string, id: string): Principal => ({
  role: 'device',
  site,
  device: id,
  kind: 'locker',
});
export const cloud: Principal = { role: 'cloud', name: 'cloud' };
export const observer: Principal = { role: 'observer', name: 'console' };
