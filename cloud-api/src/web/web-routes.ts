import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DASHBOARD_MOUNTS } from '@hameau/dashboards';
import type { AppContext } from '../app-context.js';
import { loadStaticAssets, type StaticAsset } from './static-assets.js';

/**
 * Pages load only from this origin: no inline script or style, no third-party host. `connect-src
 * 'self'` covers the API and its event streams. The public pages may be framed by the town's
 * website; the technician console may not (clickjacking on its buttons).
 */
function contentSecurityPolicy(asset: StaticAsset): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${asset.embeddable ? '*' : "'none'"}`,
  ].join('; ');
}

/**
 * The web pages (public dashboard at `/`, technician console at `/console/`) and their assets,
 * from `@hameau/dashboards`. Left out of the OpenAPI document: they are pages, not API.
 */
export const webRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app) => {
  const assets = await loadStaticAssets(DASHBOARD_MOUNTS);
  for (const [path, asset] of assets) {
    app.get(path, { schema: { hide: true } }, async (request, reply) => {
      void reply
        .header('content-type', asset.contentType)
        .header('etag', asset.etag)
        // Revalidated at each load: a new release is seen at once, unchanged files cost a 304.
        .header('cache-control', 'no-cache')
        .header('x-content-type-options', 'nosniff')
        .header('referrer-policy', 'no-referrer');
      if (asset.contentType.startsWith('text/html'))
        void reply.header('content-security-policy', contentSecurityPolicy(asset));
      if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
      return reply.send(asset.body);
    });
  }
  app.get('/console', { schema: { hide: true } }, (_request, reply) =>
    reply.redirect('/console/', 301),
  );
};
