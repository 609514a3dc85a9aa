import { byId, h } from '../dom.js';
import { ago, dateTime, duration } from '../format.js';
import { maybeT, t } from '../i18n.js';

// The devices table: one row per registered device with what the cloud knows of it. Meter and
// lock-board health come from the device's active alarms (`meter-unreachable`,
// `board-unreachable`): the cloud keeps no other per-meter or per-board state.

const HEALTH_ALARMS = { meters: 'meter-unreachable', locker: 'board-unreachable' };

/** The Devices view. */
export function devicesView({ api }) {
  const body = byId('devices-body');
  const empty = byId('devices-empty');
  let last = null;

  function render() {
    if (last === null) return;
    const { devices, alarms } = last;
    empty.hidden = devices.length > 0;
    body.replaceChildren(...devices.map((d) => row(d, alarms)));
  }

  return {
    id: 'devices',
    async refresh() {
      const [list, active] = await Promise.all([
        api('GET', '/api/v1/devices'),
        api('GET', '/api/v1/alarms?state=active&limit=500'),
      ]);
      last = { devices: list.devices, alarms: active.alarms };
      render();
    },
    render,
  };
}

function row(d, alarms) {
  const key = `${d.site}/${d.device}`;
  const s = d.status;
  return h(
    'tr',
    { dataset: { device: key } },
    h(
      'th',
      { scope: 'row' },
      h('span', { class: 'device-name', text: `${d.site} / ${d.device}` }),
      h('span', { class: 'sub', text: maybeT(`kind_${d.kind}`) ?? d.kind }),
    ),
    h(
      'td',
      { class: 'state' },
      s === null
        ? h('span', { class: 'badge badge--muted', text: t('neverSeen') })
        : [
            h('span', {
              class: `badge ${s.online ? 'badge--ok' : 'badge--bad'}`,
              text: t(s.online ? 'online' : 'offline'),
            }),
            h('span', {
              class: 'sub',
              title: dateTime(s.lastSeenAt),
              text: t('lastSeen', ago(s.lastSeenAt)),
            }),
          ],
    ),
    h(
      'td',
      {},
      // The agent's software version is in its birth message but the cloud does not store it.
      h('span', { text: t('firmware', t('none')) }),
      h('span', {
        class: 'sub',
        text: t('config', s?.configVersion == null ? t('none') : `v${s.configVersion}`),
      }),
    ),
    h(
      'td',
      {},
      h('span', { text: s?.outboxDepth == null ? t('none') : t('outboxDepth', s.outboxDepth) }),
      s?.outboxOldestAgeMs == null || s.outboxDepth === 0
        ? null
        : h('span', { class: 'sub', text: t('outboxAge', duration(s.outboxOldestAgeMs)) }),
    ),
    h('td', {}, health(d, alarms)),
  );
}

function health(d, alarms) {
  const type = HEALTH_ALARMS[d.kind];
  if (type === undefined || d.status === null) return t('none');
  const failing = alarms.filter(
    (a) => a.site === d.site && a.device === d.device && a.type === type,
  ).length;
  const label = t(d.kind === 'meters' ? 'meters' : 'boards');
  const value =
    failing === 0
      ? t('healthOk')
      : t(d.kind === 'meters' ? 'meterProblems' : 'boardProblems', failing);
  return h('span', { class: failing === 0 ? 'ok' : 'bad', text: t('labelled', label, value) });
}
