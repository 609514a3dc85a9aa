import type { Page } from 'playwright-core';

// What a page test fails on, shared by the kiosk harness and the API's web page tests (and the
// demo's, which uses both): every console error (CSP violations and failed loads among them),
// uncaught exception and renderer crash of a tab.

/** Appends to `problems`, as they happen, what goes wrong in `page`. */
export function recordPageProblems(page: Page, problems: string[]): void {
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // Where it came from: for a failed load, the text alone does not name the resource.
    const { url } = message.location();
    problems.push(`console error: ${message.text()}${url === '' ? '' : ` (${url})`}`);
  });
  page.on('pageerror', (error) => {
    problems.push(`uncaught exception: ${error.message}`);
  });
  page.on('crash', () => {
    problems.push('the page crashed (its Chromium renderer died)');
  });
}
