import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../app-context.js';
import { EnergyService } from '../energy/energy-service.js';
import { MeterRoleService } from '../energy/meter-role-service.js';
import { LightingReportService } from '../lighting/lighting-report-service.js';
import { energyFeedSection } from './energy-feed-section.js';
import type { FeedSection } from './feed-section.js';
import { lightingFeedSection } from './lighting-feed-section.js';
import { LiveFeed } from './live-feed.js';
import { publicFeedRoutes } from './public-feed-routes.js';
import { PublicFeedSettings, type PublicFeedSettingsInput } from './public-feed-settings.js';
import { PublicHistory } from './public-history.js';
import { SectionRegistry } from './section-registry.js';

/** What a section is built from: the app context and the domain services the feed made. */
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
 * The public dashboard's feed: `GET /public/live` (server-sent events), `/public/snapshot`
 * and `/public/history`, no token. It reads through the energy and lighting domains' services
 * and listens to ingestion for what makes its sections stale. `settings` and `sections` are for
 * tests and the benchmark; the app uses the defaults.
 */
export const publicFeedPlugin: FastifyPluginAsyncZod<{
  ctx: AppContext;
  settings?: PublicFeedSettingsInput;
  sections?: readonly ((deps: SectionDeps) => FeedSection)[];
}> = async (app, { ctx, settings: input, sections = SECTIONS }) => {
  const settings = Object.freeze(PublicFeedSettings.parse(input ?? {}));
  const { db, clock, log, timeSeries: store, energySettings } = ctx;
  const roles = new MeterRoleService({
    db,
    clock,
    log,
    store,
    measurement: energySettings.measurement,
  });
  const energy = new EnergyService({ store, roles, clock, settings: energySettings });
  const lightingReports = new LightingReportService({ db, clock, timeSeries: store });
  const deps: SectionDeps = { ctx, energy, lightingReports };
  const registry = new SectionRegistry(sections.map((make) => make(deps)));
  const feed = new LiveFeed({ registry, clock, log, settings, timeZone: energySettings.timeZone });
  const history = new PublicHistory({ energy, clock, ttlMs: settings.historyTtlMs });

  // Registered after the lighting domain's listener (DOMAINS order), so a level it stores is
  // there when the feed reads it; the feed only marks sections here and computes later.
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
