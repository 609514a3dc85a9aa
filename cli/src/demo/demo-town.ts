import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeCredentialSource, startBroker, type BrokerConfig } from '@hameau/broker';
import {
  databaseConfigOf,
  parseApiConfig,
  startApiServer,
  type ApiConfig,
  type RunningApi,
} from '@hameau/cloud-api';
import { systemClock, usernameOf } from '@hameau/protocol';
import { pino } from 'pino';
import { DemoApiClient } from './demo-api-client.js';
import { startDemoAgents } from './demo-agents.js';
import { assignDemoMeterRoles, ensureDemoBanks } from './demo-cloud-setup.js';
import { HISTORY_DAYS, backfillMeterHistory } from './demo-history.js';
import {
  describeDemoLighting,
  ensureDemoLighting,
  untilLightingApplied,
} from './demo-lighting-cloud.js';
import { DemoLightingFile } from './demo-lighting-file.js';
import { DemoParcelFile, type DemoParcel } from './demo-parcel-file.js';
import type { DemoPrintout } from './demo-printout.js';
import { checkPortsFree, freePortOn, type DemoPort } from './demo-ports.js';
import {
  DEMO_MERCHANT_PREFIX,
  placeWaitingParcels,
  reviewDemoParcels,
  topUpDemoParcels,
} from './demo-reservations.js';
import { startDemoDevices } from './demo-scenario.js';
import { demoSiteConfigs } from './demo-site-configs.js';
import { provisionDemoTechnician } from './demo-technician.js';
import { DEMO_BANKS, DEMO_SCENARIO_FILE, type DemoBank } from './demo-town-plan.js';
import { DemoVisitors } from './demo-visitors.js';
import { provisionDemoTown } from './provision-demo-town.js';
import { waitFor } from './wait-for.js';

/** What the demo town is started with: configs parsed and checked before anything starts. */
export interface DemoTownSettings {
  readonly dataDir: string;
  readonly broker: BrokerConfig;
  readonly api: ApiConfig;
  /** Kiosk port by variable (0: a free port). */
  readonly kioskPorts: Readonly<Record<string, number>>;
  readonly logLevel: string;
  /** The audit log's actor for what the demo does (`cli:<user>`). */
  readonly actor: string;
}

/** A running demo town. */
export interface RunningDemoTown {
  readonly printout: DemoPrintout;
  /** Stops the agents, the simulators, the API and the broker, in that order. */
  stop(): Promise<void>;
}

/** How long the agents may take to bring their banks into service. */
const AGENT_START_TIMEOUT_MS = 30_000;

/**
 * Starts the whole demo town in this process: the broker, the API (SQLite and the embedded
 * series store), the simulated devices of the town's scenario, one edge agent per site, and
 * the demo data (banks, meter roles, a week of meter history, the lighting controller's
 * configuration given to the cloud, parcels waiting for pickup).
 * A failure at any step stops what was started and throws.
 */
export async function startDemoTown(settings: DemoTownSettings): Promise<RunningDemoTown> {
  const { dataDir, logLevel } = settings;
  const log = (name: string) => pino({ name, level: logLevel });
  const kioskHost = '127.0.0.1';
  await checkPortsFree(listeningPorts(settings, kioskHost));
  const kioskPorts = new Map<string, number>();
  for (const [variable, port] of Object.entries(settings.kioskPorts)) {
    kioskPorts.set(variable, port === 0 ? await freePortOn(kioskHost) : port);
  }

  // Whatever started is stopped in reverse order: agents, simulators, API, broker.
  const stack: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    let first: unknown = null;
    for (const close of stack.splice(0).reverse()) {
      try {
        await close();
      } catch (err) {
        first ??= err;
      }
    }
    if (first !== null) {
      throw first instanceof Error
        ? first
        : new Error('the demo town did not stop', { cause: first });
    }
  };

  try {
    // The broker first: it needs no database. The API connects to it as the `cloud` account
    // provisioned here, with every demo device and a fresh password for each.
    const broker = await startBroker(settings.broker, { log: log('broker') });
    stack.push(() => broker.close());
    const credentials = await provisionDemoTown({
      database: databaseConfigOf(settings.api),
      clock: systemClock,
      log: log('demo'),
      actor: settings.actor,
    });
    const mqttUrl = `mqtt://127.0.0.1:${String(broker.mqtt.port)}`;
    const api = await startApiServer(
      parseApiConfig(
        {
          ...settings.api,
          mqtt: { ...settings.api.mqtt, url: mqttUrl, password: credentials.cloud.password },
        },
        'demo API config',
      ),
      { log: log('cloud-api') },
    );
    stack.push(() => api.close());

    const { admin, merchant } = await demoTokens(api, settings.actor, stack);
    await ensureDemoBanks(admin);
    const parcelFile = new DemoParcelFile(join(dataDir, 'demo-parcels.json'));
    const kept = await reviewDemoParcels(admin, parcelFile);

    const devices = await startDemoDevices(DEMO_SCENARIO_FILE, {
      clock: systemClock,
      log: log('firmware-sim'),
    });
    stack.push(() => devices.scenario.stop());
    placeWaitingParcels(kept, devices);
    const visitors = new DemoVisitors(systemClock);
    for (const bank of DEMO_BANKS) visitors.attend(bank.bank, devices.lockBank(bank.sim).bank);
    stack.push(() => {
      visitors.stop();
    });

    await assignDemoMeterRoles(admin, devices);
    const history = await backfillMeterHistory({
      store: api.timeSeries,
      devices,
      now: systemClock.now(),
    });

    // Before the agents start: the lighting agent finds its configuration waiting (retained).
    const lighting = await ensureDemoLighting(admin, {
      now: systemClock.now(),
      file: new DemoLightingFile(join(dataDir, 'demo-lighting.json')),
    });

    const agentsDir = join(dataDir, 'agents');
    const agents = await startDemoAgents({
      dataDir,
      sites: demoSiteConfigs({ devices, mqttUrl, kioskPorts, logLevel }),
      credentials: credentials.devices,
    });
    stack.push(() => agents.stop());

    const kioskUrl = (bank: DemoBank) =>
      `http://${kioskHost}:${String(kioskPorts.get(bank.kioskPortVariable))}`;
    for (const bank of DEMO_BANKS) await untilInService(bank, kioskUrl(bank));
    const lightingApplied = await untilLightingApplied(
      admin,
      lighting.version,
      AGENT_START_TIMEOUT_MS,
    );
    const parcels = await topUpDemoParcels({
      admin,
      merchant,
      file: parcelFile,
      kept,
      visitors,
      clock: systemClock,
      kioskUrl,
      credentialVersion: (bank) =>
        agents.credentialVersion(
          usernameOf({ role: 'device', site: bank.site, device: bank.device, kind: 'locker' }),
        ),
    });

    const brokerHost = settings.broker.host === '0.0.0.0' ? '127.0.0.1' : settings.broker.host;
    const printout: DemoPrintout = {
      mqttUrl,
      wsUrl: broker.ws ? `ws://${brokerHost}:${String(broker.ws.port)}` : null,
      brokerHealthUrl: broker.http
        ? `http://${brokerHost}:${String(broker.http.port)}/healthz`
        : null,
      apiUrl: api.url,
      tokenFile: settings.api.adminTokenFile,
      tokenFileExists: existsSync(settings.api.adminTokenFile),
      accounts: describeCredentialSource(settings.broker),
      kiosks: DEMO_BANKS.map((b) => ({
        name: b.name,
        url: `${kioskUrl(b)}/`,
        variable: b.kioskPortVariable,
      })),
      parcels: [...parcels].sort(byBankThenBox).map((p) => {
        const bank = DEMO_BANKS.find((b) => b.bank === p.bank);
        return {
          bankName: bank?.name ?? p.bank,
          box: p.box,
          size: bank?.boxes.find((b) => b.number === p.box)?.size ?? '?',
          code: p.pickupCode,
          kioskUrl: bank === undefined ? '' : `${kioskUrl(bank)}/`,
        };
      }),
      technician: await provisionDemoTechnician(api, settings.actor),
      history:
        history.filled.length === 0
          ? `kept (every meter has readings from the last ${String(HISTORY_DAYS)} days)`
          : `${String(HISTORY_DAYS)} days backfilled for ${history.filled.join(', ')}`,
      lighting: describeDemoLighting(lighting, lightingApplied),
      agentsDir,
      credentials: [credentials.cloud, ...credentials.devices],
    };
    return { printout, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/** The banks in the plan's order, each one's boxes by number. */
function byBankThenBox(a: DemoParcel, b: DemoParcel): number {
  const bank = (p: DemoParcel) => DEMO_BANKS.findIndex((d) => d.bank === p.bank);
  return bank(a) - bank(b) || a.box - b.box;
}

/** Every port the demo will listen on, with its variable, for the check before anything starts. */
function listeningPorts(settings: DemoTownSettings, kioskHost: string): DemoPort[] {
  const { broker, api } = settings;
  const ports: DemoPort[] = [
    { variable: 'HAMEAU_MQTT_PORT', host: broker.host, port: broker.mqttPort },
    { variable: 'HAMEAU_API_PORT', host: api.host, port: api.port },
  ];
  if (broker.wsPort !== null)
    ports.push({ variable: 'HAMEAU_MQTT_WS_PORT', host: broker.host, port: broker.wsPort });
  if (broker.httpPort !== null)
    ports.push({ variable: 'HAMEAU_BROKER_HTTP_PORT', host: broker.host, port: broker.httpPort });
  for (const [variable, port] of Object.entries(settings.kioskPorts))
    ports.push({ variable, host: kioskHost, port });
  return ports;
}

/**
 * The demo's own API tokens for this run: a technician-level admin to set the town up, and a
 * merchant to reserve boxes, as a shop would. Revoked at stop (named by the run, so a run cut
 * short never blocks the next one).
 */
async function demoTokens(
  api: RunningApi,
  actor: string,
  stack: (() => Promise<void> | void)[],
): Promise<{ admin: DemoApiClient; merchant: DemoApiClient }> {
  const run = String(Date.now());
  const tokens = api.app.hameau.tokens;
  const admin = await tokens.create({ name: `demo-setup-${run}`, role: 'admin' }, actor);
  const merchant = await tokens.create(
    { name: `${DEMO_MERCHANT_PREFIX}${run}`, role: 'merchant' },
    actor,
  );
  stack.push(async () => {
    await tokens.revoke(merchant.id, actor);
    await tokens.revoke(admin.id, actor);
  });
  return {
    admin: new DemoApiClient(api.url, admin.token),
    merchant: new DemoApiClient(api.url, merchant.token),
  };
}

/** Waits until the bank's kiosk answers and its boards have been read. */
async function untilInService(bank: DemoBank, url: string): Promise<void> {
  await waitFor(
    `the ${bank.name} kiosk at ${url} to be in service`,
    async () => {
      try {
        const res = await fetch(`${url}/api/status`);
        return ((await res.json()) as { inService?: boolean }).inService === true;
      } catch {
        return false;
      }
    },
    AGENT_START_TIMEOUT_MS,
  );
}
