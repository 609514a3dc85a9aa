import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import type { DashboardMount } from '@hameau/dashboards';

/** One file ready to send: read once at start, so a missing page fails the start, not a visit. */
export interface StaticAsset {
  readonly body: Buffer;
  readonly contentType: string;
  /** Strong validator: a page reloaded unchanged costs a 304, not the file. */
  readonly etag: string;
  readonly embeddable: boolean;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Reads every mount into a URL path → asset map. A folder's `index.html` also answers its
 * prefix. Files of unknown type are left out (an editor's backup file is never served).
 */
export async function loadStaticAssets(
  mounts: readonly DashboardMount[],
): Promise<ReadonlyMap<string, StaticAsset>> {
  const assets = new Map<string, StaticAsset>();
  for (const mount of mounts) {
    const files =
      mount.only ??
      (await readdir(mount.folder, { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => relative(mount.folder, join(entry.parentPath, entry.name)));
    for (const file of files) {
      const contentType = CONTENT_TYPES[extname(file)];
      if (contentType === undefined) continue;
      const body = await readFile(join(mount.folder, file));
      const urlPath = mount.prefix + file.split(sep).join('/');
      const asset: StaticAsset = {
        body,
        contentType,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
        embeddable: mount.embeddable,
      };
      // The first mount to claim a path keeps it: mounts are listed most specific first.
      if (!assets.has(urlPath)) assets.set(urlPath, asset);
      if (file === 'index.html' && !assets.has(mount.prefix)) assets.set(mount.prefix, asset);
    }
  }
  return assets;
}
