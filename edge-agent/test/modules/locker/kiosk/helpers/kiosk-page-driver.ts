import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';

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
export function contrasts(page: Page): Promise<{ what: string; ratio: number }[]> {
  return page.evaluate<{ what: string; ratio: number }[]>(`(() => {
    const parse = (css) => {
      const parts = css.match(/rgba?\\(([^)]+)\\)/)[1].split(/[\\s,/]+/).filter(Boolean).map(Number);
      return { r: parts[0], g: parts[1], b: parts[2], a: parts[3] ?? 1 };
    };
    const channel = (v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
    const background = (el) => {
      for (let e = el; e !== null; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c.a > 0) return c;
      }
      return { r: 255, g: 255, b: 255, a: 1 };
    };
    const found = [];
    for (const el of document.querySelectorAll('h1, button, label, input, p')) {
      if (el.disabled || el.closest('[hidden]') !== null || el.getClientRects().length === 0) continue;
      const text = el instanceof HTMLInputElement ? el.value : el.textContent.trim();
      if (text === '') continue;
      const [hi, lo] = [luminance(parse(getComputedStyle(el).color)), luminance(background(el))].sort((a, b) => b - a);
      found.push({ what: (el.id || el.className || el.tagName) + ' ' + text.slice(0, 20), ratio: (hi + 0.05) / (lo + 0.05) });
    }
    return found;
  })()`);
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
