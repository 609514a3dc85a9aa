import type { Clock } from '@hameau/protocol';
import type { DemoApiClient } from './demo-api-client.js';
import type { DemoParcel, DemoParcelFile } from './demo-parcel-file.js';
import type { DemoDevices } from './demo-scenario.js';
import { DEMO_BANKS, type DemoBank, type DemoBox } from './demo-town-plan.js';
import type { DemoVisitors } from './demo-visitors.js';
import { waitFor } from './wait-for.js';

/** How long a demo parcel may wait for its recipient. */
const PARCEL_DAYS = 7;
/** Every wait of the set-up is for an outcome on this machine; past this, something is broken. */
const SETUP_TIMEOUT_MS = 30_000;

interface ReservationView {
  readonly id: string;
  readonly box: number;
  readonly state: string;
}

/** The token names the demo reserves with (`demo-merchant-<run>`), to tell its parcels apart. */
export const DEMO_MERCHANT_PREFIX = 'demo-merchant-';

/**
 * Looks at what earlier runs left in the demo banks. The parcels of the file still waiting for
 * pickup are kept (their codes still work, and the simulator must hold them again). The rest is
 * tidied away as a technician would, from the banks' own listings so that nothing leaks even
 * when the file was lost: a demo reservation never deposited (a run cut short) is cancelled,
 * and the box of an expired parcel is set free (the simulated parcel left with its run).
 */
export async function reviewDemoParcels(
  admin: DemoApiClient,
  file: DemoParcelFile,
): Promise<DemoParcel[]> {
  const kept: DemoParcel[] = [];
  for (const parcel of file.read()) {
    if (!DEMO_BANKS.some((b) => b.bank === parcel.bank)) continue;
    const found = await admin.call<{ reservation: ReservationView }>(
      'GET',
      `/api/v1/lockers/reservations/${parcel.reservation}`,
      undefined,
      [200, 404],
    );
    const state = found.status === 200 ? found.body.reservation.state : 'gone';
    if (state === 'ready' || state === 'deposited') kept.push(parcel);
  }
  for (const bank of DEMO_BANKS) {
    const list = (state: string) =>
      admin.call<{ reservations: (ReservationView & { merchant: string })[] }>(
        'GET',
        `/api/v1/lockers/reservations?bank=${bank.bank}&state=${state}&limit=500`,
      );
    for (const r of (await list('reserved')).body.reservations) {
      if (!r.merchant.startsWith(DEMO_MERCHANT_PREFIX)) continue;
      await admin.call('POST', `/api/v1/lockers/reservations/${r.id}/cancel`, {});
    }
    const { body } = await admin.call<{ boxes: { number: number; state: string }[] }>(
      'GET',
      `/api/v1/lockers/banks/${bank.bank}/boxes`,
    );
    const occupied = new Set(body.boxes.filter((b) => b.state === 'occupied').map((b) => b.number));
    for (const r of (await list('expired')).body.reservations) {
      if (!occupied.delete(r.box)) continue;
      // 409 when an active reservation holds the box by now: then it is not the demo's to free.
      await admin.call(
        'PUT',
        `/api/v1/lockers/banks/${bank.bank}/boxes/${String(r.box)}`,
        { state: 'available', note: 'demo: an expired demo parcel, cleared at start' },
        [200, 409],
      );
    }
  }
  file.write(kept);
  return kept;
}

/** Puts the parcels still waiting back in the simulated boxes, before the agents read them. */
export function placeWaitingParcels(parcels: readonly DemoParcel[], devices: DemoDevices): void {
  for (const parcel of parcels) {
    const { bank, box } = locate(parcel.bank, parcel.box);
    devices.lockBank(bank.sim).bank.placeItem(box.board, box.lock);
  }
}

/**
 * Tops every bank up to its demo parcels: each one reserved by the merchant (pickup from now,
 * for a week), its drop-off code typed at the bank's kiosk once the agent holds the new
 * credentials, the parcel put in by a simulated merchant and the door shut; then waits until
 * the cloud says `ready`. Returns every parcel waiting, the kept ones first.
 */
export async function topUpDemoParcels(deps: {
  readonly admin: DemoApiClient;
  readonly merchant: DemoApiClient;
  readonly file: DemoParcelFile;
  readonly kept: readonly DemoParcel[];
  readonly visitors: DemoVisitors;
  readonly clock: Clock;
  readonly kioskUrl: (bank: DemoBank) => string;
  readonly credentialVersion: (bank: DemoBank) => number;
}): Promise<DemoParcel[]> {
  const parcels = [...deps.kept];
  const save = () => {
    deps.file.write(parcels);
  };
  await Promise.all(
    DEMO_BANKS.map(async (bank) => {
      const sizes = missingSizes(bank, parcels);
      if (sizes.length === 0) return;
      const fresh: { parcel: DemoParcel; dropoffCode: string }[] = [];
      for (const [i, size] of sizes.entries()) {
        const now = deps.clock.now();
        const { body } = await deps.merchant.call<{
          reservation: ReservationView;
          pickupCode: string;
          dropoffCode: string;
        }>('POST', '/api/v1/lockers/reservations', {
          bank: bank.bank,
          size,
          allowLarger: true,
          reference: `demo-${bank.bank}-${String(now)}-${String(i + 1)}`,
          pickupFrom: new Date(now).toISOString(),
          expiresAt: new Date(now + PARCEL_DAYS * 86_400_000).toISOString(),
          recipient: { name: 'Résident de démonstration', email: 'demo@example.org' },
        });
        const parcel = {
          bank: bank.bank,
          reservation: body.reservation.id,
          box: body.reservation.box,
          pickupCode: body.pickupCode,
        };
        // Recorded before the deposit: a run cut short leaves a reservation the next one cancels.
        parcels.push(parcel);
        save();
        fresh.push({ parcel, dropoffCode: body.dropoffCode });
      }
      await untilAgentHoldsCredentials(deps.admin, bank, deps.credentialVersion);
      for (const { parcel, dropoffCode } of fresh) {
        const { box } = locate(bank.bank, parcel.box);
        deps.visitors.expectDeposit(bank.bank, box.board, box.lock);
        const answer = await typeCode(deps.kioskUrl(bank), dropoffCode);
        if (answer.status !== 'opened') {
          throw new Error(
            `demo setup: the ${bank.name} kiosk refused a drop-off code (${answer.reason ?? answer.status})`,
          );
        }
      }
      for (const { parcel } of fresh) {
        await waitFor(
          `parcel ${parcel.reservation} ready at ${bank.name}`,
          async () => (await reservationState(deps.admin, parcel.reservation)) === 'ready',
          SETUP_TIMEOUT_MS,
        );
      }
    }),
  );
  return parcels;
}

/** The bank's parcel sizes not yet covered by a waiting parcel (matched by its box's size). */
function missingSizes(bank: DemoBank, parcels: readonly DemoParcel[]): DemoBox['size'][] {
  const wanted = [...bank.parcels];
  for (const parcel of parcels.filter((p) => p.bank === bank.bank)) {
    const index = wanted.indexOf(locate(bank.bank, parcel.box).box.size);
    wanted.splice(index === -1 ? 0 : index, 1);
  }
  return wanted;
}

async function untilAgentHoldsCredentials(
  admin: DemoApiClient,
  bank: DemoBank,
  credentialVersion: (bank: DemoBank) => number,
): Promise<void> {
  const { body } = await admin.call<{ credentials: { version: number } }>(
    'GET',
    `/api/v1/lockers/banks/${bank.bank}/boxes`,
  );
  await waitFor(
    `the ${bank.name} agent to hold credential set ${String(body.credentials.version)}`,
    () => credentialVersion(bank) >= body.credentials.version,
    SETUP_TIMEOUT_MS,
  );
}

/** Types a code at a kiosk page's API, as the page's Valider key does. */
async function typeCode(
  kioskUrl: string,
  code: string,
): Promise<{ status: string; reason?: string }> {
  const res = await fetch(`${kioskUrl}/api/code`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  return (await res.json()) as { status: string; reason?: string };
}

async function reservationState(admin: DemoApiClient, id: string): Promise<string> {
  const { body } = await admin.call<{ reservation: ReservationView }>(
    'GET',
    `/api/v1/lockers/reservations/${id}`,
  );
  return body.reservation.state;
}

function locate(bankId: string, number: number): { bank: DemoBank; box: DemoBox } {
  const bank = DEMO_BANKS.find((b) => b.bank === bankId);
  const box = bank?.boxes.find((b) => b.number === number);
  if (bank === undefined || box === undefined) throw new Error(`no demo box ${bankId}#${number}`);
  return { bank, box };
}
