import { byId, el } from '../../shared/dom.js';
import { alarmName, dateTime, t } from '../texts.js';

// Alarms as cards, newest first, filtered by state. Cards are kept and updated in place across
// polls, so a comment being typed or a history being read survives the refresh.

/** The Alarms view. `notify(text, tone)` speaks in the page's status line. */
export function alarmsView({ api, notify, role }) {
  const list = byId('alarm-list');
  const empty = byId('alarms-empty');
  const filters = [...document.querySelectorAll('#view-alarms [data-filter]')];
  const cards = new Map();
  let filter = 'active';
  let alarms = null;

  const view = {
    id: 'alarms',
    async refresh() {
      const query = filter === 'all' ? '' : `state=${filter}&`;
      alarms = (await api('GET', `/api/v1/alarms?${query}limit=200`)).alarms;
      view.render();
    },
    render() {
      for (const button of filters) {
        button.setAttribute('aria-pressed', String(button.dataset.filter === filter));
      }
      if (alarms === null) return;
      const seen = new Set();
      alarms.forEach((alarm, index) => {
        seen.add(alarm.id);
        let card = cards.get(alarm.id);
        if (card === undefined) {
          // A failed refresh is retried by the next poll, which reports it.
          card = alarmCard({
            api,
            notify,
            role,
            changed: () => view.refresh().catch(() => undefined),
          });
          cards.set(alarm.id, card);
        }
        card.update(alarm);
        // Moved only when out of place: moving a node takes the focus out of it.
        if (list.children[index] !== card.node)
          list.insertBefore(card.node, list.children[index] ?? null);
      });
      for (const [id, card] of cards) {
        if (!seen.has(id)) {
          card.node.remove();
          cards.delete(id);
        }
      }
      empty.hidden = alarms.length > 0;
    },
  };

  for (const button of filters) {
    button.addEventListener('click', () => {
      filter = button.dataset.filter;
      view.render();
      view.refresh().catch((error) => notify(t('error', { message: error.message }), 'bad'));
    });
  }
  return view;
}

/** One alarm's card; `update(alarm)` redraws what may change. */
function alarmCard({ api, notify, role, changed }) {
  let alarm = null;
  let auditEntries = null;
  const title = el('h3', { class: 'alarm-title' });
  const severity = el('span', { class: 'badge' });
  const state = el('span', { class: 'badge state' });
  const where = el('p', { class: 'where' });
  const when = el('p', { class: 'sub' });
  const note = el('textarea', { maxlength: 500, rows: 2 });
  const noteLabel = el('label', {});
  const ack = el('button', { type: 'button', class: 'primary' });
  const resolve = el('button', { type: 'button' });
  const actions = el(
    'div',
    { class: 'alarm-actions' },
    noteLabel,
    note,
    el('div', { class: 'buttons' }, ack, resolve),
  );
  const trail = el('ol', { class: 'trail' });
  const summary = el('summary', {});
  const history = el('details', { class: 'history' }, summary, trail);
  const node = el(
    'article',
    { class: 'alarm card' },
    el('header', { class: 'alarm-head' }, severity, title, state),
    where,
    when,
    actions,
    history,
  );

  async function act(verb) {
    ack.disabled = true;
    resolve.disabled = true;
    const text = note.value.trim();
    try {
      const updated = await api(
        'POST',
        `/api/v1/alarms/${alarm.id}/${verb}`,
        text === '' ? {} : { note: text },
      );
      note.value = '';
      auditEntries = null;
      card.update(updated);
      notify(t(verb === 'acknowledge' ? 'acknowledged' : 'resolved'), 'ok');
      changed();
    } catch (error) {
      notify(t('error', { message: error.message }), 'bad');
      card.update(alarm);
    }
  }
  ack.addEventListener('click', () => void act('acknowledge'));
  resolve.addEventListener('click', () => void act('resolve'));
  history.addEventListener('toggle', () => {
    if (history.open && role() === 'admin') void loadAudit();
  });

  /** Admins read the audit log itself; technicians see the trail the alarm carries. */
  async function loadAudit() {
    try {
      const page = await api('GET', '/api/v1/audit?limit=500');
      auditEntries = page.entries.filter((e) => e.subject === `alarm/${alarm.id}`).reverse();
      drawTrail();
    } catch (error) {
      notify(t('error', { message: error.message }), 'bad');
    }
  }

  function drawTrail() {
    const items =
      auditEntries === null
        ? alarmTrail(alarm)
        : auditEntries.map((e) =>
            withNote(
              t('trailAudit', { time: dateTime(e.at), actor: e.actor, action: e.action }),
              e.details.note,
            ),
          );
    trail.replaceChildren(...items.map((text) => el('li', {}, text)));
  }

  const card = {
    node,
    update(next) {
      alarm = next;
      const id = `alarm-${alarm.id}-title`;
      node.className = `alarm card alarm--${alarm.state} alarm--${alarm.severity}`;
      node.dataset.alarm = String(alarm.id);
      node.dataset.type = alarm.type;
      node.dataset.state = alarm.state;
      title.id = id;
      title.textContent = alarmName(alarm.type);
      severity.className = `badge ${alarm.severity === 'alarm' ? 'badge--bad' : 'badge--warn'}`;
      severity.textContent = t(`severity_${alarm.severity}`);
      state.className = `badge state state--${alarm.state}`;
      state.textContent = t(`state_${alarm.state}`);
      where.textContent = [`${alarm.site} / ${alarm.device}`, subjectOf(alarm)]
        .filter(Boolean)
        .join(' · ');
      when.textContent = [
        t('raisedAt', { time: dateTime(alarm.firstRaisedAt) }),
        alarm.occurrences > 1
          ? t('occurrences', { count: alarm.occurrences, time: dateTime(alarm.lastRaisedAt) })
          : null,
      ]
        .filter(Boolean)
        .join(' · ');
      const noteId = `alarm-${alarm.id}-note`;
      note.id = noteId;
      noteLabel.htmlFor = noteId;
      noteLabel.textContent = t('note');
      ack.textContent = t('acknowledge');
      resolve.textContent = t('resolve');
      // Which alarm a button acts on, for screen readers: the card's title.
      ack.setAttribute('aria-describedby', id);
      resolve.setAttribute('aria-describedby', id);
      actions.hidden = alarm.state === 'resolved';
      ack.hidden = alarm.state !== 'open';
      ack.disabled = false;
      resolve.disabled = false;
      summary.textContent = t('history');
      drawTrail();
    },
  };
  return card;
}

/** What the alarm is about within its device: a box, a meter, a zone. */
function subjectOf(alarm) {
  const box = alarm.details?.data?.box;
  if (typeof box === 'number') return t('boxLabel', { box });
  return alarm.subject;
}

/** The trail an alarm carries: raised, repeated, acknowledged, resolved, with notes. */
function alarmTrail(alarm) {
  const items = [t('trailRaised', { time: dateTime(alarm.firstRaisedAt) })];
  if (alarm.occurrences > 1) {
    items.push(
      t('trailRepeated', { count: alarm.occurrences, time: dateTime(alarm.lastRaisedAt) }),
    );
  }
  if (alarm.acknowledged !== null) {
    const a = alarm.acknowledged;
    items.push(withNote(t('trailAcknowledged', { time: dateTime(a.at), by: a.by }), a.note));
  }
  if (alarm.resolved !== null) {
    const r = alarm.resolved;
    items.push(withNote(t('trailResolved', { time: dateTime(r.at), by: r.by }), r.note));
  }
  return items;
}

function withNote(text, note) {
  return typeof note === 'string' && note !== '' ? t('withNote', { text, note }) : text;
}
