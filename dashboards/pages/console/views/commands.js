import { byId, el, setOptions } from '../../shared/dom.js';
import { commandTracker } from '../command-tracker.js';
import { t } from '../texts.js';

// The technician's orders: a remote unlock (bank, box, a required reason, a confirmation), a
// lighting override with its expiry and ramp, and a configuration resync. Each order sent shows
// its lifecycle in the tracking list until it succeeds or fails.

const MAX_TRACKERS = 20;

/** The Commands view. `confirm(title, body)` asks the person; `active()` is false once signed out. */
export function commandsView({ api, notify, confirm, active }) {
  const unlockForm = byId('unlock-form');
  const bankSelect = byId('unlock-bank');
  const boxSelect = byId('unlock-box');
  const overrideForm = byId('override-form');
  const controllerSelect = byId('override-device');
  const zoneSelect = byId('override-zone');
  const resyncForm = byId('resync-form');
  const resyncSelect = byId('resync-device');
  const trackers = byId('trackers');
  const trackersEmpty = byId('trackers-empty');
  let devices = [];
  let banks = [];
  const bankDetails = new Map();
  const zonesOf = new Map();

  function render() {
    setOptions(
      bankSelect,
      banks.length === 0
        ? [{ value: '', label: t('noBanks') }]
        : banks.map((b) => ({ value: b.id, label: b.name })),
    );
    const detail = bankDetails.get(bankSelect.value);
    setOptions(
      boxSelect,
      (detail?.boxes ?? []).map((b) => ({
        value: String(b.number),
        label: t('boxOption', { box: b.number, size: b.size, state: t(`box_${b.state}`) }),
      })),
    );
    const controllers = devices.filter((d) => d.kind === 'lighting');
    setOptions(
      controllerSelect,
      controllers.length === 0
        ? [{ value: '', label: t('noControllersOption') }]
        : controllers.map((d) => ({ value: keyOf(d), label: keyOf(d, ' / ') })),
    );
    setOptions(zoneSelect, [
      { value: '', label: t('allZones') },
      ...(zonesOf.get(controllerSelect.value) ?? []).map((z) => ({ value: z, label: z })),
    ]);
    setOptions(
      resyncSelect,
      devices.map((d) => ({ value: keyOf(d), label: keyOf(d, ' / ') })),
    );
  }

  async function loadBank(id) {
    if (id === '') return;
    bankDetails.set(id, await api('GET', `/api/v1/lockers/banks/${encodeURIComponent(id)}/boxes`));
  }

  async function loadZones(key) {
    if (key === '') return;
    const levels = await api('GET', `/api/v1/devices/${key}/lighting/levels`);
    zonesOf.set(
      key,
      levels.zones.map((z) => z.zone),
    );
  }

  function track(title, command, actions) {
    const tracker = commandTracker({ api, title, command, active, actions });
    trackers.prepend(tracker.el);
    while (trackers.children.length > MAX_TRACKERS) trackers.lastElementChild?.remove();
    trackersEmpty.hidden = true;
    void tracker.follow();
  }

  function failed(form, error) {
    const text =
      error.code === 'MQTT_UNAVAILABLE'
        ? t('mqttUnavailable')
        : t('error', { message: error.message });
    form.querySelector('.error').textContent = text;
  }

  unlockForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      const error = unlockForm.querySelector('.error');
      error.textContent = '';
      const bank = bankDetails.get(bankSelect.value);
      const box = Number(boxSelect.value);
      const reason = byId('unlock-reason').value.trim();
      if (reason.length < 3) {
        error.textContent = t('reasonTooShort');
        byId('unlock-reason').focus();
        return;
      }
      if (bank === undefined || !Number.isInteger(box) || box < 1) return;
      if (
        !(await confirm(
          t('confirmUnlockTitle', { box }),
          t('confirmUnlockBody', { bank: bank.name, reason }),
        ))
      ) {
        return;
      }
      try {
        const command = await api('POST', `/api/v1/devices/${bank.site}/${bank.device}/commands`, {
          name: 'unlock',
          args: { box, reason },
        });
        byId('unlock-reason').value = '';
        track(t('trackUnlock', { box, bank: bank.name }), command);
      } catch (e) {
        failed(unlockForm, e);
      }
    })();
  });

  overrideForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      const error = overrideForm.querySelector('.error');
      error.textContent = '';
      if (!overrideForm.reportValidity()) return;
      const key = controllerSelect.value;
      const reason = byId('override-reason').value.trim();
      if (key === '') return;
      if (reason === '') {
        error.textContent = t('reasonMissing');
        return;
      }
      const zone = zoneSelect.value;
      const level = Number(byId('override-level').value);
      const ramp = Number(byId('override-ramp').value);
      try {
        const command = await api('POST', `/api/v1/devices/${key}/lighting/overrides`, {
          zones: zone === '' ? 'all' : [zone],
          level,
          minutes: Number(byId('override-minutes').value),
          ...(ramp > 0 && { rampSeconds: ramp }),
          reason,
        });
        byId('override-reason').value = '';
        const device = key.replace('/', ' / ');
        track(
          t('trackOverride', { zone: zone === '' ? t('allZones') : zone, level, device }),
          command,
          (c) => {
            const end = el('button', { type: 'button' }, t('endOverride'));
            end.addEventListener('click', () => void clearOverride(end, key, c.id));
            return [end];
          },
        );
      } catch (e) {
        failed(overrideForm, e);
      }
    })();
  });

  async function clearOverride(button, key, id) {
    button.disabled = true;
    try {
      const command = await api(
        'POST',
        `/api/v1/devices/${key}/lighting/overrides/${id}/clear`,
        {},
      );
      track(t('trackClear', { device: key.replace('/', ' / ') }), command);
    } catch (e) {
      button.disabled = false;
      notify(t('error', { message: e.message }), 'bad');
    }
  }

  resyncForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      resyncForm.querySelector('.error').textContent = '';
      const key = resyncSelect.value;
      if (key === '') return;
      try {
        const state = await api('POST', `/api/v1/devices/${key}/config/resync`, undefined);
        const device = key.replace('/', ' / ');
        notify(
          state.desired === null
            ? t('nothingToResync', { device })
            : t('resynced', { device, version: state.desired.version }),
          'ok',
        );
      } catch (e) {
        failed(resyncForm, e);
      }
    })();
  });

  bankSelect.addEventListener('change', () => {
    loadBank(bankSelect.value).then(render, (e) =>
      notify(t('error', { message: e.message }), 'bad'),
    );
  });
  controllerSelect.addEventListener('change', () => {
    loadZones(controllerSelect.value).then(render, (e) =>
      notify(t('error', { message: e.message }), 'bad'),
    );
  });

  return {
    id: 'commands',
    async refresh() {
      const [deviceList, bankList] = await Promise.all([
        api('GET', '/api/v1/devices'),
        api('GET', '/api/v1/lockers/banks'),
      ]);
      devices = deviceList.devices;
      banks = bankList.banks;
      render();
      await Promise.all([loadBank(bankSelect.value), loadZones(controllerSelect.value)]);
      render();
    },
    render,
  };
}

function keyOf(device, separator = '/') {
  return `${device.site}${separator}${device.device}`;
}
