// The history chart (uPlot, served from this origin) for the last 24 hours, 7 days or 30 days,
// with a text summary and the data as a table for those who cannot see the chart. Fetched when
// the range changes, and again at most once a minute while the live figures move.

import { el, setText } from '../shared/dom.js';
import { formatEnergy, formatNumber, formatPower, formatShare } from '../shared/format.js';

const REFRESH_MS = 60_000;
const RANGES = ['day', 'week', 'month'];
const COLORS = { consumption: '#1f4e9c', production: '#9a4f00' };

const strings = {
  fr: {
    historyTitle: 'Historique',
    historyRange: 'Période du graphique',
    'range-day': '24 heures',
    'range-week': '7 jours',
    'range-month': '30 jours',
    historyChart: 'Graphique : consommation et production de la commune, puissance moyenne en kW',
    historyConsumption: 'Consommation',
    historyProduction: 'Production locale',
    historySummary:
      'Sur {range} : {consumed} consommés, {produced} produits sur place, part verte {share}.',
    historyPeak: 'Plus forte consommation : {power} ({when}).',
    historyEmpty: 'Pas encore de relevés sur cette période.',
    historyLoading: 'Chargement…',
    historyFailed: 'L’historique n’a pas pu être chargé. Nouvel essai à la prochaine mise à jour.',
    historyTable: 'Voir les données du graphique',
    historyWhen: 'Période',
    historyGreen: 'Part verte',
    historyMeanKw: '{what} (kW moyen)',
  },
  en: {
    historyTitle: 'History',
    historyRange: 'Chart period',
    'range-day': '24 hours',
    'range-week': '7 days',
    'range-month': '30 days',
    historyChart: "Chart: the town's consumption and production, mean power in kW",
    historyConsumption: 'Consumption',
    historyProduction: 'Local production',
    historySummary:
      'Over {range}: {consumed} used, {produced} produced locally, green share {share}.',
    historyPeak: 'Highest use: {power} ({when}).',
    historyEmpty: 'No readings in this period yet.',
    historyLoading: 'Loading…',
    historyFailed: 'The history could not be loaded. Trying again at the next update.',
    historyTable: 'Show the chart data',
    historyWhen: 'Period',
    historyGreen: 'Green share',
    historyMeanKw: '{what} (mean kW)',
  },
};

/** A bucket's start as people read it: a time for the day chart, else a date (and hour). */
function bucketLabel(seconds, step, locale, timeZone) {
  const options =
    step === '15m'
      ? { hour: '2-digit', minute: '2-digit' }
      : step === '1h'
        ? { weekday: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }
        : { weekday: 'short', day: 'numeric', month: 'short' };
  return new Intl.DateTimeFormat(locale, { timeZone, ...options }).format(new Date(seconds * 1000));
}

export const historySection = {
  key: 'history',
  // Refreshed while the energy figures move.
  feed: 'energy',
  strings,
  create(ctx) {
    let range = 'day';
    let history = null;
    let failed = false;
    let fetchedAt = -Infinity;
    let loading = null;
    let plot = null;

    const buttons = RANGES.map((r) =>
      el('button', {
        type: 'button',
        class: 'range-button',
        'data-range': r,
        'data-text': `range-${r}`,
      }),
    );
    const chart = el('div', {
      class: 'chart',
      id: 'history-chart',
      role: 'img',
      'data-label': 'historyChart',
    });
    const summaryText = el('p', { class: 'chart-summary', id: 'history-summary' });
    const table = el('table', { class: 'chart-table', id: 'history-table' });
    const element = el(
      'section',
      { class: 'card card--history', id: 'history', 'aria-labelledby': 'history-title' },
      el('h2', { id: 'history-title', 'data-text': 'historyTitle' }),
      el('div', { class: 'range', role: 'group', 'data-label': 'historyRange' }, ...buttons),
      chart,
      summaryText,
      el('details', { class: 'chart-data' }, el('summary', { 'data-text': 'historyTable' }), table),
    );
    for (const button of buttons) {
      button.addEventListener('click', () => {
        if (range === button.dataset.range) return;
        range = button.dataset.range;
        history = null;
        render();
        void load();
      });
    }

    async function load() {
      const wanted = range;
      fetchedAt = Date.now();
      loading = wanted;
      try {
        const res = await fetch(ctx.api(`public/history?range=${wanted}`));
        if (!res.ok) throw new Error(`history: ${res.status}`);
        const json = await res.json();
        if (wanted !== range) return;
        history = json;
        failed = false;
      } catch {
        if (wanted === range) failed = true;
      } finally {
        if (loading === wanted) loading = null;
      }
      render();
    }

    function drawChart() {
      const uPlot = globalThis.uPlot;
      plot?.destroy();
      plot = null;
      if (uPlot === undefined || history === null) return;
      const { t, locale } = ctx;
      const [times, consumption, production] = history.data;
      const width = Math.max(chart.clientWidth, 280);
      const power = (u, v) => (v === null || v === undefined ? '—' : formatPower(v * 1000, locale));
      plot = new uPlot(
        {
          width,
          height: 220,
          tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), history.timeZone),
          // Labels only: the values are in the table below, readable by everyone.
          legend: { live: false },
          scales: { y: { range: (u, min, max) => [0, max > 0 ? max * 1.15 : 1] } },
          series: [
            {
              label: t('historyWhen'),
              value: (u, v) =>
                v === null ? '—' : bucketLabel(v, history.step, locale, history.timeZone),
            },
            {
              label: t('historyConsumption'),
              stroke: COLORS.consumption,
              fill: 'rgba(31, 78, 156, 0.10)',
              width: 2,
              value: power,
            },
            { label: t('historyProduction'), stroke: COLORS.production, width: 2, value: power },
          ],
          axes: [
            {
              stroke: '#333',
              grid: { stroke: '#e2e2e2' },
              values: (u, splits) =>
                splits.map((s) =>
                  bucketLabel(
                    s,
                    history.step === '1h' ? '1d' : history.step,
                    locale,
                    history.timeZone,
                  ),
                ),
            },
            {
              stroke: '#333',
              grid: { stroke: '#e2e2e2' },
              values: (u, splits) => splits.map((s) => `${formatNumber(s, locale, 1)} kW`),
              size: 64,
            },
          ],
        },
        [times, consumption, production],
        chart,
      );
    }

    function renderTable() {
      const { t, locale } = ctx;
      const head = el(
        'tr',
        {},
        el('th', { scope: 'col' }, t('historyWhen')),
        el('th', { scope: 'col' }, t('historyMeanKw', { what: t('historyConsumption') })),
        el('th', { scope: 'col' }, t('historyMeanKw', { what: t('historyProduction') })),
        el('th', { scope: 'col' }, t('historyGreen')),
      );
      const [times = [], consumption = [], production = [], share = []] = history?.data ?? [];
      const cell = (v, f) => el('td', {}, v === null || v === undefined ? '—' : f(v));
      const rows = times.map((time, i) =>
        el(
          'tr',
          {},
          el('th', { scope: 'row' }, bucketLabel(time, history.step, locale, history.timeZone)),
          cell(consumption[i], (v) => formatNumber(v, locale, 2)),
          cell(production[i], (v) => formatNumber(v, locale, 2)),
          cell(share[i], (v) => formatShare(v, locale)),
        ),
      );
      table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
    }

    function render() {
      const { t, locale } = ctx;
      for (const button of buttons)
        button.setAttribute('aria-pressed', String(button.dataset.range === range));
      if (history === null) {
        plot?.destroy();
        plot = null;
        setText(summaryText, failed ? t('historyFailed') : t('historyLoading'));
        table.replaceChildren();
        return;
      }
      const { totals, data } = history;
      const [times, consumption] = data;
      let peak = -1;
      consumption.forEach((v, i) => {
        if (v !== null && (peak < 0 || v > consumption[peak])) peak = i;
      });
      const kwh = (v) => (v === null ? '—' : formatEnergy(v, locale));
      const text =
        totals.consumptionKwh === null
          ? t('historyEmpty')
          : `${t('historySummary', {
              range: t(`range-${history.range}`),
              consumed: kwh(totals.consumptionKwh),
              produced: kwh(totals.productionKwh),
              share: totals.greenShare === null ? '—' : formatShare(totals.greenShare, locale),
            })}${
              peak < 0
                ? ''
                : ` ${t('historyPeak', {
                    power: formatPower(consumption[peak] * 1000, locale),
                    when: bucketLabel(
                      times[peak],
                      history.step === '1d' ? '1d' : '1h',
                      locale,
                      history.timeZone,
                    ),
                  })}`
            }`;
      setText(summaryText, text);
      drawChart();
      renderTable();
    }

    // The chart follows the card's width (a phone turned sideways, a framed page resized).
    new ResizeObserver(() => {
      if (plot !== null) plot.setSize({ width: Math.max(chart.clientWidth, 280), height: 220 });
    }).observe(chart);

    return {
      element,
      update() {
        if (history === null && loading === null && !failed) void load();
        else if (Date.now() - fetchedAt >= REFRESH_MS && loading === null) void load();
      },
      relabel() {
        render();
      },
    };
  },
};
