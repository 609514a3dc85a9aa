/**
 * Child-process entry: the cloud side of the locker bench, the town's server. Our broker
 * (`startBroker`, authenticating from the API's registry) and the API (`startApiServer`, SQLite
 * in a throw-away folder) in one process, as the CLI's end-to-end tests run them, apart from
 * the bank's agent and simulator so that the two sides never share an event loop. It registers
 * the bank's agent, a probe device and a cloud-role account for the MQTT baseline. Started by
 * the locker bench through `ServiceProcess`; never run directly.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { TOPICS } from '@hameau/protocol';
import { startCloudServer, type CloudServer } from '../cloud-server.js';
import { serveParent } from '../ingest/serve-parent.js';
import {
  BASELINE_ACCOUNT,
  LOCKER_DEVICE,
  PROBE_DEVICE,
  SITE,
  type CloudInfo,
  type CloudMethods,
} from './cloud-contract.js';

async function start(): Promise<{
  info: CloudInfo;
  methods: CloudMethods;
  close(): Promise<void>;
}> {
  const log = pino({ name: 'bench-cloud', level: 'warn' }, pino.destination(2));
  // Errors only: the API announces the admin token it creates with a warning.
  const apiLog = log.child({ component: 'api' });
  apiLog.level = 'error';
  const dir = await mkdtemp(join(tmpdir(), 'hameau-bench-cloud-'));
  let server: CloudServer | null = null;
  const close = async () => {
    try {
      await server?.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  try {
    server = await startCloudServer({ dir, log, apiLog });
    const { devices, accounts, publisher } = server.api.app.hameau;
    const agent = await devices.create(
      { site: SITE, device: LOCKER_DEVICE, kind: 'locker' },
      'bench',
    );
    const probe = await devices.create(
      { site: SITE, device: PROBE_DEVICE, kind: 'locker' },
      'bench',
    );
    const baseline = await accounts.create({ role: 'cloud', name: BASELINE_ACCOUNT }, 'bench');
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
      apiUrl: server.api.url,
      token: server.adminToken,
      mqttUrl: server.mqttUrl,
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
