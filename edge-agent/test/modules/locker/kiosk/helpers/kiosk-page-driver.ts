import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { pageContrasts, type TextContrast } from './page-contrast.js';

// What the kiosk tests read off the page. Actions go through role queries (`getByRole`), as a
// person or a screen reader finds the keys; reads that need several values at one instant, or
// computed styles, are single evaluations.

/** Where page tests save their screenshots (gitignored). */
export const SCREENSHOTS = fileURLToPath(
  new URL('../../../../../../artifacts/screenshots/', import.meta.url),
);

/** Saves a screenshot of the viewport of `page` as `artifacts/screenshots/<name>.png`. */
export async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png` });
}

/** Taps the on-screen keys of `digits`, found by their accessible names. */
export async function tap(page: Page, digits: string): Promise<void> {
  for (const digit of digits) {
    await page.getByRole('button', { name: digit, exact: true }).click();
  }
}

/** The language toggle: it reads "English" in both languages and says its state in aria-pressed. */
export function languageToggle(page: Page): Locator {
  return page.getByRole('button', { name: 'English', exact: true });
}

/** What the page shows, in one read. */
export interface KioskView {
  readonly lang: string;
  readonly langPressed: string | null;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly tone: string;
  readonly countdown: string | null;
  readonly keysDisabled: boolean;
  readonly label: string;
}

/** Reads the page's language, code field, message, countdown and keys at one instant. */
export function view(page: Page): Promise<KioskView> {
  return page.evaluate<KioskView>(`(() => {
    const $ = (id) => document.getElementById(id);
    const countdown = $('countdown');
    return {
      lang: document.documentElement.lang,
      langPressed: $('lang').getAttribute('aria-pressed'),
      code: $('code').value,
      title: $('result-title').textContent,
      detail: $('result-detail').textContent,
      tone: [...$('result').classList].find((c) => c.startsWith('result--')) ?? '',
      countdown: countdown.hidden ? null : countdown.textContent,
      keysDisabled: [...document.querySelectorAll('#keypad button')].every((b) => b.disabled),
      label: $('code-label').textContent,
    };
  })()`);
}

/** Contrast ratios (WCAG 2) of every visible, enabled text of the page against its background. */
export function contrasts(page: Page): Promise<TextContrast[]> {
  return pageContrasts(
    page,
    `for (const el of document.querySelectorAll('h1, button, label, input, p')) {
      if (el.disabled || el.closest('[hidden]') !== null || el.getClientRects().length === 0) continue;
      const text = el instanceof HTMLInputElement ? el.value : el.textContent.trim();
      if (text === '') continue;
      found.push({ what: (el.id || el.className || el.tagName) + ' ' + text.slice(0, 20), ratio: contrastOf(el) });
    }`,
  );
}

/** Sizes of the touch targets and whether the page scrolls. */
export interface Layout {
  readonly scrolls: boolean;
  readonly targets: { key: string; width: number; height: number; inside: boolean }[];
}

/** Measures the keys and the language toggle, and whether the page overflows its viewport. */
export function layout(page: Page): Promise<Layout> {
  return page.evaluate<Layout>(`(() => {
    const root = document.documentElement;
    return {
      scrolls: root.scrollHeight > innerHeight || root.scrollWidth > innerWidth,
      targets: [...document.querySelectorAll('#keypad button, #lang')].map((b) => {
        const r = b.getBoundingClientRect();
        return {
          key: b.dataset.key ?? b.id,
          width: r.width,
          height: r.height,
          inside: r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight,
        };
      }),
    };
  })()`);
}
