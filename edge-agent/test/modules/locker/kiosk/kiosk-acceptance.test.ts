import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@hameau/protocol';
import { credentialSet } from '../credential-fixtures.js';
import { HOUR, startAgent, startSim, T0, type RigAgent, type Sim } from '../helpers/locker-rig.js';
import type { Page } from 'playwright-core';
import { launchChromium, type KioskBrowser, type KioskTab } from './helpers/kiosk-browser.js';
import { languageToggle, snap, tap, view } from './helpers/kiosk-page-driver.js';
import { eventually } from './helpers/eventually.js';

// The acceptance test of the kiosk: Debian's Chromium on the page the REAL locker module serves
// (its desk, lockout and bank), the REAL Kerong driver, and the firmware-sim lock boards. A code
// typed on the on-screen keypad must energise exactly its box's lock, and nothing else.

/** 21:05 on the rig's day: pickup codes are valid from 21:00. */
const EVENING = T0 + HOUR + 5 * 60_000;
const PICKUP = { id: 'cred-pickup-5', box: 5, code: '48213907', kind: 'pickup' as const };
const DROPOFF = { id: 'cred-dropoff-10', box: 10, code: '66001122', kind: 'dropoff' as const };
const TOMORROW = { id: 'cred-tomorrow-7', box: 7, code: '31415926', kind: 'pickup' as const };

let browser: KioskBrowser | undefined;
let sim: Sim | null = null;
let agent: RigAgent | null = null;
let tab: KioskTab | null = null;
let stopPump: (() => Promise<void>) | null = null;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  // No page may raise an exception, log an error or break its CSP.
  const problems = (await tab?.close()) ?? [];
  await agent?.stop();
  await stopPump?.();
  await sim?.stop();
  tab = null;
  agent = null;
  sim = null;
  stopPump = null;
  expect(problems).toEqual([]);
});

/**
 * Moves the manual clock on in the background, 20 ms at a time, while the browser works in real
 * time: the driver's polls and the doors' springs run on it, and an unlock is answered only once
 * a poll saw the door open.
 */
function pump(clock: ManualClock): () => Promise<void> {
  const controller = new AbortController();
  const loop = (async () => {
    while (!controller.signal.aborted) {
      await clock.advance(20);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  return async () => {
    controller.abort();
    await loop;
  };
}

/** Whether the page shows an answer (not the entry hint, not "checking"). */
async function answered(p: Page): Promise<boolean> {
  const { title } = await view(p);
  return title !== '' && !title.startsWith('Vérification');
}

/** The real bank (item in box 5 for the pickup) and the kiosk page of its agent, in a tab. */
async function openKiosk(width = 800, height = 480): Promise<Page> {
  if (browser === undefined) throw new Error('Chromium did not start (see beforeAll)');
  sim = await startSim([PICKUP.box], new ManualClock(EVENING));
  stopPump = pump(sim.clock);
  agent = await startAgent(sim, { locker: { name: 'Consigne de la gare', kiosk: { port: 0 } } });
  agent.credentials(
    credentialSet(1, [
      { ...PICKUP, validFrom: T0 + HOUR, expiresAt: T0 + 25 * HOUR },
      { ...DROPOFF, validFrom: T0, expiresAt: T0 + 25 * HOUR },
      { ...TOMORROW, validFrom: T0 + 25 * HOUR, expiresAt: T0 + 49 * HOUR },
    ]),
  );
  const served = agent.lines.find((line) => line['msg'] === 'kiosk page served');
  const url = served?.['url'];
  if (typeof url !== 'string') throw new Error('the locker module served no kiosk page');
  // The page must see the bank in service (its boards polled) before it is typed on.
  await eventually(() => agent?.desk.inService()).toBe(true);
  // The page runs on real time here: the module's lock-out and the sim's clock are under test.
  tab = await browser.open(url, { width, height });
  return tab.page;
}

describe('kiosk acceptance: page, locker module, driver and simulated boards', () => {
  it('opens exactly the box of a valid code', async () => {
    const p = await openKiosk();
    expect(await p.getByRole('heading', { level: 1 }).innerText()).toBe('Consigne de la gare');
    await tap(p, PICKUP.code);
    await eventually(async () => (await view(p)).title).toBe('Casier 5 ouvert');
    await snap(p, 'acceptance-opened-fr');
    expect(sim?.unlockedBoxes()).toEqual([5]);
    expect(sim?.isLocked(5)).toBe(false);
    expect(sim?.bank.unlocks.map((u) => ({ board: u.board, lock: u.lock }))).toEqual([
      { board: 0, lock: 4 },
    ]);
    await languageToggle(p).click();
    await eventually(async () => (await view(p)).title).toBe('Box 5 is open');
    await snap(p, 'acceptance-opened-en');
  });

  it('tells a merchant to drop the parcel off', async () => {
    const p = await openKiosk(1280, 800);
    await tap(p, DROPOFF.code);
    await eventually(async () => (await view(p)).title).toBe('Casier 10 ouvert');
    expect((await view(p)).detail).toBe('Déposez le colis et refermez bien la porte.');
    expect(sim?.unlockedBoxes()).toEqual([10]);
  });

  it('refuses a wrong code in French, in English after the toggle, and energises nothing', async () => {
    const p = await openKiosk();
    await tap(p, '48213900');
    await eventually(async () => (await view(p)).title).toBe('Code incorrect');
    expect((await view(p)).detail).toBe('Vérifiez votre code et tapez-le à nouveau.');
    await snap(p, 'acceptance-wrong-code-fr');
    await languageToggle(p).click();
    expect(await view(p)).toMatchObject({ lang: 'en', langPressed: 'true', title: 'Wrong code' });
    await snap(p, 'acceptance-wrong-code-en');
    expect(sim?.bank.unlocks).toEqual([]);
    expect(sim?.isLocked(5)).toBe(true);
  });

  it('refuses a code before its evening, saying from when', async () => {
    const p = await openKiosk();
    await tap(p, TOMORROW.code);
    await eventually(async () => (await view(p)).title).toBe('Code pas encore valable');
    expect((await view(p)).detail).toContain('à partir de 21 h');
    expect(sim?.bank.unlocks).toEqual([]);
  });

  it('locks the kiosk out after repeated wrong codes, with the countdown the module gives', async () => {
    const p = await openKiosk();
    for (let attempt = 0; attempt < 10; attempt++) {
      await tap(p, `1000000${String(attempt)}`);
      await eventually(() => answered(p)).toBe(true);
      if ((await view(p)).title === 'Trop d’essais') break;
      expect((await view(p)).title).toBe('Code incorrect');
    }
    const shown = await view(p);
    expect(shown).toMatchObject({ title: 'Trop d’essais', keysDisabled: true });
    expect(shown.countdown).toMatch(/^Réessayez dans \d+ s$|^Réessayez dans \d+ min \d\d s$/);
    await snap(p, 'acceptance-locked-out-fr');
    expect(sim?.bank.unlocks).toEqual([]);
  });
});
