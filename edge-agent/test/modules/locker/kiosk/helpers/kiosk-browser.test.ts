import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  KioskConfig,
  startKioskServer,
  type KioskServer,
} from '../../../../../src/modules/locker/kiosk/kiosk-server.js';
import { eventually } from './eventually.js';
import { launchChromium, type KioskBrowser, type KioskTab } from './kiosk-browser.js';
import { ScriptedDesk } from './scripted-desk.js';

// The browser harness must fail loudly: a missing or broken Chromium stops the file with a
// message saying so, and a page's CSP violations, exceptions and crashes reach the test.

let browser: KioskBrowser | undefined;
let server: KioskServer;
let tab: KioskTab | null = null;

beforeAll(async () => {
  browser = await launchChromium();
  server = await startKioskServer({
    desk: new ScriptedDesk(),
    config: KioskConfig.parse({ port: 0, title: 'Consigne de la mairie' }),
    log: pino({ level: 'silent' }),
    bank: { name: 'mairie', boxes: 12 },
  });
});

afterAll(async () => {
  await server.stop();
  await browser?.close();
});

afterEach(async () => {
  await tab?.close();
  tab = null;
});

async function openTab(): Promise<KioskTab> {
  if (browser === undefined) throw new Error('Chromium did not start (see beforeAll)');
  tab = await browser.open(server.url, { width: 800, height: 480 });
  return tab;
}

describe('kiosk browser harness', () => {
  it('says where it looked when Chromium is not installed', async () => {
    await expect(launchChromium('/nonexistent/chromium')).rejects.toThrow(
      /^Chromium not found at \/nonexistent\/chromium: .*never download a browser$/,
    );
  });

  it('says which program did not start when it is not a working Chromium', async () => {
    await expect(launchChromium('/bin/false')).rejects.toThrow(
      /^Chromium at \/bin\/false did not start: /,
    );
  });

  it('opens the kiosk page with no problem at all', async () => {
    const { page, problems } = await openTab();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe(
      'Consigne de la mairie',
    );
    expect(problems).toEqual([]);
  });

  it('records a CSP violation, a console error and an uncaught exception of the page', async () => {
    const { page, problems } = await openTab();
    // An inline script (the kiosk's policy allows only 'self', so Chromium must refuse it), a
    // console error, and an exception thrown from a timer.
    await page.evaluate(`(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.body.append(script);
      console.error('kiosk test log');
      setTimeout(() => { throw new Error('kiosk test boom'); }, 0);
    })()`);
    await eventually(() => problems.length).toBe(3);
    expect(await page.evaluate<boolean>('window.__inlineRan === true')).toBe(false);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^console error: .*Content Security Policy/),
        expect.stringMatching(/^console error: kiosk test log/),
        'uncaught exception: kiosk test boom',
      ]),
    );
  });

  it('records a renderer crash', async () => {
    const { page, problems } = await openTab();
    await expect(page.goto('chrome://crash')).rejects.toThrow();
    await eventually(() => problems).toEqual(['the page crashed (its Chromium renderer died)']);
  });

  it('reports Chromium dying mid-test, and refuses to open tabs after it', async () => {
    // Its own browser: this one is crashed on purpose.
    const doomed = await launchChromium();
    try {
      const crashed = await doomed.open(server.url, { width: 800, height: 480 });
      const cdp = await doomed.browser.newBrowserCDPSession();
      // The browser process dies at once, so the command never answers.
      void cdp.send('Browser.crash').catch(() => undefined);
      await eventually(() => doomed.gone).toBe(true);
      expect(crashed.problems).toEqual(['Chromium exited during the test (crashed or killed)']);
      await expect(crashed.close()).resolves.toEqual(crashed.problems);
      await expect(doomed.open(server.url, { width: 800, height: 480 })).rejects.toThrow(
        /^Chromium \(\/usr\/bin\/chromium\) is gone: it crashed or was killed/,
      );
    } finally {
      await doomed.close();
    }
  });
});
