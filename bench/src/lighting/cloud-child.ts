/**
 * Child-process entry: the cloud side of the lighting bench, the town's server. The cabinet
 * town's broker and API (`startCabinetCloud`, as the lighting end-to-end test runs them), apart
 * from the cabinet's agent and lamp nodes so that the two sides never share an event loop. It
 * also registers the probe device and the cloud-role account of the bare MQTT baseline. Started
 * by the lighting bench through `ServiceProcess`; never run directly.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { serveParent } from '../ingest/serve-parent.js';
import { BASELINE_ACCOUNT, PROBE_DEVICE, SITE } from '../locker/cloud-contract.js';
import { startCabinetCloud, type CabinetCloud } from './cabinet-town.js';
import type { LightingCloudInfo } from './cloud-contract.js';

async function start(): Promise<{
  info: LightingCloudInfo;
  methods: object;
  close(): Promise<void>;
}> {
  const log = pino({ name: 'bench-cloud', level: 'warn' }, pino.destination(2));
  // Errors only: the API announces the admin token it creates with a warning.
  log.level = 'error';
  const dir = await mkdtemp(join(tmpdir(), 'hameau-bench-lighting-cloud-'));
  let cloud: CabinetCloud | null = null;
  const close = async () => {
    try {
      await cloud?.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  try {
    cloud = await startCabinetCloud({ dir, log });
    const { devices, accounts } = cloud.api.app.hameau;
    const probe = await devices.create(
      { site: SITE, device: PROBE_DEVICE, kind: 'lighting' },
      'bench',
    );
    const baseline = await accounts.create({ role: 'cloud', name: BASELINE_ACCOUNT }, 'bench');
    const info: LightingCloudInfo = {
      apiUrl: cloud.api.url,
      token: cloud.adminToken,
      mqttUrl: cloud.mqttUrl,
      agentPassword: cloud.agentPassword,
      probeLogin: probe.mqtt,
      baselineLogin: { username: baseline.username, password: baseline.password },
    };
    return { info, methods: {}, close };
  } catch (err) {
    await close();
    throw err;
  }
}

serveParent('lighting cloud-child', start);
