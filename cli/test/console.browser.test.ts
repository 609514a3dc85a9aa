import { connectAsync, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UserService } from '@hameau/cloud-api';
import { TOPICS, systemClock } from '@hameau/protocol';
import {
  KioskTab,
  launchChromium,
  type KioskBrowser,
} from '../../edge-agent/test/modules/locker/kiosk/helpers/kiosk-browser.js';
import { snap } from '../../edge-agent/test/modules/locker/kiosk/helpers/kiosk-page-driver.js';
import { BANK, DEVICE, SITE, WAIT, LockerTown, lockOf } from './lockers-e2e-town.js';

/**
 * The technician console in Debian's Chromium against real programs: the API (which serves the
 * page), our broker, the locker bank's agent and its simulated Kerong boards (the town of the
 * lockers end-to-end test, with a one-minute door alarm). A technician signs in, sees the
 * simulator's door left open as an alarm, acknowledges it, opens a box remotely with a reason and
 * sees the command succeed. No page may log an error, throw or break its CSP. Screenshots of each
 * view go to artifacts/screenshots/console-*.png.
 */

/** A tablet in landscape, the console's main target. */
const TABLET = { width: 1024, height: 768 };
const TECHNICIAN = 'alice';
const LIGHTS = { site: 'ville', device: 'lampes' };
const METERS = { site: 'mairie', device: 'compteurs' };
/** The door the test forces open and leaves open, and the box it opens remotely. */
const LEFT_OPEN = 1;
const UNLOCKED = 3;
/** The agent raises `door-left-open` after a minute; ingestion and a poll follow. */
const ALARM_WAIT = { timeout: 100_000, interval: 250 };

describe('technician console in Chromium: sign-in, alarm, acknowledgement, remote unlock', () => {
  const town = new LockerTown({ doorOpenAlarmMinutes: 1 });
  let browser: KioskBrowser | undefined;
  let tab: KioskTab | undefined;
  let password = '';
  let lights: MqttClient | undefined;
  let meters: MqttClient | undefined;

  beforeAll(async () => {
    await town.start();
    const users = new UserService({
      db: api().database.db,
      clock: systemClock,
      log: pino({ level: 'silent' }),
    });
    ({ password } = await users.create({ name: TECHNICIAN, role: 'technician' }, 'test'));
    lights = await startLightingController();
    meters = await startMeterGateway();
    // The door that will be left open: forced now, so its minute runs while the test signs in.
    const { board, lock } = lockOf(LEFT_OPEN);
    town.bank.forceOpen(board, lock);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await tab?.close();
    await browser?.close();
    await lights?.endAsync(true);
    await meters?.endAsync(true);
    await town.close();
  }, 30_000);

  function api() {
    if (town.api === null) throw new Error('the API is not running');
    return town.api;
  }

  function page(): Page {
    if (tab === undefined) throw new Error('no tab: the sign-in test opens it');
    return tab.page;
  }

  /** Registers a device and connects as it, with the password the API generated. */
  async function connectAs(
    key: { site: string; device: string },
    kind: 'lighting' | 'meters',
  ): Promise<MqttClient> {
    const res = await town.http('POST', '/api/v1/devices', town.adminToken, { ...key, kind });
    expect(res.status).toBe(201);
    const { mqtt } = (await res.json()) as { mqtt: { username: string; password: string } };
    return connectAsync(`mqtt://127.0.0.1:${town.brokerPort}`, {
      ...mqtt,
      clientId: mqtt.username,
      reconnectPeriod: 0,
    });
  }

  /**
   * A metering gateway, as its agent would speak: a birth naming its version, then one health
   * report per meter (the values of edge-agent's `MeterHealth.report`): one meter answering,
   * one whose breaker opened after twelve timeouts.
   */
  async function startMeterGateway(): Promise<MqttClient> {
    const client = await connectAs(METERS, 'meters');
    const at = new Date().toISOString();
    await client.publishAsync(
      TOPICS.status.build(METERS),
      JSON.stringify({ state: 'online', session: 1, at, kind: 'meters', version: '0.1.0' }),
      { qos: 1, retain: true },
    );
    const report = (seq: number, source: string, values: Record<string, number | null>) =>
      client.publishAsync(
        TOPICS.telemetry.build({ ...METERS, stream: 'meter-health' }),
        JSON.stringify({ seq, at, historical: false, source, values }),
        { qos: 1 },
      );
    const errors = { errors_exception: 0, errors_crc: 0, errors_wrong_unit: 0, errors_garbage: 0 };
    await report(1, 'general', {
      ...errors,
      last_good_age_s: 4,
      consecutive_errors: 0,
      breaker_state: 0,
      bus_connected: 1,
      polls_ok: 95,
      polls_failed: 5,
      polls_skipped: 0,
      errors_timeout: 5,
      errors_disconnected: 0,
    });
    await report(2, 'pv-roof', {
      ...errors,
      last_good_age_s: null,
      consecutive_errors: 12,
      breaker_state: 2,
      bus_connected: 1,
      polls_ok: 0,
      polls_failed: 12,
      polls_skipped: 30,
      errors_timeout: 12,
      errors_disconnected: 0,
    });
    await vi.waitFor(async () => {
      const res = await town.http(
        'GET',
        `/api/v1/devices/${METERS.site}/${METERS.device}/health`,
        town.adminToken,
      );
      expect(((await res.json()) as { meters: unknown[] }).meters).toHaveLength(2);
    }, WAIT);
    return client;
  }

  /** A lighting controller, as its agent would speak: a birth, then a level with its reasons. */
  async function startLightingController(): Promise<MqttClient> {
    const client = await connectAs(LIGHTS, 'lighting');
    const at = new Date().toISOString();
    await client.publishAsync(
      TOPICS.status.build(LIGHTS),
      JSON.stringify({ state: 'online', session: 1, at, kind: 'lighting' }),
      { qos: 1, retain: true },
    );
    await client.publishAsync(
      TOPICS.event.build({ ...LIGHTS, type: 'level-changed' }),
      JSON.stringify({
        seq: 1,
        at,
        historical: false,
        severity: 'info',
        subject: 'place-de-la-mairie',
        data: {
          level: 40,
          mode: 'program',
          reasons: ['program eco-nuit: 40 % from 23:00', 'calendar: weekday'],
        },
      }),
      { qos: 1 },
    );
    await vi.waitFor(async () => {
      const levels = await town.http(
        'GET',
        `/api/v1/devices/${LIGHTS.site}/${LIGHTS.device}/lighting/levels`,
        town.adminToken,
      );
      expect(((await levels.json()) as { zones: unknown[] }).zones).toHaveLength(1);
    }, WAIT);
    // The town names its zone in the controller's desired configuration; the console shows it.
    const named = await town.http(
      'PUT',
      `/api/v1/devices/${LIGHTS.site}/${LIGHTS.device}/lighting`,
      town.adminToken,
      {
        zones: [{ id: 'place-de-la-mairie', name: 'Place de la Mairie', class: 'P3' }],
        programs: [{ id: 'eco-nuit', steps: [{ level: 100, until: '23:00' }, { level: 40 }] }],
        defaultProgram: 'eco-nuit',
      },
    );
    expect(named.status).toBe(200);
    // The controller runs that version, but it also set a local-only key (the fail-safe level),
    // which the agent ignores and names in its state, as edge-agent's ConfigApplier does.
    const { version } = (await named.json()) as { version: number };
    await client.publishAsync(
      TOPICS.reportedState.build(LIGHTS),
      JSON.stringify({
        at: new Date().toISOString(),
        configVersion: version,
        modules: { lighting: { ignoredKeys: ['failsafe'] } },
      }),
      { qos: 1, retain: true },
    );
    return client;
  }

  function tabButton(name: RegExp): Locator {
    return page().getByRole('navigation').getByRole('button', { name });
  }

  it('signs a technician in', async () => {
    if (browser === undefined) throw new Error('Chromium did not start (see beforeAll)');
    tab = await browser.open(`${api().url}/console/`, TABLET);
    const p = page();
    await expect(p.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Connexion');
    await snap(p, 'console-login');

    await p.getByLabel('Identifiant').fill(TECHNICIAN);
    await p.getByLabel('Mot de passe').fill(password);
    await p.getByRole('button', { name: 'Se connecter' }).click();
    await expect.poll(() => p.locator('#who').innerText(), WAIT).toBe('alice (technicien)');
    // The token is this tab's, never a cookie.
    expect(await p.context().cookies()).toEqual([]);
    const stored = await p.evaluate<string | null>(
      "sessionStorage.getItem('hameau.console.session')",
    );
    expect(JSON.parse(stored ?? '{}')).toMatchObject({ user: { name: TECHNICIAN } });

    const row = p.locator(`tr[data-device="${SITE}/${DEVICE}"]`);
    await expect.poll(() => row.innerText(), WAIT).toContain('En ligne');
    await expect
      .poll(() => p.locator(`tr[data-device="ville/lampes"]`).innerText(), WAIT)
      .toMatch(/ville \/ lampes\s+éclairage\s+En ligne/);
    expect(await row.innerText()).toMatch(/Cartes : OK/);
    // The lighting controller's state names a local-only key it ignored: a visible warning.
    await expect
      .poll(() => p.locator('tr[data-device="ville/lampes"] .ignored-keys').innerText(), WAIT)
      .toBe('⚠ Config. : clés locales ignorées — lighting.failsafe');
    expect(await row.locator('.ignored-keys').count()).toBe(0);
    await snap(p, 'console-devices');
    expect(tab.problems).toEqual([]);
  });

  it('shows every lighting zone with its level and reason trace', async () => {
    const p = page();
    await tabButton(/Éclairage/).click();
    const zone = p.locator('tr[data-zone="place-de-la-mairie"]');
    await expect.poll(() => zone.innerText(), WAIT).toContain('40 %');
    expect(await zone.locator('th').innerText()).toBe('Place de la Mairie');
    expect(await zone.innerText()).toContain('programme');
    expect(await zone.locator('.reasons li').allInnerTexts()).toEqual([
      'program eco-nuit: 40 % from 23:00',
      'calendar: weekday',
    ]);
    await snap(p, 'console-lighting');
    expect(tab?.problems).toEqual([]);
  });

  it('shows the door the simulator left open as an alarm', { timeout: 120_000 }, async () => {
    const p = page();
    await tabButton(/Alarmes/).click();
    const card = p.locator('article[data-type="door-left-open"]');
    await expect.poll(() => card.count(), ALARM_WAIT).toBe(1);
    expect(await card.getAttribute('data-state')).toBe('open');
    const text = await card.innerText();
    expect(text).toContain('Porte restée ouverte');
    expect(text).toContain(`${SITE} / ${DEVICE} · casier ${LEFT_OPEN}`);
    // The forced opening itself was an alarm too, and the nav counts both.
    expect(await p.locator('article[data-type="door-forced"]').count()).toBe(1);
    await expect.poll(() => p.locator('#alarm-count').innerText(), WAIT).toBe('2 en cours');
    // Times are the town's (the API's default zone, Paris), whatever the browser's zone is.
    expect(await p.locator('#zone').innerText()).toBe('heure de Paris');
    const browserZone = await p.evaluate<string>(
      'Intl.DateTimeFormat().resolvedOptions().timeZone',
    );
    expect(browserZone).not.toBe('Europe/Paris');
    const res = await town.http(
      'GET',
      `/api/v1/alarms/${(await card.getAttribute('data-alarm')) ?? ''}`,
      town.adminToken,
    );
    const { firstRaisedAt } = (await res.json()) as { firstRaisedAt: string };
    const inZone = (timeZone: string) =>
      new Intl.DateTimeFormat('fr-FR', {
        timeZone,
        dateStyle: 'short',
        timeStyle: 'medium',
      }).format(new Date(firstRaisedAt));
    expect(text).toContain(`Levée le ${inZone('Europe/Paris')}`);
    expect(text).not.toContain(inZone(browserZone));
    await snap(p, 'console-alarms');
    expect(tab?.problems).toEqual([]);
  });

  it('acknowledges the alarm with a note, kept in its trail', async () => {
    const p = page();
    const card = p.locator('article[data-type="door-left-open"]');
    await card.getByLabel('Commentaire (facultatif)').fill('Je passe fermer la porte');
    await card.getByRole('button', { name: 'Acquitter' }).click();
    await expect.poll(() => card.getAttribute('data-state'), WAIT).toBe('acknowledged');
    expect(await p.locator('#status').innerText()).toBe('Alarme acquittée.');
    // Acknowledged, it can only be resolved now.
    expect(await card.getByRole('button', { name: 'Acquitter' }).isHidden()).toBe(true);
    await card.getByText('Historique').click();
    expect(await card.locator('.trail li').allInnerTexts()).toEqual([
      expect.stringMatching(/levée par le système$/),
      expect.stringMatching(/acquittée par alice : « Je passe fermer la porte »$/),
    ]);

    // The API agrees: acknowledged by the technician's name, with the note.
    const id = await card.getAttribute('data-alarm');
    const res = await town.http('GET', `/api/v1/alarms/${id ?? ''}`, town.adminToken);
    expect(await res.json()).toMatchObject({
      state: 'acknowledged',
      acknowledged: { by: TECHNICIAN, note: 'Je passe fermer la porte' },
    });
    await snap(p, 'console-alarm-acknowledged');
    expect(tab?.problems).toEqual([]);
  });

  it('sends a remote unlock with a reason, confirmed, and sees it succeed', async () => {
    const p = page();
    const unlocks = town.unlocksOf(UNLOCKED);
    await tabButton(/Commandes/).click();
    const form = p.locator('#unlock-form');
    await expect.poll(() => form.getByLabel('Consigne').inputValue(), WAIT).toBe(BANK);
    await expect.poll(() => form.getByLabel('Casier').locator('option').count(), WAIT).toBe(4);
    await form.getByLabel('Casier').selectOption(String(UNLOCKED));
    await form.getByLabel('Motif').fill('Contrôle de la serrure');
    await form.getByRole('button', { name: 'Ouvrir le casier…' }).click();

    const dialog = p.getByRole('dialog');
    expect(await dialog.getByRole('heading').innerText()).toBe(`Ouvrir le casier ${UNLOCKED} ?`);
    expect(await dialog.innerText()).toContain('Motif : Contrôle de la serrure');
    await snap(p, 'console-unlock-confirm');
    await dialog.getByRole('button', { name: 'Confirmer' }).click();

    const tracker = p.locator('.tracker').first();
    await expect.poll(() => tracker.getAttribute('data-state'), WAIT).toBe('succeeded');
    expect(await tracker.locator('h3').innerText()).toBe(
      `Ouverture du casier ${UNLOCKED} · Consigne de la gare`,
    );
    // Every step of the lifecycle was reached, the last one a success.
    expect(await tracker.locator('.step.step--done').count()).toBe(4);
    expect(await tracker.locator('.outcome').innerText()).toBe('Réussie');

    // The lock really pulsed, once, and the command carries the technician and the reason.
    expect(town.unlocksOf(UNLOCKED)).toBe(unlocks + 1);
    const command = await town.command((await tracker.locator('.mono').innerText()).trim());
    expect(command).toMatchObject({
      state: 'succeeded',
      issuedBy: TECHNICIAN,
      args: { box: UNLOCKED, reason: 'Contrôle de la serrure' },
    });
    await tracker.scrollIntoViewIfNeeded();
    await snap(p, 'console-commands');
    const { board, lock } = lockOf(UNLOCKED);
    town.bank.closeDoor(board, lock);
    expect(tab?.problems).toEqual([]);
  });

  it(
    'shows the agents’ versions and each device’s hardware health, a lock board lost and found again',
    {
      timeout: 60_000,
    },
    async () => {
      const p = page();
      await tabButton(/Appareils/).click();
      const bank = p.locator(`tr[data-device="${SITE}/${DEVICE}"]`);
      // The locker agent announced its version in its birth; the cloud keeps it.
      await expect.poll(() => bank.innerText(), WAIT).toContain('logiciel 0.1.0');

      // The meters, as the gateway reported them.
      const gateway = p.locator(`tr[data-device="${METERS.site}/${METERS.device}"]`);
      await gateway.getByRole('button', { name: 'Détails' }).click();
      expect(
        await gateway.getByRole('button', { name: 'Détails' }).getAttribute('aria-expanded'),
      ).toBe('true');
      const meterPanel = p.locator(`tr[data-health="${METERS.site}/${METERS.device}"]`);
      const general = meterPanel.locator('tr[data-meter="general"]');
      await expect.poll(() => general.innerText(), WAIT).toContain('Joignable');
      expect(await general.innerText()).toMatch(/5\s% des lectures\s+délai dépassé : 5/);
      const pv = meterPanel.locator('tr[data-meter="pv-roof"]');
      expect(await pv.locator('[data-state]').getAttribute('data-state')).toBe('unreachable');
      expect(await pv.innerText()).toContain('interrogation suspendue');
      expect(await pv.innerText()).toContain('jamais');
      await meterPanel.scrollIntoViewIfNeeded();
      await snap(p, 'console-meter-health');

      // Board 1 loses its power: the agent reports it, and the open panel follows.
      town.bank.injectBoardFault(1, { mode: 'silent' });
      await bank.getByRole('button', { name: 'Détails' }).click();
      const board = p.locator(`tr[data-health="${SITE}/${DEVICE}"] tr[data-board="main/1"]`);
      await expect
        .poll(() => board.locator('[data-state]').getAttribute('data-state'), WAIT)
        .toBe('unreachable');
      expect(await board.innerText()).toMatch(/bus main · carte 1\s+Injoignable/);
      await snap(p, 'console-device-health');

      town.bank.clearBoardFaults(1);
      await expect
        .poll(() => board.locator('[data-state]').getAttribute('data-state'), WAIT)
        .toBe('reachable');
      // One loss in the last 24 hours.
      expect(await board.locator('td').last().innerText()).toBe('1');

      // Closed again, the panel's row goes.
      await bank.getByRole('button', { name: 'Détails' }).click();
      expect(await p.locator(`tr[data-health="${SITE}/${DEVICE}"]`).count()).toBe(0);
      expect(tab?.problems).toEqual([]);
    },
  );

  it('works on a tablet in portrait and in English, every control large enough to touch', async () => {
    const p = page();
    await p.setViewportSize({ width: 768, height: 1024 });
    await p.getByRole('button', { name: 'English' }).click();
    expect(await p.locator('html').getAttribute('lang')).toBe('en');
    await tabButton(/Alarms/).click();
    await expect
      .poll(() => p.locator('article[data-type="door-left-open"] h3').innerText(), WAIT)
      .toBe('Door left open');
    // Nothing wider than the screen, and every visible control at least 44 px high.
    const layout = await p.evaluate<{ overflow: number; small: string[] }>(`(() => ({
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      small: [...document.querySelectorAll('button, select, input, textarea, summary')]
        .filter((el) => el.getClientRects().length > 0)
        .filter((el) => el.getBoundingClientRect().height < 44)
        .map((el) => el.outerHTML.slice(0, 80)),
    }))()`);
    expect(layout).toEqual({ overflow: 0, small: [] });
    await snap(p, 'console-alarms-portrait-en');
    await p.getByRole('button', { name: 'Français' }).click();
    await p.setViewportSize(TABLET);
    expect(tab?.problems).toEqual([]);
  });

  it('signs out: the token is dropped and refused', async () => {
    const p = page();
    const stored = await p.evaluate<string | null>(
      "sessionStorage.getItem('hameau.console.session')",
    );
    const { token } = JSON.parse(stored ?? '{}') as { token: string };
    await p.getByRole('button', { name: 'Se déconnecter' }).click();
    await expect
      .poll(() => p.locator('#login-message').innerText(), WAIT)
      .toBe('Vous êtes déconnecté.');
    expect(await p.evaluate<number>('sessionStorage.length')).toBe(0);
    const res = await town.http('GET', '/api/v1/session', token);
    expect(res.status).toBe(401);
    expect(tab?.problems).toEqual([]);
  });

  it('says so when the password is wrong', async () => {
    const p = page();
    await p.getByLabel('Identifiant').fill(TECHNICIAN);
    await p.getByLabel('Mot de passe').fill('not-the-password');
    await p.getByRole('button', { name: 'Se connecter' }).click();
    await expect
      .poll(() => p.getByRole('alert').first().innerText(), WAIT)
      .toBe('Identifiant ou mot de passe incorrect.');
    expect(await p.locator('#app').isHidden()).toBe(true);
    // Chromium logs the refused sign-in (401) as a failed load: that, and nothing else.
    expect(tab?.problems).toEqual([expect.stringMatching(/status of 401/)]);
    tab?.problems.splice(0);
  });

  it('goes back to the sign-in form when the session expires', async () => {
    if (browser === undefined) throw new Error('Chromium did not start (see beforeAll)');
    const context = await browser.browser.newContext({ viewport: TABLET, locale: 'fr-FR' });
    const expiring = new KioskTab(browser.browser, context, await context.newPage());
    try {
      const p = expiring.page;
      // The page's own clock, which ends the session on time, is the test's to move.
      await p.clock.install({ time: Date.now() });
      await p.goto(`${api().url}/console/`);
      await p.getByLabel('Identifiant').fill(TECHNICIAN);
      await p.getByLabel('Mot de passe').fill(password);
      await p.getByRole('button', { name: 'Se connecter' }).click();
      await expect.poll(() => p.locator('#who').innerText(), WAIT).toBe('alice (technicien)');
      await p.clock.fastForward('12:00:01');
      await expect
        .poll(() => p.locator('#login-message').innerText(), WAIT)
        .toBe('Votre session a expiré. Reconnectez-vous.');
      expect(await p.locator('#app').isHidden()).toBe(true);
      expect(await p.evaluate<number>('sessionStorage.length')).toBe(0);
      await snap(p, 'console-session-expired');
    } finally {
      expect(await expiring.close()).toEqual([]);
    }
  });
});
