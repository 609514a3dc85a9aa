import { el, setChildren } from '../../shared/dom.js';
import { formatNumber, formatShare } from '../../shared/format.js';
import { ago, dateTime, i18n, t } from '../texts.js';

// One device's hardware as it reports it (`GET /api/v1/devices/{site}/{device}/health`): each
// meter's latest health report and each lock board's state and polls, with the locker bank's last
// report.
// The panel holds no control, so it is redrawn whole at each refresh.

const ERROR_KINDS = ['timeout', 'exception', 'crc', 'wrongUnit', 'garbage', 'disconnected'];

/** The health panel of the device `key` (`site/device`); `load()` fetches and draws it. */
export function deviceHealthPanel({ api, key, name }) {
  const titleId = `health-${key.replace('/', '-')}`;
  const node = el('section', { class: 'health', 'aria-labelledby': titleId });
  let health = null;
  let failure = null;

  async function load() {
    try {
      health = await api('GET', `/api/v1/devices/${key}/health`);
      failure = null;
    } catch (error) {
      failure = error;
    }
    render();
  }

  function render() {
    setChildren(
      node,
      el('h3', { id: titleId }, t('detailsOf', { device: name })),
      content(health, failure),
    );
  }

  render();
  return { node, load, render };
}

function content(health, failure) {
  if (failure !== null)
    return [el('p', { class: 'error' }, t('error', { message: failure.message }))];
  if (health === null) return [el('p', { class: 'empty' }, t('healthLoading'))];
  if (health.meters.length === 0 && health.boards.length === 0 && health.bank === null) {
    return [el('p', { class: 'empty' }, t('noHardware'))];
  }
  return [
    health.meters.length === 0 ? null : metersTable(health.meters),
    health.boards.length === 0 ? null : boardsTable(health.boards),
    health.bank === null ? null : el('p', { class: 'sub bank-report' }, bankText(health.bank)),
  ];
}

function table(title, columns, rows) {
  return [
    el('h4', {}, t(title)),
    el(
      'div',
      { class: 'table-wrap' },
      el(
        'table',
        {},
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            columns.map((c) => el('th', { scope: 'col' }, t(c))),
          ),
        ),
        el('tbody', {}, rows),
      ),
    ),
  ];
}

/** `Joignable` / `Injoignable` / `Inconnu` as a badge; `data-state` says which. */
function reachBadge(reachable) {
  const state = reachable === null ? 'unknown' : reachable ? 'reachable' : 'unreachable';
  const tone = reachable === null ? 'muted' : reachable ? 'ok' : 'bad';
  return el('span', { class: `badge badge--${tone}`, 'data-state': state }, t(state));
}

/** A time as "il y a 3 minutes", its full date in the tooltip; "—" without one. */
function when(iso, missing = t('none')) {
  return iso === null ? missing : el('span', { title: dateTime(iso) }, ago(iso));
}

function metersTable(meters) {
  const columns = ['colMeter', 'colModel', 'colReach', 'colLastRead', 'colFailures', 'colReport'];
  return table('metersTitle', columns, meters.map(meterRow));
}

function meterRow(meter) {
  const r = meter.report;
  const cells =
    r === null
      ? [el('td', {}, reachBadge(null)), el('td', {}), el('td', {}), el('td', {}, t('noReport'))]
      : [
          el('td', {}, reachBadge(r.reachable), el('span', { class: 'sub' }, reachNote(r))),
          el('td', {}, when(r.lastGoodReadAt, t('never'))),
          el('td', {}, failures(r)),
          el('td', {}, when(r.reportedAt)),
        ];
  return el(
    'tr',
    { 'data-meter': meter.id },
    el('th', { scope: 'row' }, meter.id),
    el('td', {}, meter.model ?? t('none')),
    cells,
  );
}

/** Why a meter is not polled normally: its bus is down, or its breaker is not closed. */
function reachNote(report) {
  if (report.busConnected === false) return t('busDown');
  if (report.breaker === 'open' || report.breaker === 'half-open') {
    return t(`breaker_${report.breaker}`);
  }
  return null;
}

/** "10 % des lectures", then the kinds that failed: "délai dépassé : 6 · CRC : 4". */
function failures(report) {
  const locale = i18n.locale;
  const kinds = ERROR_KINDS.filter((k) => (report.errors[k] ?? 0) > 0).map((k) =>
    t('errorCount', { kind: t(`error_${k}`), count: formatNumber(report.errors[k], locale) }),
  );
  return [
    report.failureRatio === null
      ? t('none')
      : t('failureShare', { share: formatShare(report.failureRatio, locale, 1) }),
    kinds.length === 0 ? null : el('span', { class: 'sub' }, kinds.join(' · ')),
  ];
}

function boardsTable(boards) {
  const columns = ['colBoard', 'colReach', 'colChanged', 'colPollFailures', 'colEpisodes'];
  return table('boardsTitle', columns, boards.map(boardRow));
}

function boardRow(board) {
  return el(
    'tr',
    { 'data-board': `${board.bus}/${String(board.address)}` },
    el('th', { scope: 'row' }, t('boardName', { bus: board.bus, address: board.address })),
    el('td', {}, reachBadge(board.reachable), lastPoll(board.polls)),
    el('td', {}, when(board.lastChangeAt)),
    el('td', {}, pollFailures(board.polls)),
    el('td', {}, formatNumber(board.unreachableEpisodes, i18n.locale)),
  );
}

/**
 * "dernier relevé il y a 3 s" under the state: a board silent for seconds is not one silent for
 * an hour. Agents that do not report their boards' polls leave it out.
 */
function lastPoll(polls) {
  if (polls === null) return null;
  const text =
    polls.lastOkAt === null ? t('neverPolled') : t('lastPoll', { ago: ago(polls.lastOkAt) });
  const attributes = { class: 'sub', 'data-last-poll': polls.lastOkAt ?? 'never' };
  if (polls.lastOkAt !== null) attributes.title = dateTime(polls.lastOkAt);
  return el('span', attributes, text);
}

/** "2 % des relevés", then why the last one failed; "—" from agents that do not say. */
function pollFailures(polls) {
  if (polls === null || polls.failureRatio === null) return t('none');
  const share = t('pollFailureShare', {
    share: formatShare(polls.failureRatio, i18n.locale, 1),
  });
  const last =
    polls.lastError === null
      ? null
      : t('lastPollError', { kind: t(`pollError_${polls.lastError}`) });
  return [share, last === null ? null : el('span', { class: 'sub' }, last)];
}

function bankText(bank) {
  const count = (key, n) => (n === null ? t('none') : t(key, { count: n }));
  return t('bankReport', {
    ago: ago(bank.reportedAt),
    boards: count('boardsUnreachable', bank.boardsUnreachable),
    boxes: count('boxesUnknown', bank.boxesUnknown),
  });
}
