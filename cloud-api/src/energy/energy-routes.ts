import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorResponses, isoTime } from '../http/common-schemas.js';
import { validationFailed } from '../parse-input.js';
import { energyDefinitions } from './energy-definitions.js';
import {
  chartTimes,
  chartValues,
  DefinitionsView,
  GreenShareQuery,
  GreenShareView,
  HistoryQuery,
  HistoryView,
  KwhQuery,
  KwhView,
  NowView,
  periodView,
  round,
  ScopeQuery,
} from './energy-schemas.js';
import type { EnergyScope, EnergyService } from './energy-service.js';
import type { CalendarPeriod, CalendarSpan, LocalDate } from './town-calendar.js';
import { parseDate } from './town-calendar.js';

/** Public figures change with every reading: shared caches may keep them this long. */
export const PUBLIC_MAX_AGE_S = 5;
/** The definitions change only with the configuration. */
export const DEFINITIONS_MAX_AGE_S = 300;

/** The most periods one `kwh` request may span (a year and a month of days). */
export const MAX_PERIODS = 400;
/** The longest green-share request, in days (2,976 quarters). */
export const MAX_GREEN_SHARE_DAYS = 31;

/** `town` or `site:<id>` (validated by the schema) as a scope. */
export function scopeOf(scope: string): EnergyScope {
  return scope.startsWith('site:') ? { site: scope.slice('site:'.length) } : {};
}

/** The periods of a `kwh` query: `from`…`to` (default: the period before today's, and today's). */
export function periodsOf(
  service: EnergyService,
  q: { period: CalendarPeriod; from?: string | undefined; to?: string | undefined },
): CalendarSpan[] {
  const { calendar } = service;
  const to = q.to === undefined ? calendar.dateAt(service.currentTime()) : date(q.to);
  const previous = calendar.shift(
    calendar.periodStart(calendar.startOf(to), q.period),
    q.period,
    1,
  );
  const from = q.from === undefined ? calendar.dateAt(previous) : date(q.from);
  const days = daysBetween(from, to);
  if (days < 0) {
    throw validationFailed([{ path: 'querystring.from', message: 'must not be after `to`' }]);
  }
  // A cheap bound first: a public request must not make the server walk centuries of days.
  if (days > MAX_PERIODS * DAYS_PER[q.period]) {
    throw validationFailed([
      { path: 'querystring.from', message: `spans more than ${MAX_PERIODS} periods` },
    ]);
  }
  const spans = service.periods(q.period, from, to);
  if (spans.length > MAX_PERIODS) {
    throw validationFailed([
      { path: 'querystring.from', message: `spans more than ${MAX_PERIODS} periods` },
    ]);
  }
  return spans;
}

const DAYS_PER: Readonly<Record<CalendarPeriod, number>> = { hour: 1, day: 1, week: 7, month: 31 };

/** Calendar days from `a` to `b` (negative when `b` is before `a`). */
function daysBetween(a: LocalDate, b: LocalDate): number {
  const utc = (d: LocalDate) => Date.UTC(d.year, d.month - 1, d.day);
  return Math.round((utc(b) - utc(a)) / 86_400_000);
}

function date(text: string): LocalDate {
  // The schema has checked it.
  return parseDate(text) as LocalDate;
}

function cache(reply: FastifyReply, seconds: number): void {
  void reply.header('cache-control', `public, max-age=${seconds}`);
}

/** The public energy figures under `/api/v1/energy`: no token, cacheable, small. */
export const energyRoutes: FastifyPluginAsyncZod<{ service: EnergyService }> = (
  app,
  { service },
) => {
  const tags = ['energy'];
  const { calendar, settings } = service;

  app.get(
    '/energy/now',
    {
      schema: {
        summary: "The town's (or a site's) consumption and production power now",
        tags,
        querystring: ScopeQuery,
        response: { 200: NowView, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const now = await service.now(scopeOf(request.query.scope));
      cache(reply, PUBLIC_MAX_AGE_S);
      return {
        scope: request.query.scope,
        at: isoTime(now.at),
        consumptionW: now.consumptionW === null ? null : round(now.consumptionW, 1),
        productionW: now.productionW === null ? null : round(now.productionW, 1),
        gridW: now.gridW === null ? null : round(now.gridW, 1),
        meters: { fresh: now.freshMeters, stale: now.staleMeters },
        staleAfterSeconds: settings.staleAfterSeconds,
      };
    },
  );

  app.get(
    '/energy/kwh',
    {
      schema: {
        summary: 'kWh per day, week or month, from the meters’ counters',
        description:
          'Consumption, production and grid import/export per period of the town’s calendar. ' +
          'The running period is counted up to now (`inProgress`). See `/energy/definitions`.',
        tags,
        querystring: KwhQuery,
        response: { 200: KwhView, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const { period, scope } = request.query;
      const figures = await service.kwh(scopeOf(scope), periodsOf(service, request.query));
      cache(reply, PUBLIC_MAX_AGE_S);
      return { scope, period, timeZone: calendar.timeZone, periods: figures.map(periodView) };
    },
  );

  app.get(
    '/energy/green-share',
    {
      schema: {
        summary: 'The green share every 15 minutes',
        description: 'From the start of `from` to the end of `to` (local days), up to now.',
        tags,
        querystring: GreenShareQuery,
        response: { 200: GreenShareView, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const { scope } = request.query;
      const today = calendar.dateAt(service.currentTime());
      const from = request.query.from === undefined ? today : date(request.query.from);
      const to = request.query.to === undefined ? from : date(request.query.to);
      const days = daysBetween(from, to) + 1;
      if (days < 1) {
        throw validationFailed([{ path: 'querystring.to', message: 'must not be before `from`' }]);
      }
      if (days > MAX_GREEN_SHARE_DAYS) {
        throw validationFailed([
          { path: 'querystring.to', message: `spans more than ${MAX_GREEN_SHARE_DAYS} days` },
        ]);
      }
      const start = calendar.startOf(from);
      const end = calendar.nextStart(calendar.startOf(to), 'day');
      const g = await service.greenShare(scopeOf(scope), start, end);
      cache(reply, PUBLIC_MAX_AGE_S);
      return {
        scope,
        from: isoTime(g.from),
        to: isoTime(g.to),
        stepMinutes: 15 as const,
        gridRenewableShare: settings.gridRenewableShare,
        gridMetered: g.gridMetered,
        overall: g.overall === null ? null : round(g.overall, 4),
        series: ['share', 'consumptionKwh', 'productionKwh', 'gridImportKwh'],
        data: [
          chartTimes(g.times),
          chartValues(g.share, 4),
          chartValues(g.consumption, 3),
          chartValues(g.production, 3),
          chartValues(g.gridImport, 3),
        ],
        definition: energyDefinitions(settings).greenShare.formula,
      };
    },
  );

  app.get(
    '/energy/history',
    {
      schema: {
        summary: 'Consumption and production for a chart: today by hour, or 7 or 30 days',
        tags,
        querystring: HistoryQuery,
        response: { 200: HistoryView, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const { range, scope } = request.query;
      const spans = service.historySpans(range);
      const now = service.currentTime();
      const counted = spans.filter((s) => s.start < now);
      const figures = await service.kwh(scopeOf(scope), counted);
      const values = (pick: (i: number) => number | null) =>
        spans.map((_, i) => (i < figures.length ? pick(i) : null));
      cache(reply, PUBLIC_MAX_AGE_S);
      return {
        scope,
        range,
        step: range === 'day' ? ('hour' as const) : ('day' as const),
        timeZone: calendar.timeZone,
        unit: 'kWh' as const,
        series: ['consumption', 'production'],
        data: [
          chartTimes(spans.map((s) => s.start)),
          chartValues(
            values((i) => figures[i]?.consumption.kwh ?? null),
            3,
          ),
          chartValues(
            values((i) => figures[i]?.production.kwh ?? null),
            3,
          ),
        ],
      };
    },
  );

  app.get(
    '/energy/definitions',
    {
      schema: {
        summary: 'What the energy figures mean: the green share formula, the counter rule',
        tags,
        response: { 200: DefinitionsView },
      },
    },
    (_request, reply) => {
      cache(reply, DEFINITIONS_MAX_AGE_S);
      return Promise.resolve(energyDefinitions(settings));
    },
  );

  return Promise.resolve();
};
