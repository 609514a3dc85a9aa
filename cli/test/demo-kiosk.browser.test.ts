import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  openTab,
  snap as snapFullPage,
  type PageTab,
} from '../../cloud-api/test/web/helpers/dashboard-browser.js';
import {
  launchChromium,
  type KioskBrowser,
  type KioskTab,
} from '../../edge-agent/test/modules/locker/kiosk/helpers/kiosk-browser.js';
import {
  snap,
  tap,
  view,
} from '../../edge-agent/test/modules/locker/kiosk/helpers/kiosk-page-driver.js';
import { DemoTownProcess, demoTestEnv, type DemoPrintout } from './demo-town-process.js';
import { tempDirs } from './helpers/run-cli.js';

/**
 * The demo town as a person meets it, in Debian's Chromium: `hameau start` in its own process
 * (every port on 0), then the printout read as a person reads it. A printed pickup code typed
 * on its bank's kiosk keypad opens its box, and the simulated resident's pickup reaches the
 * cloud; the public dashboard shows the demo meters' power live and the lighting zones by their
 * names (from the configuration the demo gave the cloud); the technician signs in to the
 * console with the printed password and sees every demo device online. No page may log an
 * error, throw or break its CSP. Screenshots: artifacts/screenshots/demo-*.png.
 */

const tmp = tempDirs('hameau-demo-browser-');
const BOOT_MS = 90_000;
/** Generous: every wait is for an outcome, on real time, on a loaded machine. */
const WAIT = { timeout: 15_000, interval: 100 };
/** Each test waits for several such outcomes in turn. */
const TEST_MS = 60_000;
/** The kiosk's smaller screen, and a tablet for the console. */
const KIOSK_SCREEN = { width: 800, height: 480 };
const TABLET = { width: 1024, height: 768 };
/** The demo's devices: two locker banks, the metering gateway, the lighting cabinet. */
const DEMO_DEVICES = ['gare/lockers', 'mairie/lockers', 'mairie/meters', 'ville/lighting'];

interface ReservationView {
  readonly id: string;
  readonly box: number;
  readonly state: string;
}

/** Spaces as Intl writes them (no-break, narrow no-break) made plain. */
const plain = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ').trim();

describe('the demo town in Chromium: kiosk, public dashboard, console', () => {
  const demo = new DemoTownProcess(demoTestEnv(tmp()));
  let town: DemoPrintout;
  let admin: Record<string, string> = {};
  let browser: KioskBrowser | undefined;
  /** Settles once Chromium started or failed to, so afterAll never leaves it running. */
  let launched: Promise<unknown> = Promise.resolve();
  /** The open tab of the running test, closed (and checked for problems) after it. */
  let tab: { readonly problems: string[]; close(): Promise<readonly string[]> } | null = null;

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${town.apiUrl}${path}`, { headers: admin });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    // Chromium starts while the town boots: two slow starts, one wait.
    const launching = launchChromium();
    launched = launching.then(
      (started) => {
        browser = started;
      },
      () => undefined,
    );
    town = await demo.ready(BOOT_MS);
    await launching;
    admin = { authorization: `Bearer ${readFileSync(town.tokenFile, 'utf8').trim()}` };
  }, BOOT_MS + 10_000);

  afterAll(async () => {
    await launched;
    await browser?.close();
    demo.kill();
  });

  afterEach(async () => {
    // No page may raise an exception, log an error or break its CSP, whatever the test did.
    const problems = (await tab?.close()) ?? [];
    tab = null;
    expect(problems).toEqual([]);
  });

  function chromium(): KioskBrowser {
    if (browser === undefined) throw new Error('Chromium did not start (see beforeAll)');
    return browser;
  }

  /** A page that settles (the kiosk, the console): the kiosk harness's tab. */
  async function openSettled(url: string, screen: typeof TABLET): Promise<Page> {
    const opened: KioskTab = await chromium().open(url, screen);
    tab = opened;
    return opened.page;
  }

  /** A live page (its event stream never ends): the dashboard harness's tab. */
  async function openLive(url: string, screen: typeof TABLET): Promise<Page> {
    const opened: PageTab = await openTab(chromium().browser, url, screen);
    tab = opened;
    return opened.page;
  }

  it(
    'opens the box of a printed code typed on its kiosk’s keypad, and the parcel is collected',
    { timeout: TEST_MS },
    async () => {
      const parcel = town.parcels.find((p) => p.bankName === 'Consigne de la gare');
      if (parcel === undefined)
        throw new Error(`no parcel printed for the station:\n${town.lines.join('\n')}`);
      // The printed bank name leads to the cloud's bank, as on the public bank list.
      const { banks } = await api<{ banks: { id: string; name: string }[] }>(
        '/api/v1/lockers/banks',
      );
      const bank = banks.find((b) => b.name === parcel.bankName)?.id ?? '';
      const { reservations } = await api<{ reservations: ReservationView[] }>(
        `/api/v1/lockers/reservations?bank=${bank}&state=ready`,
      );
      const reservation = reservations.find((r) => r.box === parcel.box);
      if (reservation === undefined)
        throw new Error(`no ready reservation in box ${String(parcel.box)}`);

      const page = await openSettled(parcel.kioskUrl, KIOSK_SCREEN);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(parcel.bankName);
      // The kiosk submits by itself at the eighth digit.
      await tap(page, parcel.code);
      await expect
        .poll(async () => (await view(page)).title, WAIT)
        .toBe(`Casier ${String(parcel.box)} ouvert`);
      expect(await view(page)).toMatchObject({
        tone: 'result--ok',
        detail: 'Prenez votre colis et refermez bien la porte.',
      });
      await snap(page, 'demo-kiosk-opened');

      // The simulated resident takes the parcel and shuts the door; the agent reports the
      // pickup, and the cloud closes the reservation and frees the box.
      await expect
        .poll(
          async () =>
            (
              await api<{ reservation: ReservationView }>(
                `/api/v1/lockers/reservations/${reservation.id}`,
              )
            ).reservation.state,
          WAIT,
        )
        .toBe('picked-up');
      const { boxes } = await api<{ boxes: { number: number; state: string }[] }>(
        `/api/v1/lockers/banks/${bank}/boxes`,
      );
      expect(boxes.find((b) => b.number === parcel.box)?.state).toBe('available');
    },
  );

  it(
    'shows the demo meters’ power live on the public dashboard, with the week behind it',
    { timeout: TEST_MS },
    async () => {
      const page = await openLive(town.dashboardUrl, { width: 1280, height: 900 });
      await expect
        .poll(() => page.locator('#connection').getAttribute('data-state'), WAIT)
        .toBe('live');
      // The headline in French figures ("16,3 kW"), from the demo meters' live readings.
      const headline = async () => plain(await page.locator('#energy-now').innerText());
      await expect.poll(headline, WAIT).toMatch(/^[\d ]+(,\d+)? kW$/);
      const kw = Number((await headline()).replace(/ kW$/, '').replace(/ /g, '').replace(',', '.'));
      expect(kw).toBeGreaterThan(0);
      // The four consuming meters and the solar roof, all read.
      await expect
        .poll(async () => plain(await page.locator('#energy-meters').innerText()), WAIT)
        .toMatch(/^5 compteurs relevés/);
      // The backfilled week makes a chart from the first second.
      await expect.poll(() => page.locator('#history-chart canvas').count(), WAIT).toBe(1);
      expect(plain(await page.locator('#history-summary').innerText())).toMatch(
        /^Sur 24 heures : [\d ]+(,\d+)? kWh consommés/,
      );
      // The lighting cabinet's three zones, lit or not depending on the hour the test runs.
      await expect
        .poll(async () => plain(await page.locator('#lighting-summary').innerText()), WAIT)
        .toMatch(/^(\d zones? allumées? sur 3 · |Toutes les zones sont éteintes \(3 zones\))/);
      expect(await page.locator('#lighting-zones li').count()).toBe(3);
      // By the names the demo gave the cloud's configuration, not by their ids.
      await expect
        .poll(
          async () => (await page.locator('#lighting-zones .zone-name').allInnerTexts()).sort(),
          WAIT,
        )
        .toEqual(['Parvis de la gare', 'Place Omer Vallon', 'Rue du Connétable']);
      await snapFullPage(page, 'demo-dashboard');
    },
  );

  it(
    'signs the printed technician in to the console, which lists every demo device online',
    { timeout: TEST_MS },
    async () => {
      const page = await openSettled(town.consoleUrl, TABLET);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Connexion');
      await snap(page, 'demo-console-login');

      await page.getByLabel('Identifiant').fill(town.technician.name);
      await page.getByLabel('Mot de passe').fill(town.technician.password);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await expect
        .poll(() => page.locator('#who').innerText(), WAIT)
        .toBe(`${town.technician.name} (technicien)`);
      for (const device of DEMO_DEVICES) {
        const [site = '', id = ''] = device.split('/');
        await expect
          .poll(() => page.locator(`tr[data-device="${device}"]`).innerText(), WAIT)
          .toMatch(new RegExp(`^${site} / ${id}\\b[^]*En ligne`));
      }
      expect(await page.locator('#devices-body tr').count()).toBe(DEMO_DEVICES.length);
      await snap(page, 'demo-console-devices');
    },
  );
});
