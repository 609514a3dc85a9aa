import { byId, el, setChildren } from '../../shared/dom.js';
import { ago, dateTime, duration, t, textOr } from '../texts.js';
import { deviceHealthPanel } from './device-health.js';

// The devices table: one row per registered device with what the cloud knows of it. The health
// column sums up the device's active `meter-unreachable` / `board-unreachable` alarms (an alarm
// stays active until someone resolves it, so the summary errs on the side of looking); each
// row's "Détails" opens the hardware as the device itself reports it, refreshed with the view.
// Rows are kept across refreshes, so the focus stays on the button a technician pressed.
// A device that runs a configuration is asked for its config state too: the local-only keys
// (wiring, safety caps) the cloud set and the agent ignored show as a warning under its version.

const HEALTH_ALARMS = { meters: 'meter-unreachable', locker: 'board-unreachable' };

/** The Devices view. */
export function devicesView({ api }) {
  const body = byId('devices-body');
  const empty = byId('devices-empty');
  const rows = new Map();
  let last = null;

  function render() {
    if (last === null) return;
    const { devices, alarms, ignored } = last;
    empty.hidden = devices.length > 0;
    const seen = new Set();
    let position = 0;
    for (const d of devices) {
      const key = `${d.site}/${d.device}`;
      seen.add(key);
      let row = rows.get(key);
      if (row === undefined) rows.set(key, (row = deviceRow(api, d)));
      row.update(d, alarms, ignored.get(key) ?? []);
      // Moved only when out of place: moving a node takes the focus out of it.
      for (const tr of row.nodes()) {
        if (body.children[position] !== tr) body.insertBefore(tr, body.children[position] ?? null);
        position++;
      }
    }
    for (const [key, row] of rows) {
      if (seen.has(key)) continue;
      for (const tr of row.nodes()) tr.remove();
      rows.delete(key);
    }
  }

  return {
    id: 'devices',
    async refresh() {
      const [list, active] = await Promise.all([
        api('GET', '/api/v1/devices'),
        api('GET', '/api/v1/alarms?state=active&limit=500'),
      ]);
      const ignored = await ignoredKeysOf(api, list.devices);
      last = { devices: list.devices, alarms: active.alarms, ignored };
      render();
      await Promise.all([...rows.values()].map((row) => row.refreshHealth()));
    },
    render,
  };
}

/** One device's row, and its health panel's row below it while open. */
function deviceRow(api, device) {
  const key = `${device.site}/${device.device}`;
  const name = `${device.site} / ${device.device}`;
  const id = `device-${key.replace('/', '-')}`;
  const nameCell = el('th', { scope: 'row' });
  const stateCell = el('td', { class: 'state' });
  const versionsCell = el('td', {});
  const outboxCell = el('td', {});
  const summary = el('span', {});
  const toggle = el('button', {
    type: 'button',
    class: 'details',
    'aria-expanded': 'false',
    'aria-controls': `${id}-health`,
    'aria-describedby': `${id}-name`,
  });
  const main = el(
    'tr',
    { 'data-device': key },
    nameCell,
    stateCell,
    versionsCell,
    outboxCell,
    el('td', { class: 'health-cell' }, summary, toggle),
  );
  const panel = deviceHealthPanel({ api, key, name });
  const detail = el(
    'tr',
    { class: 'device-detail', id: `${id}-health`, 'data-health': key },
    el('td', { colspan: 5 }, panel.node),
  );
  let open = false;

  toggle.addEventListener('click', () => {
    open = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (!open) {
      detail.remove();
      return;
    }
    main.after(detail);
    void panel.load();
  });

  return {
    nodes: () => (open ? [main, detail] : [main]),
    refreshHealth: () => (open ? panel.load() : Promise.resolve()),
    update(d, alarms, ignoredKeys) {
      const s = d.status;
      setChildren(
        nameCell,
        el('span', { class: 'device-name', id: `${id}-name` }, name),
        el('span', { class: 'sub' }, textOr(`kind_${d.kind}`, d.kind)),
      );
      setChildren(stateCell, stateOf(s));
      setChildren(
        versionsCell,
        el('span', {}, t('firmware', { version: s?.agentVersion ?? t('none') })),
        el(
          'span',
          { class: 'sub' },
          t('config', { version: s?.configVersion == null ? t('none') : `v${s.configVersion}` }),
        ),
        ignoredKeysWarning(ignoredKeys),
      );
      setChildren(
        outboxCell,
        el(
          'span',
          {},
          s?.outboxDepth == null ? t('none') : t('outboxDepth', { count: s.outboxDepth }),
        ),
        s?.outboxOldestAgeMs == null || s.outboxDepth === 0
          ? null
          : el('span', { class: 'sub' }, t('outboxAge', { age: duration(s.outboxOldestAgeMs) })),
      );
      setChildren(summary, alarmSummary(d, alarms));
      toggle.textContent = t('details');
      panel.render();
    },
  };
}

/**
 * `site/device` → `['lighting.failsafe', …]` for the devices that run a configuration. One
 * failed answer leaves that device without a warning rather than the whole view without rows.
 */
async function ignoredKeysOf(api, devices) {
  const running = devices.filter((d) => d.status?.configVersion != null);
  const answers = await Promise.all(
    running.map((d) =>
      api(
        'GET',
        `/api/v1/devices/${encodeURIComponent(d.site)}/${encodeURIComponent(d.device)}/config`,
      ).catch(() => null),
    ),
  );
  const out = new Map();
  running.forEach((d, i) => {
    const byModule = answers[i]?.reported?.ignoredKeys ?? {};
    const names = Object.entries(byModule).flatMap(([module, keys]) =>
      keys.map((key) => `${module}.${key}`),
    );
    if (names.length > 0) out.set(`${d.site}/${d.device}`, names);
  });
  return out;
}

/** `⚠ Config. : clés locales ignorées — lighting.failsafe`, or nothing. */
function ignoredKeysWarning(names) {
  if (names.length === 0) return null;
  return el(
    'span',
    { class: 'sub warn ignored-keys', title: t('ignoredKeysHint') },
    el('span', { 'aria-hidden': 'true' }, '⚠ '),
    t('ignoredKeys', { keys: names.join(', ') }),
  );
}

function stateOf(s) {
  if (s === null) return [el('span', { class: 'badge badge--muted' }, t('neverSeen'))];
  return [
    el(
      'span',
      { class: `badge ${s.online ? 'badge--ok' : 'badge--bad'}` },
      t(s.online ? 'online' : 'offline'),
    ),
    el(
      'span',
      { class: 'sub', title: dateTime(s.lastSeenAt) },
      t('lastSeen', { ago: ago(s.lastSeenAt) }),
    ),
  ];
}

/** `Cartes : OK`, or how many are unreachable, from the device's active alarms. */
function alarmSummary(d, alarms) {
  const type = HEALTH_ALARMS[d.kind];
  if (type === undefined || d.status === null) return t('none');
  const failing = alarms.filter(
    (a) => a.site === d.site && a.device === d.device && a.type === type,
  ).length;
  const label = t(d.kind === 'meters' ? 'meters' : 'boards');
  const value = failing === 0 ? t('healthOk') : t('problems', { count: failing });
  return el('span', { class: failing === 0 ? 'ok' : 'bad' }, t('labelled', { label, value }));
}
