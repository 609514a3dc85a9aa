import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A folder of static files served under a URL prefix. Pages are plain HTML, CSS and JavaScript
 * modules with no build step (as the kiosk page): nothing to compile on a Raspberry Pi, nothing
 * loaded from another origin, and the files a browser runs are the files in the repository.
 */
export interface DashboardMount {
  /** URL prefix, ending in `/`; `index.html` answers the prefix itself. */
  readonly prefix: string;
  /** Absolute path of the folder. */
  readonly folder: string;
  /** Only these files of the folder, when the folder is someone else's (a package's `dist/`). */
  readonly only?: readonly string[];
  /** Whether other sites may frame these pages (the public dashboard, on the town's website). */
  readonly embeddable: boolean;
}

/**
 * `pages/` sits beside `src/` and `dist/`, so it is one level above this module in both (tsx
 * runs `src/`, `tsc -b` writes `dist/`), and the Docker image keeps it (it copies the package).
 */
const PAGES = fileURLToPath(new URL('../pages/', import.meta.url));

/** uPlot's browser build, from its package (MIT): served from our origin, never a CDN. */
const UPLOT_DIST = dirname(createRequire(import.meta.url).resolve('uplot'));

/** Every static folder the cloud API serves, most specific prefix first. */
export const DASHBOARD_MOUNTS: readonly DashboardMount[] = [
  { prefix: '/console/', folder: join(PAGES, 'console'), embeddable: false },
  { prefix: '/shared/', folder: join(PAGES, 'shared'), embeddable: true },
  {
    prefix: '/vendor/uplot/',
    folder: UPLOT_DIST,
    only: ['uPlot.iife.min.js', 'uPlot.min.css'],
    embeddable: true,
  },
  { prefix: '/', folder: join(PAGES, 'public'), embeddable: true },
];
