import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HameauError } from '@hameau/protocol';
import { errorResponses } from '../http/common-schemas.js';
import type { LiveFeed } from './live-feed.js';
import { feedPayloadSchema } from './public-feed-schemas.js';
import type { PublicFeedSettings } from './public-feed-settings.js';
import { PublicHistoryQuery, PublicHistoryView, type PublicHistory } from './public-history.js';
import type { SectionRegistry } from './section-registry.js';

/**
 * The public dashboard's data, no token: the live feed as server-sent events, the same payload
 * as JSON (first paint, clients without EventSource), and the history chart.
 */
export const publicFeedRoutes: FastifyPluginAsyncZod<{
  feed: LiveFeed;
  history: PublicHistory;
  registry: SectionRegistry;
  settings: PublicFeedSettings;
}> = (app, { feed, history, registry, settings }) => {
  const tags = ['public'];
  const Payload = feedPayloadSchema(registry);

  app.get(
    '/public/live',
    {
      schema: {
        summary: 'The public dashboard, live: server-sent events (text/event-stream)',
        description:
          'On connect, `retry:` and a `snapshot` event (the payload of `/public/snapshot`) unless ' +
          '`Last-Event-ID` names the current version; then an `update` event with the sections ' +
          'that changed, at most every ' +
          `${settings.minIntervalMs} ms and within a second of ingestion; a comment line every ` +
          `${settings.heartbeatMs / 1000} s. 503 \`PUBLIC_FEED_FULL\` when ${settings.maxStreams} ` +
          'streams are open (`Retry-After`). See docs/dashboards.md.',
        tags,
        headers: z
          .object({ 'last-event-id': z.string().max(100).optional() })
          .describe('Sent by EventSource when it reconnects'),
        response: { ...errorResponses(503) },
      },
    },
    async (request, reply) => {
      // Checked again after waiting: others may have taken the last places, or the app closed.
      const admit = () => {
        if (feed.closed) throw new HameauError('PUBLIC_FEED_FULL', 'the API is shutting down');
        if (!feed.full) return;
        feed.noteRefused();
        void reply.header('retry-after', String(settings.fullRetryAfterS));
        throw new HameauError(
          'PUBLIC_FEED_FULL',
          `the live feed serves ${settings.maxStreams} viewers already; ` +
            `try again in ${settings.fullRetryAfterS} s`,
        );
      };
      admit();
      await feed.prepare();
      admit();
      // From here the stream is ours: fastify sends nothing more on this reply.
      reply.hijack();
      feed.open(reply.raw, request.headers['last-event-id']);
    },
  );

  app.get(
    '/public/snapshot',
    {
      schema: {
        summary: 'The public dashboard now: every section, as the live feed sends it',
        tags,
        response: { 200: Payload },
      },
    },
    async (_request, reply) => {
      const json = await feed.snapshotJson();
      // Already validated section by section and serialized once for every viewer: the text
      // goes out as it is, and the schema above only documents it.
      return reply
        .header('cache-control', 'public, max-age=1')
        .type('application/json; charset=utf-8')
        .serializer(String)
        .send(json as unknown as z.output<typeof Payload>);
    },
  );

  app.get(
    '/public/history',
    {
      schema: {
        summary: "The town's consumption, production and green share for a chart",
        tags,
        querystring: PublicHistoryQuery,
        response: { 200: PublicHistoryView, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const view = await history.get(request.query.range);
      void reply.header(
        'cache-control',
        `public, max-age=${Math.round(settings.historyTtlMs / 1000)}`,
      );
      return view;
    },
  );

  return Promise.resolve();
};
