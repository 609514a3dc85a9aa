import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../app-context.js';
import type { EnergyService } from '../energy/energy-service.js';
import type { IngestionHub } from '../ingestion/ingestion-hub.js';
import type { LightingReportService } from '../lighting/lighting-report-service.js';
import { energyFeedSection } from './energy-feed-section.js';
import type { FeedSection } from './feed-section.js';
import { lightingFeedSection } from './lighting-feed-section.js';
import { LiveFeed } from './live-feed.js';
import { publicFeedRoutes } from './public-feed-routes.js';
import { PublicFeedSettings, type PublicFeedSettingsInput } from './public-feed-settings.js';
import { PublicHistory } from './public-history.js';
import { SectionRegistry } from './section-registry.js';

/** What a section is built from: the app context and the domain services it reads. */
export interface SectionDeps {
  readonly ctx: AppContext;
  readonly energy: EnergyService;
  readonly lightingReports: LightingReportService;
}

/**
 * The sections of the public feed, in page order. A later section (incidents, budget) is a
 * file beside these and one line here; its page half is a file in
 * dashboards/pages/public/sections/ and one line in that folder's index.
 */
const SECTIONS: readonly ((deps: SectionDeps) => FeedSection)[] = [
  ({ energy }) => energyFeedSection({ energy }),
  ({ ctx, lightingReports }) => lightingFeedSection({ db: ctx.db, reports: lightingReports }),
];

/**
 * The ingestion listeners that must run before the feed's: their domains store what the
 * sections read (a zone's level, tonight's figures), so a section computed on a batch's
 * trigger already sees that batch. The hub runs listeners in the order they were added, that
 * is the order of the domains in app.ts.
 */
export const FEED_READS_AFTER = ['lighting'] as const;

/** Throws unless every listener the feed reads after is in the hub already. */
export function requireListenersBefore(hub: IngestionHub, names: readonly string[]): void {
  const missing = names.filter((n) => !hub.listenerNames.includes(n));
  if (missing.length > 0) {
    throw new Error(
      `public feed: register it after the domains whose ingestion listeners it reads after ` +
        `(missing: ${missing.join(', ')}; see DOMAINS in app.ts)`,
    );
  }
}

/**
 * The public dashboard's feed: `GET /public/live` (server-sent events), `/public/snapshot`
 * and `/public/history`, no token. It reads through the energy and lighting domains' services,
 * the app context's (one instance, one cache, for the domains' routes and the feed), and
 * listens to ingestion for what makes its sections stale. `settings` and `sections` are for
 * tests and the benchmark; the app uses the defaults.
 */
export const publicFeedPlugin: FastifyPluginAsyncZod<{
  ctx: AppContext;
  settings?: PublicFeedSettingsInput;
  sections?: readonly ((deps: SectionDeps) => FeedSection)[];
}> = async (app, { ctx, settings: input, sections = SECTIONS }) => {
  const settings = Object.freeze(PublicFeedSettings.parse(input ?? {}));
  requireListenersBefore(ctx.ingestion, FEED_READS_AFTER);
  const { clock, log, energySettings, energy, lightingReports } = ctx;
  const deps: SectionDeps = { ctx, energy, lightingReports };
  const registry = new SectionRegistry(sections.map((make) => make(deps)));
  const feed = new LiveFeed({ registry, clock, log, settings, timeZone: energySettings.timeZone });
  const history = new PublicHistory({ energy, clock, ttlMs: settings.historyTtlMs });

  // After the listeners of FEED_READS_AFTER (checked above): what they store is there when a
  // section reads it. The feed only marks sections stale here and computes them later.
  const removeListener = ctx.ingestion.addListener({
    name: 'public-feed',
    onBatch(messages) {
      feed.noteIngested(messages);
      return Promise.resolve();
    },
  });
  // preClose, not onClose: the server waits for open connections before onClose hooks run, and
  // an event stream never ends by itself.
  app.addHook('preClose', (done) => {
    feed.close();
    done();
  });
  app.addHook('onClose', () => {
    removeListener();
    feed.close();
    return Promise.resolve();
  });

  await app.register(publicFeedRoutes, { feed, history, registry, settings });
};
