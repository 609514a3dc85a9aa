import type { DemoApiClient } from './demo-api-client.js';
import type { DemoDevices } from './demo-scenario.js';
import { DEMO_BANKS, DEMO_METERING } from './demo-town-plan.js';

/**
 * Creates the demo's locker banks in the cloud (once: a bank that exists is left as it is, with
 * its boxes' states and reservations), as a technician would.
 */
export async function ensureDemoBanks(api: DemoApiClient): Promise<void> {
  for (const bank of DEMO_BANKS) {
    const found = await api.call(
      'GET',
      `/api/v1/lockers/banks/${bank.bank}`,
      undefined,
      [200, 404],
    );
    if (found.status === 200) continue;
    await api.call('POST', '/api/v1/lockers/banks', {
      id: bank.bank,
      site: bank.site,
      device: bank.device,
      name: bank.name,
      boxes: bank.boxes.map(({ number, size }) => ({ number, size })),
    });
  }
}

interface MeterView {
  readonly meter: string;
  readonly role: string;
  readonly label: string | null;
}

/**
 * Gives each demo meter its role and label for the energy figures: a solar load is the town's
 * production, every other meter a consumer. Only what differs is written (each write is audited).
 */
export async function assignDemoMeterRoles(
  api: DemoApiClient,
  devices: DemoDevices,
): Promise<void> {
  const { site, device, labels } = DEMO_METERING;
  const { body } = await api.call<{ meters: MeterView[] }>(
    'GET',
    `/api/v1/energy/meters?site=${site}`,
  );
  const current = new Map(body.meters.map((m) => [m.meter, m]));
  for (const port of devices.meterPorts()) {
    for (const meter of port.meters) {
      const role = meter.load.kind === 'solar' ? 'production' : 'consumption';
      const label = labels[meter.id] ?? null;
      const now = current.get(meter.id);
      if (now?.role === role && now.label === label) continue;
      await api.call('PUT', `/api/v1/energy/meters/${site}/${device}/${meter.id}`, {
        role,
        ...(label !== null && { label }),
      });
    }
  }
}
