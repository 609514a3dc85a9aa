import { readFile } from 'node:fs/promises';

/** One file the kiosk serves, ready to send. */
export interface KioskAsset {
  readonly body: Buffer;
  readonly contentType: string;
}

/** What the page shows about the bank, filled into `index.html` when the server starts. */
export interface KioskPageOptions {
  /** The heading and document title. */
  readonly title: string;
}

/**
 * The page's files live in `src/modules/locker/kiosk/page/` as plain HTML, CSS and JavaScript (no
 * build step). `tsc` copies none of them to `dist/`, so the folder is found from the package root,
 * which is four levels up from this module both in `src/` (tsx, tests) and in `dist/` (after
 * `tsc -b`): both runs serve the same files, and the Docker image keeps `src/` (it copies the
 * whole tree).
 */
export function kioskPageFolder(moduleUrl: string = import.meta.url): URL {
  return new URL('../../../../src/modules/locker/kiosk/page/', moduleUrl);
}

const FILES = {
  '/': { file: 'index.html', contentType: 'text/html; charset=utf-8' },
  '/kiosk.css': { file: 'kiosk.css', contentType: 'text/css; charset=utf-8' },
  '/kiosk.js': { file: 'kiosk.js', contentType: 'text/javascript; charset=utf-8' },
} as const;

/** The request paths the page is made of. */
export type KioskAssetPath = keyof typeof FILES;

/** Whether `path` is one of the page's files. */
export function isKioskAssetPath(path: string): path is KioskAssetPath {
  return Object.hasOwn(FILES, path);
}

/**
 * Reads the page's three files once, at start (they are a few kilobytes, and a kiosk that cannot
 * find its page should fail to start, not on the first visit), and fills in the title.
 */
export async function loadKioskPage(
  options: KioskPageOptions,
  folder: URL = kioskPageFolder(),
): Promise<ReadonlyMap<KioskAssetPath, KioskAsset>> {
  const assets = new Map<KioskAssetPath, KioskAsset>();
  for (const [path, { file, contentType }] of Object.entries(FILES) as [
    KioskAssetPath,
    (typeof FILES)[KioskAssetPath],
  ][]) {
    let text = await readFile(new URL(file, folder), 'utf8');
    if (path === '/') text = text.replaceAll('{{title}}', escapeHtml(options.title));
    assets.set(path, { body: Buffer.from(text, 'utf8'), contentType });
  }
  return assets;
}

/** Escapes text for an HTML text node or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
