import { byId, el } from '../../shared/dom.js';
import { ago, dateTime, t, textOr } from '../texts.js';

// Every lighting controller's zones: the level each runs now, its mode, and the reason trace
// the controller reported with it (one line per stage: program, calendar, event, override…).

/** The Lighting view. */
export function lightingView({ api }) {
  const list = byId('lighting-list');
  const empty = byId('lighting-empty');
  let controllers = null;

  function render() {
    if (controllers === null) return;
    empty.hidden = controllers.length > 0;
    list.replaceChildren(...controllers.map(controllerSection));
  }

  return {
    id: 'lighting',
    async refresh() {
      const { devices } = await api('GET', '/api/v1/devices');
      const lighting = devices.filter((d) => d.kind === 'lighting');
      const levels = await Promise.all(
        lighting.map((d) => api('GET', `/api/v1/devices/${d.site}/${d.device}/lighting/levels`)),
      );
      controllers = lighting.map((d, i) => ({ device: d, zones: levels[i].zones }));
      render();
    },
    render,
  };
}

function controllerSection({ device, zones }) {
  const id = `lighting-${device.site}-${device.device}`;
  return el(
    'section',
    { class: 'controller card', 'aria-labelledby': id },
    el('h2', { id }, `${device.site} / ${device.device}`),
    zones.length === 0
      ? el('p', { class: 'empty' }, t('noLevels'))
      : el(
          'div',
          { class: 'table-wrap' },
          el(
            'table',
            { class: 'zones' },
            el(
              'thead',
              {},
              el(
                'tr',
                {},
                ['colZone', 'colLevel', 'colMode', 'colReasons', 'colSince'].map((key) =>
                  el('th', { scope: 'col' }, t(key)),
                ),
              ),
            ),
            el('tbody', {}, zones.map(zoneRow)),
          ),
        ),
  );
}

function zoneRow(zone) {
  return el(
    'tr',
    { 'data-zone': zone.zone },
    // The zone's name as the town wrote it (the API falls back to the id when it has none).
    el('th', { scope: 'row' }, zone.name ?? zone.zone),
    el(
      'td',
      { class: 'level' },
      el('meter', { min: 0, max: 100, value: zone.level, 'aria-hidden': 'true' }),
      el('span', {}, `${zone.level} %`),
    ),
    el('td', {}, textOr(`mode_${zone.mode}`, zone.mode)),
    el(
      'td',
      {},
      el(
        'ol',
        { class: 'reasons' },
        zone.reasons.map((r) => el('li', {}, r)),
      ),
    ),
    el('td', { title: dateTime(zone.at) }, ago(zone.at)),
  );
}
