/**
 * Child-process entry: the cloud side of the locker bench, the town's server. Our broker
 * (`startBroker`, authenticating from the API's registry) and the API (`startApiServer`, SQLite
 * in a throw-away folder) in one process, as the CLI's end-to-end tests run them, apart from
 * the bank's agent and simulator so that the two sides never share an event loop. It registers
 * the bank's agent, a probe device and a cloud-role account for the MQTT baseline. Started by
 * the locker bench through `ServiceProcess`; never run directly.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pino } from 'pino';
import { parseBrokerConfig, startBroker, type RunningBroker } from '@hameau/broker';
import { parseApiConfig, startApiServer, type RunningApi } from '@hameau/cloud-api';
import { TOPICS } from '@hameau/protocol';
import { serveParent } from '../ingest/serve-parent.js';
import {
  BASELINE_ACCOUNT,
  LOCKER_DEVICE,
  PROBE_DEVICE,
  SITE,
  type CloudInfo,
  type CloudMethods,
} from './cloud-contract.js';

/** How long the API may take to connect to the broker. */
const CONNECT_TIMEOUT_MS = 30_000;

async function start(): Promise<{
  info: CloudInfo;
  methods: CloudMethods;
  close(): Promise<void>;
}> {
  const log = pino({ name: 'bench-cloud', level: 'warn' }, pino.destination(2));
  const dir = await mkdtemp(join(tmpdir(), 'hameau-bench-cloud-'));
  let api: RunningApi | null = null;
  let broker: RunningBroker | null = null;
  const close = async () => {
    try {
      await api?.close();
      await broker?.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  try {
    // The broker first, so the API connects at once; it reads the registry the API creates in
    // the same folder at each CONNECT.
    broker = await startBroker(
      parseBrokerConfig({
        host: '127.0.0.1',
        mqttPort: 0,
        wsPort: null,
        httpPort: null,
        dataDir: dir,
        credentials: 'registry',
      }),
      { log: log.child({ component: 'broker' }) },
    );
    const mqttUrl = `mqtt://127.0.0.1:${broker.mqtt.port}`;
    // Errors only: the API announces the admin token it creates with a warning.
    const apiLog = log.child({ component: 'api' });
    apiLog.level = 'error';
    const running = await startApiServer(
      parseApiConfig({ host: '127.0.0.1', port: 0, dataDir: dir, mqtt: { url: mqttUrl } }),
      { log: apiLog },
    );
    api = running;
    const token = (await readFile(join(dir, 'admin-token'), 'utf8')).trim();
    const { devices, accounts, publisher } = running.app.hameau;
    const agent = await devices.create(
      { site: SITE, device: LOCKER_DEVICE, kind: 'locker' },
      'bench',
    );
    const probe = await devices.create(
      { site: SITE, device: PROBE_DEVICE, kind: 'locker' },
      'bench',
    );
    const baseline = await accounts.create({ role: 'cloud', name: BASELINE_ACCOUNT }, 'bench');
    const giveUpAt = performance.now() + CONNECT_TIMEOUT_MS;
    while (running.ingestion?.connected !== true) {
      if (performance.now() > giveUpAt) throw new Error('the API never connected to the broker');
      await delay(50);
    }
    const methods: CloudMethods = {
      async publishCredentials(set) {
        const topic = TOPICS.credentials.build({ site: SITE, device: LOCKER_DEVICE });
        await publisher.publish(topic, set, {
          qos: TOPICS.credentials.qos,
          retain: TOPICS.credentials.retain,
        });
        return null;
      },
    };
    const info: CloudInfo = {
      apiUrl: running.url,
      token,
      mqttUrl,
      agentLogin: agent.mqtt,
      probeLogin: probe.mqtt,
      baselineLogin: { username: baseline.username, password: baseline.password },
    };
    return { info, methods, close };
  } catch (err) {
    await close();
    throw err;
  }
}

serveParent('locker cloud-child', start);
