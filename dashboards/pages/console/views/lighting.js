import { byId, h } from '../dom.js';
import { ago, dateTime } from '../format.js';
import { maybeT, t } from '../i18n.js';

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
  return h(
    'section',
    { class: 'controller card', 'aria-labelledby': id },
    h('h2', { id, text: `${device.site} / ${device.device}` }),
    zones.length === 0
      ? h('p', { class: 'empty', text: t('noLevels') })
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'zones' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['colZone', 'colLevel', 'colMode', 'colReasons', 'colSince'].map((key) =>
                  h('th', { scope: 'col', text: t(key) }),
                ),
              ),
            ),
            h('tbody', {}, zones.map(zoneRow)),
          ),
        ),
  );
}

function zoneRow(zone) {
  return h(
    'tr',
    { dataset: { zone: zone.zone } },
    h('th', { scope: 'row', text: zone.zone }),
    h(
      'td',
      { class: 'level' },
      h('meter', { min: 0, max: 100, value: zone.level, 'aria-hidden': 'true' }),
      h('span', { text: `${zone.level} %` }),
    ),
    h('td', { text: maybeT(`mode_${zone.mode}`) ?? zone.mode }),
    h(
      'td',
      {},
      h(
        'ol',
        { class: 'reasons' },
        zone.reasons.map((r) => h('li', { text: r })),
      ),
    ),
    h('td', { title: dateTime(zone.at), text: ago(zone.at) }),
  );
}
