import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TOPICS, usernameOf, type Principal } from '@hameau/protocol';
import { BrokerProcess } from './broker-process.js';
import { closeAll, connectClient, type Endpoint, type Login } from './mqtt-client.js';

export const TARGET_NAMES = ['aedes', 'hameau', 'mosquitto'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** How each target is named in tables; `aedes` is the baseline every ratio is taken against. */
export const TARGET_LABEL: Readonly<Record<TargetName, string>> = {
  aedes: 'bare aedes',
  hameau: 'hameau',
  mosquitto: 'mosquitto',
};

/** The site every bench device belongs to. */
export const BENCH_SITE = 'bench';
/** The device that publishes in the throughput load. */
export const THROUGHPUT_DEVICE = 'tp';
const STREAM = 'energy';

/** The id of the i-th fan-in device: `d0000`, `d0001`... */
export function fanInDevice(i: number): string {
  return `d${String(i).padStart(4, '0')}`;
}

/** A broker under test, as the loads see it: where it is and who connects as what. */
export interface Target {
  readonly name: TargetName;
  readonly endpoint: Endpoint;
  /** Process whose CPU use is sampled during each load, when it is readable. */
  readonly pid: number | null;
  /** Product and version, where the broker says. */
  readonly version: string | null;
  /** How to connect as a bench device and the telemetry topic it publishes to. */
  publisher(device: string): { login: Login; topic: string };
  /** How to connect as the cloud and the filter that receives every device's telemetry. */
  subscriber(suffix: string): { login: Login; filter: string };
  close(): Promise<void>;
}

export interface TargetOptions {
  /** Fan-in devices to create accounts for (hameau). */
  readonly devices: number;
  readonly connectionsPerSecond: number;
  readonly mosquittoUrl: string;
  readonly profileDir: string | null;
  readonly log: (line: string) => void;
}

export function startTarget(name: TargetName, options: TargetOptions): Promise<Target> {
  switch (name) {
    case 'hameau':
      return startHameau(options);
    case 'aedes':
      return startBareAedes(options);
    case 'mosquitto':
      return useMosquitto(options);
  }
}

const LOCALHOST = '127.0.0.1';
const telemetryTopic = (device: string) =>
  TOPICS.telemetry.build({ site: BENCH_SITE, device, stream: STREAM });

async function startHameau(options: TargetOptions): Promise<Target> {
  const devices: Principal[] = [THROUGHPUT_DEVICE, ...deviceIds(options.devices)].map((device) => ({
    role: 'device',
    site: BENCH_SITE,
    device,
    kind: 'meters',
  }));
  const cloud: Principal = { role: 'cloud', name: 'cloud' };
  options.log(`hameau: creating ${devices.length + 1} accounts (scrypt N=2^14)`);
  const broker = await BrokerProcess.start(
    {
      kind: 'hameau',
      principals: [...devices, cloud],
      connectionsPerSecond: options.connectionsPerSecond,
    },
    {
      profileDir: options.profileDir,
      onProgress: (done, total) => {
        if (done % 1000 === 0 || done === total) options.log(`hameau: ${done}/${total} accounts`);
      },
    },
  );
  options.log(`hameau: ready on port ${broker.port} after ${broker.setupSeconds.toFixed(1)} s`);
  const passwordOf = (username: string): string => {
    const password = broker.passwords.get(username);
    if (password === undefined) throw new Error(`no hameau account for ${username}`);
    return password;
  };
  return {
    name: 'hameau',
    endpoint: { host: LOCALHOST, port: broker.port },
    pid: broker.pid,
    version: null,
    publisher(device) {
      const username = usernameOf({ role: 'device', site: BENCH_SITE, device, kind: 'meters' });
      const login = { clientId: username, username, password: passwordOf(username) };
      return { login, topic: telemetryTopic(device) };
    },
    subscriber(suffix) {
      const username = usernameOf(cloud);
      const login = { clientId: `${username}:${suffix}`, username, password: passwordOf(username) };
      return { login, filter: TOPICS.telemetry.filter() };
    },
    close: () => broker.stop(),
  };
}

async function startBareAedes(options: TargetOptions): Promise<Target> {
  const broker = await BrokerProcess.start(
    { kind: 'aedes', principals: [], connectionsPerSecond: options.connectionsPerSecond },
    { profileDir: options.profileDir },
  );
  // Same client ids and topics as hameau, so the two differ only in what the broker does.
  return {
    name: 'aedes',
    endpoint: { host: LOCALHOST, port: broker.port },
    pid: broker.pid,
    version: null,
    publisher: (device) => ({
      login: { clientId: `${BENCH_SITE}/${device}` },
      topic: telemetryTopic(device),
    }),
    subscriber: (suffix) => ({
      login: { clientId: `cloud:${suffix}` },
      filter: TOPICS.telemetry.filter(),
    }),
    close: () => broker.stop(),
  };
}

/** Where the system mosquitto's pid file is (Debian's default configuration). */
const MOSQUITTO_PID_FILE = '/run/mosquitto/mosquitto.pid';

async function useMosquitto(options: TargetOptions): Promise<Target> {
  const url = new URL(options.mosquittoUrl);
  const endpoint = { host: url.hostname, port: Number(url.port || 1883) };
  // A shared broker: a random prefix keeps this run's topics and client ids apart from anyone
  // else's, with as many topic levels as Hameau's telemetry topics.
  const run = randomBytes(4).toString('hex');
  const prefix = `bench/${run}`;
  const version = await mosquittoVersion(endpoint, `hb-${run}-probe`).catch((err: unknown) => {
    throw new Error(
      `mosquitto is not reachable at ${options.mosquittoUrl} (${err instanceof Error ? err.message : String(err)}); ` +
        'start it, pass --mosquitto-url, or leave it out with --targets=aedes,hameau',
    );
  });
  const local = endpoint.host === LOCALHOST || endpoint.host === 'localhost';
  return {
    name: 'mosquitto',
    endpoint,
    pid: local ? readPid(MOSQUITTO_PID_FILE) : null,
    version,
    publisher: (device) => ({
      login: { clientId: `hb-${run}-${device}` },
      topic: `${prefix}/${BENCH_SITE}/${device}/telemetry/${STREAM}`,
    }),
    subscriber: (suffix) => ({
      login: { clientId: `hb-${run}-cloud-${suffix}` },
      filter: `${prefix}/+/+/telemetry/+`,
    }),
    close: () => Promise.resolve(),
  };
}

function* deviceIds(n: number): Generator<string> {
  for (let i = 0; i < n; i++) yield fanInDevice(i);
}

function readPid(path: string): number | null {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Reads the retained `$SYS/broker/version`; null if the broker does not publish it. */
async function mosquittoVersion(endpoint: Endpoint, clientId: string): Promise<string | null> {
  const client = await connectClient(endpoint, { clientId });
  try {
    const version = new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => {
        resolve(null);
      }, 1000);
      client.once('message', (_topic, payload) => {
        clearTimeout(timer);
        resolve(payload.toString('utf8'));
      });
    });
    await client.subscribeAsync('$SYS/broker/version', { qos: 0 });
    return await version;
  } finally {
    await closeAll([client]);
  }
}
