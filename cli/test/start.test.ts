import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DemoTownProcess, demoTestEnv, type DemoPrintout } from './demo-town-process.js';
import { runCli, tempDirs } from './helpers/run-cli.js';

const tmp = tempDirs('hameau-start-');
/** Generous: every wait is for an outcome, on real time, on a loaded machine. */
const WAIT = { timeout: 20_000, interval: 100 };
const BOOT_MS = 90_000;

const DEMO_USERNAMES = [
  'cloud',
  'mairie/lockers',
  'gare/lockers',
  'mairie/meters',
  'ville/lighting',
];

const connectAs = (url: string, username: string, password: string, clientId = username) =>
  connectAsync(url, { username, password, clientId, reconnectPeriod: 0 });

/** The demo's lighting zones, as the town names them. */
const ZONE_NAMES = {
  'rue-connetable': 'Rue du Connétable',
  'place-omer-vallon': 'Place Omer Vallon',
  'parvis-gare': 'Parvis de la gare',
};
const LIGHTING_CONFIG = '/api/v1/devices/ville/lighting/lighting';

/** `GET …/lighting`, as far as these tests read it. */
interface LightingConfigView {
  version: number;
  desired: { lighting: Record<string, unknown> | null; issuedBy: string } | null;
  reported: { configVersion: number | null; rejected: unknown } | null;
  inSync: boolean;
}

interface ReservationView {
  id: string;
  bank: string;
  box: number;
  state: string;
  pickedUpAt: string | null;
}

/**
 * The demo town as a person runs it: `hameau start` in its own process, every port on 0. One
 * boot serves the cases in order (each reads what it needs from the printout and the running
 * town); then Ctrl-C, and a second start on the same data.
 */
describe('hameau start: the demo town', () => {
  const dataDir = tmp();
  // A DATABASE_URL in the shell must not send the demo to a real (here unreachable) database.
  const demo = new DemoTownProcess({
    ...demoTestEnv(dataDir),
    DATABASE_URL: 'postgres://x:y@127.0.0.1:1/none',
  });
  const startedAt = Date.now();
  let town: DemoPrintout;
  let admin: Record<string, string> = {};
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${town.apiUrl}${path}`, { headers: admin });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };
  let pickedUp: { bank: string; box: number; code: string } | null = null;
  /** The lighting configuration version the first start gave the cloud. */
  let lightingVersion = 0;

  beforeAll(async () => {
    town = await demo.ready(BOOT_MS);
    admin = { authorization: `Bearer ${readFileSync(town.tokenFile, 'utf8').trim()}` };
  }, BOOT_MS + 5_000);
  afterAll(() => {
    demo.kill();
  });

  it('prints the URLs of the dashboard, console, API docs, kiosks and broker, and the demo codes', () => {
    expect(demo.err).toEqual(['note: the demo town ignores DATABASE_URL (its registry is SQLite)']);
    expect(town.dashboardUrl).toBe(`${town.apiUrl}/`);
    expect(town.consoleUrl).toBe(`${town.apiUrl}/console/`);
    expect(town.docsUrl).toBe(`${town.apiUrl}/docs`);
    expect(town.mqttUrl).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    expect(town.tokenFile).toBe(`${dataDir}/admin-token`);
    expect([...town.kiosks.keys()]).toEqual(['Consigne de la mairie', 'Consigne de la gare']);
    expect(town.lines.join('\n')).toContain('(HAMEAU_KIOSK_PORT_MAIRIE)');
    expect(town.lines.join('\n')).toContain('(HAMEAU_KIOSK_PORT_GARE)');
    // Two parcels at the town hall, one at the station, each with its bank's kiosk.
    expect(town.parcels.map((p) => p.bankName)).toEqual([
      'Consigne de la mairie',
      'Consigne de la mairie',
      'Consigne de la gare',
    ]);
    for (const p of town.parcels) {
      expect(p.code).toMatch(/^\d{8}$/);
      expect(p.kioskUrl).toBe(town.kiosks.get(p.bankName));
    }
    expect([...town.credentials.keys()]).toEqual(DEMO_USERNAMES);
    expect(town.technician.name).toBe('technicien');
    expect(town.technician.password.length).toBeGreaterThanOrEqual(16);
  });

  it('serves the public dashboard, the console, the API docs and the kiosk pages', async () => {
    const page = await fetch(town.dashboardUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect((await fetch(town.consoleUrl)).status).toBe(200);
    expect((await fetch(`${town.docsUrl}/json`)).status).toBe(200);
    expect(await (await fetch(`${town.apiUrl}/healthz`)).json()).toEqual({
      status: 'ok',
      database: 'ok',
    });
    for (const url of town.kiosks.values()) {
      const status = (await (await fetch(`${url}api/status`)).json()) as { inService: boolean };
      expect(status.inService).toBe(true);
    }
  });

  it('opens the box of a printed code at the printed kiosk, and the parcel is collected', async () => {
    const parcel = town.parcels.find((p) => p.bankName === 'Consigne de la gare');
    if (parcel === undefined) throw new Error('no parcel printed for the station');
    const bank = 'gare-consigne';
    const before = await api<{ reservations: ReservationView[] }>(
      `/api/v1/lockers/reservations?bank=${bank}&state=ready`,
    );
    const reservation = before.reservations.find((r) => r.box === parcel.box);
    expect(reservation?.state).toBe('ready');

    // What the kiosk page's Valider key sends.
    const res = await fetch(`${parcel.kioskUrl}api/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: parcel.kioskUrl.slice(0, -1) },
      body: JSON.stringify({ code: parcel.code }),
    });
    expect(await res.json()).toEqual({ status: 'opened', box: parcel.box, kind: 'pickup' });

    // The simulated board opened that door: the agent saw it open, emptied and shut, and the
    // cloud recorded the pickup.
    await vi.waitFor(async () => {
      const { reservation: after } = await api<{ reservation: ReservationView }>(
        `/api/v1/lockers/reservations/${reservation?.id ?? ''}`,
      );
      expect(after.state).toBe('picked-up');
    }, WAIT);
    const { history } = await api<{ history: { event: string; details: object }[] }>(
      `/api/v1/lockers/reservations/${reservation?.id ?? ''}`,
    );
    expect(history.map((h) => h.event)).toContain('code-accepted');
    const boxes = await api<{ boxes: { number: number; state: string }[] }>(
      `/api/v1/lockers/banks/${bank}/boxes`,
    );
    expect(boxes.boxes.find((b) => b.number === parcel.box)?.state).toBe('available');
    pickedUp = { bank, box: parcel.box, code: parcel.code };
  });

  it('reads the meters live, with a week of history behind them', async () => {
    // A reading taken by the metering agent after the demo started, not only the backfill.
    await vi.waitFor(async () => {
      const { meters } = await api<{ meters: { meter: string; lastSeenAt: string | null }[] }>(
        '/api/v1/energy/meters?site=mairie',
      );
      expect(meters.map((m) => m.meter).sort()).toEqual([
        'library',
        'lighting-cabinet',
        'school',
        'town-hall',
        'town-hall-pv',
      ]);
      for (const m of meters) expect(Date.parse(m.lastSeenAt ?? '')).toBeGreaterThan(startedAt);
    }, WAIT);
    const now = await api<{ consumptionW: number; meters: { fresh: number } }>(
      '/api/v1/energy/now',
    );
    expect(now.consumptionW).toBeGreaterThan(0);
    expect(now.meters.fresh).toBe(5);
    const { meters } = await api<{ meters: { meter: string; role: string }[] }>(
      '/api/v1/energy/meters?site=mairie',
    );
    expect(meters.find((m) => m.meter === 'town-hall-pv')?.role).toBe('production');

    const week = await api<{ data: (number | null)[][] }>('/api/v1/energy/history?range=week');
    const consumption = (week.data[1] ?? []).filter((kwh) => kwh !== null && kwh > 0);
    expect(consumption.length).toBeGreaterThanOrEqual(6);
  });

  it('lights every zone by tonight’s program and reports each zone’s level', async () => {
    await vi.waitFor(async () => {
      const { zones } = await api<{
        zones: { zone: string; name: string; level: number; reasons: string[] }[];
      }>('/api/v1/devices/ville/lighting/lighting/levels');
      expect(zones.map((z) => z.zone).sort()).toEqual([
        'parvis-gare',
        'place-omer-vallon',
        'rue-connetable',
      ]);
      for (const z of zones) expect(z.reasons[0]).toMatch(/^astro: (night|day)/);
      // Named as the town's configuration names them, for the console.
      expect(Object.fromEntries(zones.map((z) => [z.zone, z.name]))).toEqual(ZONE_NAMES);
    }, WAIT);
    // Each zone's lamp nodes answer (their power is measured) through the wiring of the
    // agent's site.yaml, the only place the demo writes it.
    await vi.waitFor(async () => {
      const history = await api<{ series: string[]; zones: { zone: string; data: unknown[][] }[] }>(
        '/api/v1/devices/ville/lighting/lighting/history',
      );
      const measured = 1 + history.series.indexOf('measured_power_w');
      expect(history.zones.map((z) => z.zone).sort()).toEqual(Object.keys(ZONE_NAMES).sort());
      for (const z of history.zones) {
        expect(z.data[measured]?.some((w) => typeof w === 'number')).toBe(true);
      }
    }, WAIT);
  });

  it('gives the cloud the demo’s lighting zones, programs and market, and the agent runs them', async () => {
    // Through the API, as a technician would, then confirmed by the agent before the printout.
    expect(town.lighting).toBe('version 1 set by the demo, applied by ville/lighting');
    const config = await api<LightingConfigView>(LIGHTING_CONFIG);
    expect(config.version).toBe(1);
    expect(config.desired?.issuedBy).toMatch(/^demo-setup-\d+$/);
    expect(config.reported).toMatchObject({ configVersion: 1, rejected: null });
    expect(config.inSync).toBe(true);
    const desired = config.desired?.lighting ?? {};
    const zones = desired.zones as { id: string; name: string; class: string }[];
    expect(Object.fromEntries(zones.map((z) => [z.id, z.name]))).toEqual(ZONE_NAMES);
    expect(zones.map((z) => z.class)).toEqual(['M4', 'P3', 'P2']);
    const events = desired.events as { name: string; zones: string[] }[];
    expect(events).toHaveLength(7);
    for (const e of events)
      expect(e).toMatchObject({ name: 'Marché de Noël', zones: ['place-omer-vallon'] });
    lightingVersion = config.version;

    // The agent's own file keeps the wiring and what lights the streets before the cloud
    // answers; the town's calendar is the cloud's. The wiring is in site.yaml only: the agent
    // takes its local-only keys from there whatever the cloud says.
    const siteYaml = parseYaml(
      readFileSync(join(town.agentsDir, 'ville-lighting', 'site.yaml'), 'utf8'),
    ) as { modules: { lighting: Record<string, unknown> } };
    const local = siteYaml.modules.lighting;
    expect(Object.keys(local).sort()).toEqual(['buses', 'clock', 'site', 'zoneNodes', 'zones']);
    for (const key of ['buses', 'zoneNodes', 'clock']) expect(desired).not.toHaveProperty(key);
  });

  it('shows the zones by their names on the public dashboard’s feed', async () => {
    await vi.waitFor(async () => {
      const res = await fetch(`${town.apiUrl}/api/v1/public/snapshot`);
      const snapshot = (await res.json()) as {
        sections: { lighting: { zones: { zone: string; name: string | null }[] } };
      };
      const zones = snapshot.sections.lighting.zones;
      expect(Object.fromEntries(zones.map((z) => [z.zone, z.name]))).toEqual(ZONE_NAMES);
    }, WAIT);
  });

  it('stops everything on Ctrl-C and exits 0 by itself', async () => {
    demo.signal('SIGINT');
    const exit = await Promise.race([
      demo.exited,
      new Promise((resolve) => {
        setTimeout(() => {
          resolve('still running');
        }, 20_000);
      }),
    ]);
    expect(exit).toBe(0);
    expect(demo.out.at(-1)).toBe('SIGINT: stopping the demo town');
    await expect(fetch(`${town.apiUrl}/healthz`)).rejects.toThrow();
    for (const url of town.kiosks.values()) await expect(fetch(url)).rejects.toThrow();
    const lockers = town.credentials.get('mairie/lockers') ?? '';
    await expect(connectAs(town.mqttUrl, 'mairie/lockers', lockers)).rejects.toThrow();
  });

  it(
    'starts again on the same data: new passwords, waiting parcels keep their codes, no second history',
    async () => {
      const again = new DemoTownProcess(demoTestEnv(dataDir));
      try {
        const second = await again.ready(BOOT_MS);
        expect([...second.credentials.keys()]).toEqual(DEMO_USERNAMES);
        const old = town.credentials.get('mairie/lockers') ?? '';
        const fresh = second.credentials.get('mairie/lockers') ?? '';
        expect(fresh).not.toBe(old);
        await expect(connectAs(second.mqttUrl, 'mairie/lockers', old)).rejects.toMatchObject({
          code: 4,
        });
        await (await connectAs(second.mqttUrl, 'mairie/lockers', fresh)).endAsync();
        expect(second.technician.password).not.toBe(town.technician.password);

        // The parcels nobody collected wait with the same codes; the collected one is replaced.
        const codes = (p: DemoPrintout) => p.parcels.map((x) => x.code);
        const collected = pickedUp?.code ?? '';
        const waiting = codes(town).filter((c) => c !== collected);
        expect(codes(second)).toEqual(expect.arrayContaining(waiting));
        expect(codes(second)).not.toContain(collected);
        expect(second.parcels).toHaveLength(3);
        expect(second.lines.join('\n')).toMatch(/Meter history\s+kept/);
        // Nothing changed in the demo's lighting: no new version, and the agent still runs it.
        expect(second.lighting).toBe(
          `version ${String(lightingVersion)} kept (the demo's, unchanged), applied by ville/lighting`,
        );

        const headers = {
          authorization: `Bearer ${readFileSync(second.tokenFile, 'utf8').trim()}`,
        };
        const get = async <T>(path: string) =>
          (await (await fetch(`${second.apiUrl}${path}`, { headers })).json()) as T;
        expect((await get<{ devices: unknown[] }>('/api/v1/devices')).devices).toHaveLength(4);
        const audit = await get<{ entries: { actor: string; action: string }[] }>(
          '/api/v1/audit?limit=500',
        );
        const count = (action: string) => audit.entries.filter((e) => e.action === action).length;
        expect(count('device.create')).toBe(4);
        expect(count('account.create')).toBe(1);
        expect(count('account.rotate')).toBe(5);
        expect(count('lighting.replace')).toBe(1);
        const lighting = await get<LightingConfigView>(LIGHTING_CONFIG);
        expect(lighting).toMatchObject({ version: lightingVersion, inSync: true });
        expect(audit.entries.find((e) => e.action === 'account.rotate')?.actor).toBe(
          `cli:${userInfo().username}`,
        );
        // A waiting parcel's code still opens its box.
        const parcel = second.parcels.find((p) => waiting.includes(p.code));
        const res = await fetch(`${parcel?.kioskUrl ?? ''}api/code`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code: parcel?.code }),
        });
        expect(await res.json()).toMatchObject({ status: 'opened', box: parcel?.box });

        again.signal('SIGTERM');
        expect(await again.exited).toBe(0);
      } finally {
        again.kill();
      }
    },
    BOOT_MS + 30_000,
  );
});

/** A port taken by another program, for the duration of `run`. */
async function withTakenPort(run: (port: number) => Promise<void>): Promise<void> {
  const taken: Server = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  try {
    await run((taken.address() as AddressInfo).port);
  } finally {
    await new Promise((resolve) => taken.close(resolve));
  }
}

describe('hameau start with a port in use', () => {
  const message = (port: number, variable: string) =>
    `port ${String(port)} on 127.0.0.1 is in use (${variable}): stop what uses it, or set ` +
    `${variable} to another port (0 picks a free one)`;

  for (const variable of [
    'HAMEAU_API_PORT',
    'HAMEAU_MQTT_PORT',
    'HAMEAU_MQTT_WS_PORT',
    'HAMEAU_BROKER_HTTP_PORT',
    'HAMEAU_KIOSK_PORT_MAIRIE',
    'HAMEAU_KIOSK_PORT_GARE',
  ]) {
    it(`names ${variable} and starts nothing`, async () => {
      await withTakenPort(async (port) => {
        const dataDir = tmp();
        const r = runCli(['start'], { ...demoTestEnv(dataDir), [variable]: String(port) });
        expect(await r.done).toBe(2);
        expect(r.err).toEqual([message(port, variable)]);
        expect(r.out).not.toContain('Press Ctrl-C to stop.');
        // Refused before anything started: not even the registry was created.
        expect(existsSync(join(dataDir, 'hameau.sqlite'))).toBe(false);
      });
    });
  }

  it('names every taken port at once', async () => {
    await withTakenPort(async (api) => {
      await withTakenPort(async (kiosk) => {
        const r = runCli(['start'], {
          ...demoTestEnv(tmp()),
          HAMEAU_API_PORT: String(api),
          HAMEAU_KIOSK_PORT_GARE: String(kiosk),
        });
        expect(await r.done).toBe(2);
        expect(r.err.join('\n').split('\n')).toEqual([
          message(api, 'HAMEAU_API_PORT'),
          message(kiosk, 'HAMEAU_KIOSK_PORT_GARE'),
        ]);
      });
    });
  });

  it('refuses a kiosk port that is not a port, naming its variable', async () => {
    const r = runCli(['start'], { ...demoTestEnv(tmp()), HAMEAU_KIOSK_PORT_MAIRIE: 'eighty' });
    expect(await r.done).toBe(2);
    expect(r.err.join('\n')).toContain('HAMEAU_KIOSK_PORT_MAIRIE: expected a port 0-65535');
  });
});
