// The town's consumption now (the headline), today against yesterday, and the green share with
// its definition one click away. The headline is announced to screen readers at most once a
// minute: a figure that changes four times a second must not talk over everything.

import { el, setText } from '../shared/dom.js';
import { formatChange, formatEnergy, formatPower, formatShare } from '../shared/format.js';

const ANNOUNCE_EVERY_MS = 60_000;

const strings = {
  fr: {
    energyTitle: 'Consommation d’électricité',
    energyNow: 'La commune consomme maintenant',
    'energyMeters.one': '{count} compteur relevé',
    'energyMeters.other': '{count} compteurs relevés',
    'energyMetersStale.one': '{count} compteur relevé · {stale} sans relevé récent',
    'energyMetersStale.other': '{count} compteurs relevés · {stale} sans relevé récent',
    energyAnnounce: 'La commune consomme maintenant {value}.',
    energyToday: 'Aujourd’hui',
    energyYesterdaySame: 'Hier à la même heure',
    energyYesterday: 'Hier, toute la journée',
    energyProduction: 'Produit sur place aujourd’hui',
    energyChange: '{change} par rapport à hier à la même heure',
    energyPartial: 'incomplet',
    greenTitle: 'Part verte aujourd’hui',
    greenNone: 'Pas encore de consommation relevée aujourd’hui.',
    greenWhat: 'Qu’est-ce que c’est ?',
    greenDefinition:
      'Toutes les 15 minutes : la production solaire de la commune, plus {gridShare} de ' +
      'l’électricité prise au réseau (sa part renouvelable), divisées par ce que la commune a ' +
      'consommé. Sans compteur au raccordement, l’électricité prise au réseau est estimée : ' +
      'consommation moins production. Sur la journée : l’énergie verte additionnée, divisée par ' +
      'la consommation additionnée.',
    greenEstimated: 'L’électricité prise au réseau est estimée (pas de compteur au raccordement).',
    greenFormula: 'Formule :',
    greenSource: 'Part renouvelable du réseau : {share}. Source : {source}',
    greenFull: 'La définition officielle (API, en anglais)',
  },
  en: {
    energyTitle: 'Electricity use',
    energyNow: 'The town is using right now',
    'energyMeters.one': '{count} meter read',
    'energyMeters.other': '{count} meters read',
    'energyMetersStale.one': '{count} meter read · {stale} without a recent reading',
    'energyMetersStale.other': '{count} meters read · {stale} without a recent reading',
    energyAnnounce: 'The town is using {value} right now.',
    energyToday: 'Today',
    energyYesterdaySame: 'Yesterday by this time',
    energyYesterday: 'Yesterday, whole day',
    energyProduction: 'Produced locally today',
    energyChange: '{change} against yesterday by this time',
    energyPartial: 'incomplete',
    greenTitle: 'Green share today',
    greenNone: 'No consumption read yet today.',
    greenWhat: 'What is this?',
    greenDefinition: '',
    greenEstimated: 'Grid import is estimated (no meter at the grid connection).',
    greenFormula: 'Formula:',
    greenSource: 'Renewable share of the grid: {share}. Source: {source}',
    greenFull: 'The official definition (API)',
  },
};

/** A `<div><dt/><dd/></div>` row of the figures list. */
function figure(key) {
  const term = el('dt', { 'data-text': key });
  const value = el('dd', { class: 'figure-value' }, '—');
  const note = el('dd', { class: 'figure-note' });
  return { row: el('div', { class: 'figure' }, term, value, note), value, note };
}

export const energySection = {
  key: 'energy',
  feed: 'energy',
  strings,
  create(ctx) {
    const nowValue = el('p', { class: 'headline-value', id: 'energy-now' }, '—');
    const nowMeters = el('p', { class: 'headline-detail', id: 'energy-meters' });
    const announcer = el('p', {
      class: 'visually-hidden',
      id: 'energy-announce',
      'aria-live': 'polite',
      'aria-atomic': 'true',
    });
    const today = figure('energyToday');
    const sameTime = figure('energyYesterdaySame');
    const yesterday = figure('energyYesterday');
    const produced = figure('energyProduction');
    const greenValue = el('p', { class: 'green-value', id: 'green-share' }, '—');
    const greenNote = el('p', { class: 'green-note' });
    const definition = el('p', { class: 'definition-text', id: 'green-definition' });
    const formulaCode = el('code', { lang: 'en' });
    const formula = el(
      'p',
      { class: 'definition-formula', hidden: true },
      el('span', { 'data-text': 'greenFormula' }),
      ' ',
      formulaCode,
    );
    const source = el('p', { class: 'definition-source' });
    const fullLink = el('a', { href: ctx.api('energy/definitions'), 'data-text': 'greenFull' });
    const details = el(
      'details',
      { class: 'definition', id: 'green-details' },
      el('summary', { 'data-text': 'greenWhat' }),
      definition,
      formula,
      source,
      el('p', {}, fullLink),
    );
    const element = el(
      'section',
      { class: 'card card--energy', id: 'energy', 'aria-labelledby': 'energy-title' },
      el('h2', { id: 'energy-title', 'data-text': 'energyTitle' }),
      el(
        'div',
        { class: 'headline' },
        el('p', { class: 'headline-label', 'data-text': 'energyNow' }),
        nowValue,
        nowMeters,
        announcer,
      ),
      el('dl', { class: 'figures' }, today.row, sameTime.row, yesterday.row, produced.row),
      el(
        'div',
        { class: 'green', role: 'group', 'aria-labelledby': 'green-title' },
        el('h3', { id: 'green-title', 'data-text': 'greenTitle' }),
        greenValue,
        greenNote,
        details,
      ),
    );

    let data = null;
    let definitions = null;
    let announcedAt = -Infinity;

    const kwh = (v) => (v === null ? '—' : formatEnergy(v, ctx.locale));

    function render() {
      const { t, locale } = ctx;
      if (data === null) {
        setText(nowValue, '—');
        setText(nowMeters, t('unavailable'));
        return;
      }
      const { powerNow, today: d, yesterday: y, greenShare } = data;
      setText(
        nowValue,
        powerNow.consumptionW === null ? '—' : formatPower(powerNow.consumptionW, locale),
      );
      setText(
        nowMeters,
        t(powerNow.staleMeters > 0 ? 'energyMetersStale' : 'energyMeters', {
          count: powerNow.freshMeters,
          stale: powerNow.staleMeters,
        }),
      );
      setText(today.value, kwh(d.consumptionKwh));
      setText(today.note, d.partial ? t('energyPartial') : '');
      setText(sameTime.value, kwh(y.sameTimeKwh));
      setText(
        sameTime.note,
        y.sameTimeKwh > 0 && d.consumptionKwh !== null
          ? t('energyChange', {
              change: formatChange((d.consumptionKwh - y.sameTimeKwh) / y.sameTimeKwh, locale),
            })
          : '',
      );
      setText(yesterday.value, kwh(y.consumptionKwh));
      setText(yesterday.note, y.partial ? t('energyPartial') : '');
      setText(produced.value, kwh(d.productionKwh));
      setText(greenValue, greenShare.today === null ? '—' : formatShare(greenShare.today, locale));
      setText(
        greenNote,
        greenShare.today === null
          ? t('greenNone')
          : greenShare.gridMetered
            ? ''
            : t('greenEstimated'),
      );
      renderDefinition();
    }

    function renderDefinition() {
      const { t, locale, lang } = ctx;
      const share =
        definitions?.greenShare.gridRenewableShare ?? data?.greenShare.gridRenewableShare;
      const shareText = share === undefined ? '—' : formatShare(share, locale, 1);
      // In English, the energy domain's own words; in French, their translation.
      const text =
        lang === 'en' && definitions !== null
          ? definitions.greenShare.text
          : t('greenDefinition', { gridShare: shareText });
      setText(definition, text);
      formula.hidden = definitions === null;
      setText(formulaCode, definitions?.greenShare.formula ?? '');
      setText(
        source,
        definitions === null
          ? ''
          : t('greenSource', {
              share: shareText,
              source: definitions.greenShare.gridRenewableShareSource,
            }),
      );
    }

    function announce() {
      const now = Date.now();
      if (data?.powerNow.consumptionW == null || now - announcedAt < ANNOUNCE_EVERY_MS) return;
      announcedAt = now;
      setText(
        announcer,
        ctx.t('energyAnnounce', { value: formatPower(data.powerNow.consumptionW, ctx.locale) }),
      );
    }

    fetch(ctx.api('energy/definitions'))
      .then((res) => (res.ok ? res.json() : null))
      .then((json) => {
        definitions = json;
        renderDefinition();
      })
      .catch(() => {
        // The definition's translation is shown without the API's figures.
      });

    return {
      element,
      update(next) {
        data = next;
        render();
        announce();
      },
      relabel() {
        render();
      },
    };
  },
};
