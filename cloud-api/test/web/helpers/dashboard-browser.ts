import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import {
  pageContrasts,
  type TextContrast,
} from '../../../../edge-agent/test/modules/locker/kiosk/helpers/page-contrast.js';
import { recordPageProblems } from '../../../../edge-agent/test/modules/locker/kiosk/helpers/page-problems.js';

// Debian's Chromium through playwright-core for the web pages the API serves: a fresh context
// per tab, and every console error (CSP violations and failed loads among them), uncaught
// exception and crash recorded, so a test fails on them. The kiosk harness
// (edge-agent/test/modules/locker/kiosk/helpers/) waits for every request to finish before a
// test goes on; a live page keeps an event stream open forever, so this one cannot.

/** Debian's Chromium: browser tests use it and never download one. */
export const CHROMIUM = '/usr/bin/chromium';

/** Where page tests save their screenshots (gitignored, kept by CI as artifacts). */
export const SCREENSHOTS = fileURLToPath(
  new URL('../../../../artifacts/screenshots/', import.meta.url),
);

// Under vitest's hook timeout, so a Chromium that hangs at start fails with our message.
const LAUNCH_TIMEOUT_MS = 20_000;
// A locator that never matches fails naming it, well before the test's own timeout.
const ACTION_TIMEOUT_MS = 10_000;

/** Launches headless Chromium; rejects saying why when it is missing or will not start. */
export async function launchChromium(executablePath = CHROMIUM): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: the page tests need Debian's chromium package ` +
        '(apt-get install chromium); they never download a browser',
    );
  }
  try {
    return await chromium.launch({ executablePath, headless: true, timeout: LAUNCH_TIMEOUT_MS });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Chromium at ${executablePath} did not start: ${reason}`, { cause: error });
  }
}

/** One tab, and what went wrong in it. */
export interface PageTab {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly problems: string[];
  close(): Promise<readonly string[]>;
}

/** Opens `url` in a new context (French browser, `width`×`height`), recording problems. */
export async function openTab(
  browser: Browser,
  url: string,
  viewport: { width: number; height: number },
): Promise<PageTab> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: 'fr-FR' });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  const problems: string[] = [];
  const page = await context.newPage();
  recordPageProblems(page, problems);
  await page.goto(url);
  return {
    page,
    context,
    problems,
    async close() {
      if (browser.isConnected()) await context.close();
      return problems;
    },
  };
}

/** Saves a screenshot of the whole page as `artifacts/screenshots/<name>.png`. */
export async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

/** WCAG 2 contrast of every visible text of the page against its (first opaque) background. */
export function contrasts(page: Page): Promise<TextContrast[]> {
  return pageContrasts(
    page,
    `const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      const el = node.parentElement;
      const text = node.textContent.trim();
      if (text === '' || el === null || el.closest('[hidden], .visually-hidden, noscript, .skip') !== null) continue;
      if (el.getClientRects().length === 0) continue;
      found.push({ what: (el.id || el.className || el.tagName) + ': ' + text.slice(0, 30), ratio: contrastOf(el) });
    }`,
  );
}
