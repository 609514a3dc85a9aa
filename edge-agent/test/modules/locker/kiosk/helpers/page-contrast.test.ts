import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type KioskBrowser } from './kiosk-browser.js';
import { pageContrasts } from './page-contrast.js';

// The kiosk's and the public dashboard's contrast checks pass vacuously on an empty list, so the
// shared measurement is checked here against ratios worked out by hand (WCAG 2 formula).

let browser: KioskBrowser | undefined;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  page = await browser.browser.newPage();
  await page.setContent(
    `<body style="background: #fff">
      <p id="black">black on white</p>
      <div style="background: rgba(0, 0, 0, 0)"><p id="grey" style="color: #777">grey</p></div>
      <p id="light" style="color: #fff; background: #000">white on black</p>
    </body>`,
  );
});

afterAll(async () => {
  await browser?.close();
});

const EVERY_P = `for (const el of document.querySelectorAll('p')) {
  found.push({ what: el.id, ratio: contrastOf(el) });
}`;

describe('pageContrasts', () => {
  it('measures each text against its first opaque background up its ancestors', async () => {
    const found = await pageContrasts(page, EVERY_P);
    expect(found.map((f) => f.what)).toEqual(['black', 'grey', 'light']);
    const [black, grey, light] = found.map((f) => f.ratio);
    expect(black).toBeCloseTo(21, 5);
    // #777 on white (through a transparent parent): 4.48, just under WCAG AA's 4.5.
    expect(grey).toBeCloseTo(4.48, 2);
    expect(light).toBeCloseTo(21, 5);
  });

  it('returns only what the collecting script picks', async () => {
    const found = await pageContrasts(
      page,
      `found.push({ what: 'grey', ratio: contrastOf(document.getElementById('grey')) });`,
    );
    expect(found).toHaveLength(1);
  });
});
