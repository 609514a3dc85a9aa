import { el } from '../shared/dom.js';
import { clockTime, t } from './texts.js';

// Follows one command through its lifecycle (queued → sent → delivered → succeeded | failed |
// expired | cancelled) by reading `GET /api/v1/commands/{id}` every second until it is final.

const FINAL = new Set(['succeeded', 'failed', 'expired', 'cancelled']);
const POLL_MS = 1000;

/**
 * A tracker for `command` (as the API answered its creation). `active()` says whether the page
 * still wants it followed (false after sign-out); `actions(command)` gives buttons to show once
 * it is final (e.g. ending an override).
 */
export function commandTracker({ api, title, command, active, actions = () => [] }) {
  const steps = ['queued', 'sent', 'delivered', 'result'].map((step) => ({
    step,
    label: el('span', { class: 'step-label' }),
    time: el('time', { class: 'sub' }),
  }));
  const outcome = el('p', { class: 'outcome', role: 'status' });
  const buttons = el('div', { class: 'buttons' });
  const item = el(
    'li',
    { class: 'tracker card' },
    el('h3', {}, title),
    el('p', { class: 'sub mono' }, command.id),
    el(
      'ol',
      { class: 'steps' },
      steps.map((s) => el('li', { class: 'step', 'data-step': s.step }, s.label, s.time)),
    ),
    outcome,
    buttons,
  );

  function draw(c) {
    const final = FINAL.has(c.state);
    item.dataset.state = c.state;
    item.className = `tracker card tracker--${c.state}`;
    const times = {
      queued: c.issuedAt,
      sent: c.sentAt,
      delivered: c.deliveredAt,
      result: c.finishedAt,
    };
    const reached = {
      queued: true,
      sent: c.sentAt !== null || ['delivered', 'succeeded', 'failed'].includes(c.state),
      delivered: c.deliveredAt !== null,
      result: final,
    };
    for (const s of steps) {
      s.label.textContent =
        s.step === 'result'
          ? t(final ? `command_${c.state}` : 'command_result')
          : t(`command_${s.step}`);
      s.time.textContent = times[s.step] ? clockTime(Date.parse(times[s.step])) : '';
      if (times[s.step]) s.time.dateTime = times[s.step];
      const li = s.label.parentElement;
      li.classList.toggle('step--done', reached[s.step]);
      li.classList.toggle('step--bad', s.step === 'result' && final && c.state !== 'succeeded');
    }
    const lines = [];
    if (c.state === 'failed') {
      const message = c.result?.error?.message ?? '';
      lines.push(
        t('commandFailed', {
          code: c.result?.error?.code ?? '?',
          detail: message === '' ? '' : ` (${message})`,
        }),
      );
    } else {
      lines.push(t(`command_${c.state}`));
    }
    if (c.lateResult !== null) lines.push(t('lateResult'));
    outcome.textContent = lines.join(' · ');
    buttons.replaceChildren(...(c.state === 'succeeded' ? actions(c) : []));
  }

  async function follow(c) {
    draw(c);
    let current = c;
    while (!FINAL.has(current.state) && active()) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (!active()) return;
      try {
        current = await api('GET', `/api/v1/commands/${encodeURIComponent(current.id)}`);
        draw(current);
      } catch {
        // The next tick tries again; the page's status line reports an API that is down.
      }
    }
  }

  return { el: item, follow: () => follow(command) };
}
