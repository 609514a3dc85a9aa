// Street lighting: each zone's level now and why (the controller's own reason, shortened), and
// the energy the last night saved against the same lamps at full power.

import { el, setText } from '../shared/dom.js';
import { formatDay, formatEnergy, formatPercent } from '../shared/format.js';

const strings = {
  fr: {
    lightingTitle: 'Éclairage public',
    'lightingSummary.one': '{count} zone allumée sur {total} · niveau moyen {level}',
    'lightingSummary.other': '{count} zones allumées sur {total} · niveau moyen {level}',
    lightingSummaryDark: 'Toutes les zones sont éteintes ({total} zones)',
    lightingNone: 'Aucun contrôleur d’éclairage n’a encore envoyé de niveau.',
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
      const last = data.lastNight;
      night.classList.toggle('lighting-night--none', last === null);
      setText(
        night,
        last === null
          ? t('lightingNightNone')
          : t('lightingNight', {
              night: formatDay(last.night, locale),
              pct: last.savingsPct === null ? '—' : formatPercent(last.savingsPct, locale),
            }),
      );
      setText(
        nightEnergy,
        last === null
          ? ''
          : t('lightingNightEnergy', {
              energy: formatEnergy(last.energyWh / 1000, locale),
              baseline: formatEnergy(last.baselineWh / 1000, locale),
            }),
      );
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
