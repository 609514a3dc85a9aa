// Street lighting: each zone's level now and why (the controller's own reason, shortened), and
// the energy saved against the same lamps at full power: tonight's so far while a night is in
// progress (the controllers report it every few minutes), else the last night summed up.

import { el, setText } from '../shared/dom.js';
import { formatDay, formatEnergy, formatPercent, formatTime } from '../shared/format.js';

/** The local date `YYYY-MM-DD` of an instant in a time zone. */
function localDate(instant, timeZone) {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(instant));
}

/** The date before `YYYY-MM-DD`. */
function dayBefore(isoDate) {
  const [y, m, d] = isoDate.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
}

const strings = {
  fr: {
    lightingTitle: 'Éclairage public',
    'lightingSummary.one': '{count} zone allumée sur {total} · niveau moyen {level}',
    'lightingSummary.other': '{count} zones allumées sur {total} · niveau moyen {level}',
    lightingSummaryDark: 'Toutes les zones sont éteintes ({total} zones)',
    lightingNone: 'Aucun contrôleur d’éclairage n’a encore envoyé de niveau.',
    lightingTonight: 'Cette nuit (en cours) : {pct} d’économie par rapport à la pleine puissance',
    lightingTonightEnergy: '{energy} consommés au lieu de {baseline} depuis {since}',
    lightingLastNight:
      'La nuit dernière ({night}) : {pct} d’économie par rapport à la pleine puissance',
    lightingNight: 'Nuit du {night} : {pct} d’économie par rapport à la pleine puissance',
    lightingNightEnergy: '{energy} consommés au lieu de {baseline}',
    lightingNightNone: 'Pas encore de bilan de nuit.',
    lightingZones: 'Niveau de chaque zone',
    lightingLevel: 'niveau {level}',
    'mode-off': 'Éteint (jour)',
    'mode-program': 'Programme de nuit',
    'mode-event': 'Événement',
    'mode-override': 'Intervention technique',
    'mode-failsafe': 'Mode de sécurité',
  },
  en: {
    lightingTitle: 'Street lighting',
    'lightingSummary.one': '{count} of {total} zones lit · average level {level}',
    'lightingSummary.other': '{count} of {total} zones lit · average level {level}',
    lightingSummaryDark: 'Every zone is off ({total} zones)',
    lightingNone: 'No lighting controller has reported a level yet.',
    lightingTonight: 'Tonight (in progress): {pct} saved against full power',
    lightingTonightEnergy: '{energy} used instead of {baseline} since {since}',
    lightingLastNight: 'Last night ({night}): {pct} saved against full power',
    lightingNight: 'Night of {night}: {pct} saved against full power',
    lightingNightEnergy: '{energy} used instead of {baseline}',
    lightingNightNone: 'No night summary yet.',
    lightingZones: 'Level of each zone',
    lightingLevel: 'level {level}',
    'mode-off': 'Off (daytime)',
    'mode-program': 'Night programme',
    'mode-event': 'Event',
    'mode-override': 'Technician’s order',
    'mode-failsafe': 'Safe mode',
  },
};

export const lightingSection = {
  key: 'lighting',
  feed: 'lighting',
  strings,
  create(ctx) {
    const summary = el('p', { class: 'lighting-summary', id: 'lighting-summary' });
    const night = el('p', { class: 'lighting-night', id: 'lighting-night' });
    const nightEnergy = el('p', { class: 'lighting-night-energy' });
    const zones = el('ul', {
      class: 'zones',
      id: 'lighting-zones',
      'aria-labelledby': 'zones-title',
    });
    const element = el(
      'section',
      { class: 'card card--lighting', id: 'lighting', 'aria-labelledby': 'lighting-title' },
      el('h2', { id: 'lighting-title', 'data-text': 'lightingTitle' }),
      summary,
      el('div', { class: 'lighting-savings' }, night, nightEnergy),
      el('h3', { id: 'zones-title', class: 'zones-title', 'data-text': 'lightingZones' }),
      zones,
    );
    let data = null;

    function zoneItem(zone) {
      const { t, locale } = ctx;
      const fill = el('span', { class: 'bar-fill' });
      // CSSOM, not a style attribute: the CSP forbids inline styles, not this.
      fill.style.width = `${zone.level}%`;
      const modeKey = `mode-${zone.mode}`;
      const modeText = t(modeKey) === modeKey ? zone.mode : t(modeKey);
      return el(
        'li',
        { class: `zone zone--${zone.level > 0 ? 'lit' : 'off'}` },
        el(
          'p',
          { class: 'zone-head' },
          el('span', { class: 'zone-name' }, zone.name ?? zone.zone),
          el(
            'span',
            {
              class: 'zone-level',
              'aria-label': t('lightingLevel', { level: formatPercent(zone.level, locale) }),
            },
            formatPercent(zone.level, locale),
          ),
        ),
        el('span', { class: 'bar', 'aria-hidden': 'true' }, fill),
        el(
          'p',
          { class: 'zone-reason' },
          el('span', { class: 'zone-mode' }, modeText),
          zone.reason === null
            ? null
            : el('span', { class: 'zone-trace', lang: 'en' }, zone.reason),
        ),
      );
    }

    /** Tonight's savings so far while a night is in progress, else the last night's. */
    function renderSavings(tonight, last) {
      const { t, locale, timeZone } = ctx;
      const shown = tonight ?? last;
      const pct = (figure) =>
        figure.savingsPct === null ? '—' : formatPercent(figure.savingsPct, locale);
      night.classList.toggle('lighting-night--none', shown === null);
      night.classList.toggle('lighting-night--live', tonight !== null);
      night.dataset.night = tonight !== null ? 'tonight' : last !== null ? 'last' : 'none';
      const energy = (figure) => ({
        energy: formatEnergy(figure.energyWh / 1000, locale),
        baseline: formatEnergy(figure.baselineWh / 1000, locale),
      });
      if (tonight !== null) {
        setText(night, t('lightingTonight', { pct: pct(tonight) }));
        setText(
          nightEnergy,
          tonight.since === null
            ? t('lightingNightEnergy', energy(tonight))
            : t('lightingTonightEnergy', {
                ...energy(tonight),
                since: formatTime(tonight.since, locale, timeZone),
              }),
        );
        return;
      }
      if (last === null) {
        setText(night, t('lightingNightNone'));
        setText(nightEnergy, '');
        return;
      }
      // "Last night" only for the night that began yesterday; an older one says its date.
      const yesterday = dayBefore(localDate(Date.now(), timeZone));
      const key = last.night === yesterday ? 'lightingLastNight' : 'lightingNight';
      setText(night, t(key, { night: formatDay(last.night, locale), pct: pct(last) }));
      setText(nightEnergy, t('lightingNightEnergy', energy(last)));
    }

    function render() {
      const { t, locale } = ctx;
      if (data === null) {
        setText(summary, t('unavailable'));
        setText(night, '');
        setText(nightEnergy, '');
        zones.replaceChildren();
        return;
      }
      const total = data.zones.length;
      setText(
        summary,
        total === 0
          ? t('lightingNone')
          : data.litZones === 0
            ? t('lightingSummaryDark', { total })
            : t('lightingSummary', {
                count: data.litZones,
                total,
                level: formatPercent(data.averageLitLevel ?? 0, locale),
              }),
      );
      renderSavings(data.tonight ?? null, data.lastNight);
      zones.replaceChildren(...data.zones.map(zoneItem));
    }

    return {
      element,
      update(next) {
        data = next;
        render();
      },
      relabel() {
        render();
      },
    };
  },
};
