import { agentMeterModel } from '@hameau/firmware-sim';
import { demoLightingOffline } from './demo-lighting-program.js';
import { demoLightingWiring } from './demo-lighting-section.js';
import type { DemoDevices } from './demo-scenario.js';
import { DEMO_BANKS, DEMO_LIGHTING, DEMO_METERING, type DemoBank } from './demo-town-plan.js';

/** One agent's site.yaml, as data; the password stays out of it (`passwordFile`). */
export interface DemoSiteConfig {
  readonly site: string;
  readonly device: string;
  readonly kind: 'locker' | 'meters' | 'lighting';
  readonly body: Readonly<Record<string, unknown>>;
}

/** The file beside each site.yaml that holds its MQTT password (mode 0600). */
export const PASSWORD_FILE = 'mqtt-password';

/**
 * Every demo agent's configuration, written from the ports the scenario's devices actually got,
 * the broker's port and each bank's kiosk port: the lockers, the meters, the lighting.
 */
export function demoSiteConfigs(deps: {
  readonly devices: DemoDevices;
  readonly mqttUrl: string;
  readonly kioskPorts: ReadonlyMap<string, number>;
  readonly logLevel: string;
}): DemoSiteConfig[] {
  const { devices } = deps;
  const common = (site: string, device: string, kind: DemoSiteConfig['kind']) => ({
    site,
    device,
    kind,
    mqtt: {
      url: deps.mqttUrl,
      passwordFile: PASSWORD_FILE,
      // Everything is on this machine: a lost broker is back in seconds, not minutes.
      reconnect: { minMs: 500, maxMs: 5_000 },
    },
    // Relative to the site.yaml: each agent's database sits beside its configuration.
    dataDir: '.',
    outbox: { resendAfterSeconds: 5 },
    log: { level: deps.logLevel },
  });

  const lockers = DEMO_BANKS.map((bank) => {
    const { host, port } = devices.lockBank(bank.sim);
    return {
      site: bank.site,
      device: bank.device,
      kind: 'locker' as const,
      body: {
        ...common(bank.site, bank.device, 'locker'),
        modules: { locker: lockerModule(bank, host, port, kioskPortOf(deps.kioskPorts, bank)) },
      },
    };
  });

  const { site, device } = DEMO_METERING;
  const meters = {
    site,
    device,
    kind: 'meters' as const,
    body: {
      ...common(site, device, 'meters'),
      modules: {
        metering: {
          buses: devices.meterPorts().map((p) => ({
            id: p.id,
            transport: 'tcp',
            host: p.host,
            port: p.port,
            meters: p.meters.map((m) => ({
              id: m.id,
              model: agentMeterModel(m.model.model),
              unitId: m.unitId,
              intervalMs: DEMO_METERING.intervalMs,
            })),
          })),
        },
      },
    },
  };

  const lighting = {
    site: DEMO_LIGHTING.site,
    device: DEMO_LIGHTING.device,
    kind: 'lighting' as const,
    body: {
      ...common(DEMO_LIGHTING.site, DEMO_LIGHTING.device, 'lighting'),
      modules: {
        // The wiring and what must work before the cloud's configuration first arrives; the
        // town's calendar comes from the cloud (demo-lighting-cloud.ts).
        lighting: { ...demoLightingOffline(), ...demoLightingWiring(devices) },
      },
    },
  };
  return [...lockers, meters, lighting];
}

function lockerModule(bank: DemoBank, host: string, port: number, kioskPort: number) {
  const boards = [...new Set(bank.boxes.map((b) => b.board))];
  return {
    name: bank.name,
    buses: [{ id: 'main', transport: { type: 'tcp', host, port }, boards }],
    boxes: bank.boxes.map((b) => ({ ...b, bus: 'main' })),
    kiosk: { host: '127.0.0.1', port: kioskPort, terminal: 'kiosk' },
  };
}

function kioskPortOf(ports: ReadonlyMap<string, number>, bank: DemoBank): number {
  const port = ports.get(bank.kioskPortVariable);
  if (port === undefined) throw new Error(`no kiosk port for ${bank.bank}`);
  return port;
}
