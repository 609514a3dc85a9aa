import { existsSync } from 'node:fs';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Page,
  type Request,
} from 'playwright-core';
import { recordPageProblems } from './page-problems.js';

// Debian's Chromium through playwright-core, for the kiosk page tests: one browser per test file,
// a fresh context (cookies, storage, viewport) per tab, and every console error, uncaught
// exception, CSP violation and crash of a tab collected so that a test can fail on it.

/** Debian's Chromium: browser tests use it and never download one. */
export const CHROMIUM = '/usr/bin/chromium';

// Below vitest's 30 s hook timeout, so a Chromium that hangs at start fails with our message
// rather than with a bare "hook timed out".
const LAUNCH_TIMEOUT_MS = 20_000;
// Below vitest's 20 s test timeout: a key that never becomes clickable (disabled, hidden) fails
// naming the locator it waited for.
const ACTION_TIMEOUT_MS = 5_000;
// Where a frozen page clock stands until a test moves it (the page reads only intervals from it).
const FROZEN_AT = Date.UTC(2026, 10, 25, 20, 5);

/** Launches headless Chromium; rejects saying why when it is missing or will not start. */
export async function launchChromium(executablePath = CHROMIUM): Promise<KioskBrowser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: the kiosk browser tests need Debian's ` +
        'chromium package (apt-get install chromium); they never download a browser',
    );
  }
  try {
    const browser = await chromium.launch({
      executablePath,
      headless: true,
      timeout: LAUNCH_TIMEOUT_MS,
    });
    return new KioskBrowser(browser, executablePath);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Chromium at ${executablePath} did not start: ${reason}`, { cause: error });
  }
}

/** How a tab is opened. */
export interface TabOptions {
  readonly width: number;
  readonly height: number;
  /**
   * Freeze the page's clock (Date, timers) at a fixed time: nothing time-driven happens in the
   * page until the test moves it with `KioskTab.jump`, however slow the machine is.
   */
  readonly frozenClock?: boolean;
}

/** A launched Chromium; `open` gives each test its own context and tab. */
export class KioskBrowser {
  /** The Playwright browser, for what this wrapper does not cover. */
  readonly browser: Browser;
  readonly #path: string;
  #gone = false;

  constructor(browser: Browser, path: string) {
    this.browser = browser;
    this.#path = path;
    browser.on('disconnected', () => {
      this.#gone = true;
    });
  }

  /**
   * Opens `url` in a new context at `width`×`height` CSS pixels; resolves once the page loaded
   * and the requests it makes on start (the kiosk's first status poll) have their answers.
   */
  async open(url: string, options: TabOptions): Promise<KioskTab> {
    if (this.#gone) {
      throw new Error(
        `Chromium (${this.#path}) is gone: it crashed or was killed during an earlier test of ` +
          'this file, whose failure says more',
      );
    }
    const context = await this.browser.newContext({
      viewport: { width: options.width, height: options.height },
      deviceScaleFactor: 1,
      locale: 'fr-FR',
    });
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    try {
      const page = await context.newPage();
      const tab = new KioskTab(this.browser, context, page);
      if (options.frozenClock === true) {
        // Replayed in every document the tab loads, so the page starts on the frozen clock.
        await page.clock.install({ time: FROZEN_AT - 60_000 });
        await page.clock.pauseAt(FROZEN_AT);
      }
      await page.goto(url);
      await tab.settle();
      return tab;
    } catch (error) {
      // The test never gets this tab to close: close its context here.
      if (this.browser.isConnected()) await context.close();
      throw error;
    }
  }

  /** Whether Chromium exited (a crash, a kill, or `close`). */
  get gone(): boolean {
    return this.#gone;
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

/** One test's tab, and what went wrong in it. */
export class KioskTab {
  readonly page: Page;
  /** Console errors (CSP violations and failed loads among them), uncaught exceptions, crashes. */
  readonly problems: string[] = [];
  readonly #browser: Browser;
  readonly #context: BrowserContext;
  readonly #inFlight = new Set<Request>();
  readonly #onDisconnect = (): void => {
    this.problems.push('Chromium exited during the test (crashed or killed)');
  };

  constructor(browser: Browser, context: BrowserContext, page: Page) {
    this.page = page;
    this.#browser = browser;
    this.#context = context;
    recordPageProblems(page, this.problems);
    page.on('request', (request) => this.#inFlight.add(request));
    page.on('requestfinished', (request) => this.#inFlight.delete(request));
    page.on('requestfailed', (request) => this.#inFlight.delete(request));
    browser.on('disconnected', this.#onDisconnect);
  }

  /** Resolves once no request of the page is waiting for its answer. */
  async settle(): Promise<void> {
    const deadline = Date.now() + ACTION_TIMEOUT_MS;
    while (this.#inFlight.size > 0) {
      if (Date.now() > deadline) {
        const urls = [...this.#inFlight].map((request) => request.url()).join(', ');
        throw new Error(`the page still waits for ${urls} after ${ACTION_TIMEOUT_MS} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /**
   * Moves the page's frozen clock on by `ms` at once, as when the kiosk's screen wakes from
   * sleep: every timer that fell due fires once, at the new time. Requests are settled before
   * and after, because a jump would otherwise fire a pending request's 10 s abort timer while
   * the local answer is still on its way.
   */
  async jump(ms: number): Promise<void> {
    await this.settle();
    await this.page.clock.fastForward(ms);
    await this.settle();
  }

  /** Closes the tab and its context; resolves with the problems it saw. */
  async close(): Promise<readonly string[]> {
    this.#browser.off('disconnected', this.#onDisconnect);
    // A context of a browser that is gone cannot be closed; the problems already say why.
    if (this.#browser.isConnected()) await this.#context.close();
    return this.problems;
  }
}
