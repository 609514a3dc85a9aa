import type { Page } from 'playwright-core';

/** One text of a page and its WCAG 2 contrast ratio against its background. */
export interface TextContrast {
  readonly what: string;
  readonly ratio: number;
}

// In-page functions (plain browser JavaScript, evaluated as text like the rest of the page
// reads): `contrastOf(el)` is the WCAG 2 contrast of an element's text colour against its first
// opaque background, up its ancestors (white when none is).
const CONTRAST_FUNCTIONS = `
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
  const contrastOf = (el) => {
    const [hi, lo] = [luminance(parse(getComputedStyle(el).color)), luminance(background(el))].sort((a, b) => b - a);
    return (hi + 0.05) / (lo + 0.05);
  };
`;

/**
 * The contrasts of the texts `collect` picks: in-page JavaScript that fills the array `found`
 * with `{ what, ratio }`, calling `contrastOf(el)` for each text's element. Pages differ in what
 * counts as a text to check (every text node, or the kiosk's controls with their values).
 */
export function pageContrasts(page: Page, collect: string): Promise<TextContrast[]> {
  return page.evaluate<TextContrast[]>(`(() => {
    ${CONTRAST_FUNCTIONS}
    const found = [];
    ${collect}
    return found;
  })()`);
}
