import { pino } from 'pino';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CodeRejection } from '@hameau/protocol';
import {
  KioskConfig,
  startKioskServer,
  type KioskServer,
} from '../../../../src/modules/locker/kiosk/kiosk-server.js';
import { launchChromium, type KioskBrowser, type KioskTab } from './helpers/kiosk-browser.js';
import { contrasts, languageToggle, layout, snap, tap, view } from './helpers/kiosk-page-driver.js';
import { ScriptedDesk } from './helpers/scripted-desk.js';
import { eventually } from './helpers/eventually.js';

// The page in Debian's Chromium against a scripted desk: every message, the keyboard, the
// language toggle, the lock-out countdown, the idle reset, and the layout at both screen sizes.
// The page's clock is frozen (Playwright's `page.clock`) and only moves when a test says so.
// The acceptance test (kiosk-acceptance.test.ts) drives the real locker module instead.

let browser: KioskBrowser | undefined;
let server: KioskServer | null = null;
let tab: KioskTab | null = null;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  // No page may raise an exception, log an error or break its CSP, whatever the test did.
  const problems = (await tab?.close()) ?? [];
  await server?.stop();
  tab = null;
  server = null;
  expect(problems).toEqual([]);
});

async function open(desk: ScriptedDesk, width = 1280, height = 800): Promise<Page> {
  if (browser === undefined) throw new Error('Chromium did not start (see beforeAll)');
  server = await startKioskServer({
    desk,
    config: KioskConfig.parse({ port: 0, title: 'Consigne de la mairie' }),
    log: pino({ level: 'silent' }),
    bank: { name: 'mairie', boxes: 12 },
  });
  tab = await browser.open(server.url, { width, height, frozenClock: true });
  return tab.page;
}

/** Moves the open page's frozen clock on by `ms`, as after a sleeping screen. */
async function jump(ms: number): Promise<void> {
  if (tab === null) throw new Error('no page is open');
  await tab.jump(ms);
}

async function expectReadable(page: Page): Promise<void> {
  for (const { what, ratio } of await contrasts(page)) {
    expect(ratio, what).toBeGreaterThanOrEqual(4.5);
  }
}

const REJECTIONS: [CodeRejection, string, string][] = [
  ['unknown', 'Code incorrect', 'Wrong code'],
  ['not-yet-valid', 'Code pas encore valable', 'Code not valid yet'],
  ['expired', 'Code expiré', 'Code expired'],
  ['used', 'Code déjà utilisé', 'Code already used'],
  ['not-ready', 'Colis pas encore prêt', 'Parcel not ready yet'],
  ['out-of-service', 'Consigne hors service', 'Lockers out of service'],
];

describe('kiosk page', () => {
  it.each([
    [800, 480],
    [1280, 800],
  ])('fits %i×%i with 64 px keys and readable contrast', async (width, height) => {
    const p = await open(new ScriptedDesk(), width, height);
    const { scrolls, targets } = await layout(p);
    expect(scrolls).toBe(false);
    expect(targets).toHaveLength(13);
    for (const target of targets) {
      expect(target.inside, target.key).toBe(true);
      const min = target.key === 'lang' ? 44 : 64;
      expect(target.width, target.key).toBeGreaterThanOrEqual(min);
      expect(target.height, target.key).toBeGreaterThanOrEqual(min);
    }
    await expectReadable(p);
    expect(await view(p)).toMatchObject({
      lang: 'fr',
      langPressed: 'false',
      code: '',
      detail: 'Les colis se retirent à partir de 21 h.',
      keysDisabled: false,
    });
    await snap(p, `entry-${String(width)}x${String(height)}`);
  });

  it('groups digits as typed, erases, and submits at the eighth digit', async () => {
    const desk = new ScriptedDesk().answer('48213907', {
      status: 'opened',
      box: 12,
      kind: 'pickup',
    });
    const p = await open(desk, 800, 480);
    // The field is found by its label, as a screen reader announces it.
    const field = p.getByRole('textbox', { name: 'Tapez votre code à 8 chiffres' });
    await tap(p, '482139');
    expect(await field.inputValue()).toBe('4821 39');
    const erase = p.getByRole('button', { name: 'Effacer', exact: true });
    for (let i = 0; i < 3; i++) await erase.click();
    expect(await field.inputValue()).toBe('482');
    await snap(p, 'typing');
    await tap(p, '13907');
    await eventually(async () => (await view(p)).title).toBe('Casier 12 ouvert');
    expect(await view(p)).toMatchObject({
      code: '',
      tone: 'result--ok',
      detail: 'Prenez votre colis et refermez bien la porte.',
    });
    expect(await p.getByRole('status').innerText()).toContain('Casier 12 ouvert');
    expect(desk.calls).toEqual([{ terminal: 'kiosk', code: '48213907' }]);
    await expectReadable(p);
    await snap(p, 'opened-fr');
    await languageToggle(p).click();
    await eventually(async () => (await view(p)).title).toBe('Box 12 is open');
    await snap(p, 'opened-en');
  });

  it('takes the physical keyboard: digits, Backspace and Enter', async () => {
    const desk = new ScriptedDesk().answer('11223344', {
      status: 'opened',
      box: 4,
      kind: 'dropoff',
    });
    const p = await open(desk);
    await p.keyboard.type('1129');
    await p.keyboard.press('Backspace');
    await p.keyboard.type('2334');
    expect((await view(p)).code).toBe('1122 334');
    await p.keyboard.press('Enter');
    await eventually(async () => (await view(p)).title).toBe('Code incomplet');
    expect((await view(p)).tone).toBe('result--warn');
    expect(desk.calls).toEqual([]);
    await snap(p, 'incomplete-fr');
    await p.keyboard.press('4');
    await eventually(async () => (await view(p)).title).toBe('Casier 4 ouvert');
    expect((await view(p)).detail).toBe('Déposez le colis et refermez bien la porte.');
    expect(desk.calls).toEqual([{ terminal: 'kiosk', code: '11223344' }]);
  });

  it('submits with the on-screen Valider key, and says a short code is incomplete', async () => {
    const desk = new ScriptedDesk().answer('20202020', { status: 'rejected', reason: 'used' });
    const p = await open(desk);
    await tap(p, '2020');
    await p.getByRole('button', { name: 'Valider', exact: true }).click();
    await eventually(async () => (await view(p)).title).toBe('Code incomplet');
    expect((await view(p)).code).toBe('2020');
    await tap(p, '2020');
    await eventually(async () => (await view(p)).title).toBe('Code déjà utilisé');
    expect(desk.calls).toEqual([{ terminal: 'kiosk', code: '20202020' }]);
  });

  it.each(REJECTIONS)(
    'says why %s codes are refused, in French then English',
    async (reason, fr, en) => {
      const desk = new ScriptedDesk().answer('55556666', { status: 'rejected', reason });
      const p = await open(desk);
      await tap(p, '55556666');
      await eventually(async () => (await view(p)).title).toBe(fr);
      expect((await view(p)).tone).toBe('result--error');
      if (reason === 'not-yet-valid') expect((await view(p)).detail).toContain('à partir de 21 h');
      await expectReadable(p);
      await snap(p, `rejected-${reason}-fr`);
      await languageToggle(p).click();
      await eventually(async () => (await view(p)).title).toBe(en);
      expect(await view(p)).toMatchObject({ lang: 'en', langPressed: 'true' });
      await snap(p, `rejected-${reason}-en`);
    },
  );

  it('switches every text with the language toggle, and back', async () => {
    const p = await open(new ScriptedDesk());
    await languageToggle(p).click();
    expect(await view(p)).toMatchObject({
      lang: 'en',
      langPressed: 'true',
      label: 'Type your 8-digit code',
      detail: 'Parcels can be collected from 9 pm.',
    });
    // The accessible names follow the language too: the field's label, the keypad's, the keys'.
    await expect(p.getByRole('textbox', { name: 'Type your 8-digit code' }).count()).resolves.toBe(
      1,
    );
    await expect(p.getByRole('group', { name: 'Keypad' }).count()).resolves.toBe(1);
    await expect(p.getByRole('button', { name: 'Erase', exact: true }).count()).resolves.toBe(1);
    await expect(p.getByRole('button', { name: 'Enter', exact: true }).count()).resolves.toBe(1);
    await expectReadable(p);
    await snap(p, 'entry-en');
    await languageToggle(p).click();
    expect(await view(p)).toMatchObject({
      lang: 'fr',
      langPressed: 'false',
      label: 'Tapez votre code à 8 chiffres',
    });
    await expect(p.getByRole('group', { name: 'Clavier' }).count()).resolves.toBe(1);
    await expect(p.getByRole('button', { name: 'Effacer', exact: true }).count()).resolves.toBe(1);
  });

  it('counts a lock-out down live and blocks the keys until it ends', async () => {
    const desk = new ScriptedDesk().answer('12121212', {
      status: 'rejected',
      reason: 'locked-out',
      retryAfterSeconds: 90,
    });
    const p = await open(desk);
    await tap(p, '12121212');
    await eventually(async () => (await view(p)).title).toBe('Trop d’essais');
    // The page's clock stands still, so the countdown shows exactly the 90 s the desk gave.
    expect(await view(p)).toMatchObject({
      keysDisabled: true,
      tone: 'result--error',
      countdown: 'Réessayez dans 1 min 30 s',
    });
    expect(await p.getByRole('button', { name: '1', exact: true }).isDisabled()).toBe(true);
    await expectReadable(p);
    await snap(p, 'locked-out-fr');
    await jump(60_000);
    expect((await view(p)).countdown).toBe('Réessayez dans 30 s');
    await languageToggle(p).click();
    expect((await view(p)).countdown).toBe('Try again in 30 s');
    await snap(p, 'locked-out-en');
    // Typing is ignored while locked out.
    await p.keyboard.press('1');
    expect((await view(p)).code).toBe('');
    await jump(30_000);
    expect(await view(p)).toMatchObject({ countdown: null, keysDisabled: false, title: '' });
    expect(desk.calls).toHaveLength(1);
  });

  it('says so when the agent does not answer', async () => {
    const desk = new ScriptedDesk();
    desk.submitCode = () => Promise.reject(new Error('desk down'));
    const p = await open(desk);
    await tap(p, '87878787');
    await eventually(async () => (await view(p)).title).toBe('Consigne injoignable');
    await snap(p, 'agent-error-fr');
    await languageToggle(p).click();
    await eventually(async () => (await view(p)).title).toBe('Lockers not responding');
    // The browser logs the 500 it got: that answer is the point of the test. Taken out of the
    // tab's problems, so the afterEach check still holds for anything else.
    const problems = tab?.problems.splice(0);
    expect(problems).toEqual([
      expect.stringMatching(/status of 500 .*\(http:\/\/127\.0\.0\.1:\d+\/api\/code\)$/),
    ]);
  });

  it('says so when the agent is gone altogether', async () => {
    const p = await open(new ScriptedDesk());
    await server?.stop();
    server = null;
    await tap(p, '87878787');
    await eventually(async () => (await view(p)).title).toBe('Consigne injoignable');
    // Refused connections are the only errors here, and the point of the test: the code's POST
    // and, when it comes after the stop, Chromium's own request for /favicon.ico.
    const problems = tab?.problems.splice(0) ?? [];
    const origin = new URL(p.url()).origin;
    const refused = (path: string): string =>
      `console error: Failed to load resource: net::ERR_CONNECTION_REFUSED (${origin}${path})`;
    expect(problems).toContain(refused('/api/code'));
    for (const problem of problems) {
      expect([refused('/api/code'), refused('/favicon.ico')]).toContain(problem);
    }
  });

  it('blocks the keys while the bank is out of service', async () => {
    const desk = new ScriptedDesk();
    desk.service = false;
    const p = await open(desk);
    await eventually(async () => (await view(p)).title).toBe('Consigne hors service');
    expect((await view(p)).keysDisabled).toBe(true);
    await snap(p, 'out-of-service-fr');
  });

  it('goes back to an empty French entry after 20 s idle', async () => {
    const desk = new ScriptedDesk().answer('48213907', {
      status: 'opened',
      box: 12,
      kind: 'pickup',
    });
    const p = await open(desk);
    await tap(p, '48213907');
    await eventually(async () => (await view(p)).title).toBe('Casier 12 ouvert');
    await languageToggle(p).click();
    await tap(p, '123');
    await jump(19_000);
    expect(await view(p)).toMatchObject({ lang: 'en', code: '123' });
    await jump(2_000);
    expect(await view(p)).toMatchObject({
      lang: 'fr',
      langPressed: 'false',
      code: '',
      title: '',
      detail: 'Les colis se retirent à partir de 21 h.',
    });
  });

  it('shows where keyboard focus is', async () => {
    const p = await open(new ScriptedDesk());
    await p.keyboard.press('Tab');
    await p.keyboard.press('Tab');
    const focus = await p.evaluate<{ id: string; outline: string; width: string }>(`(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return { id: el.id || el.dataset.key, outline: style.outlineStyle, width: style.outlineWidth };
    })()`);
    expect(focus.outline).toBe('solid');
    expect(parseFloat(focus.width)).toBeGreaterThanOrEqual(3);
    await snap(p, 'focus-visible');
  });
});
