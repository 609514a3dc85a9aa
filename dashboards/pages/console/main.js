import { byId } from '../shared/dom.js';
import { ApiError, createApi } from './api.js';
import { clearSession, hasExpired, loadSession, saveSession } from './session.js';
import { clockTime, i18n, t, useTimeZone, zoneLabel } from './texts.js';
import { alarmsView } from './views/alarms.js';
import { commandsView } from './views/commands.js';
import { devicesView } from './views/devices.js';
import { lightingView } from './views/lighting.js';

// The technician console: sign-in, then four views (devices, alarms, commands, lighting) that
// refresh every few seconds while shown. Plain modules with no build step, served by the cloud
// API from its own origin under a CSP that allows nothing else.

const POLL_MS = 5000;
const TICK_MS = 1000;

let session = loadSession();
let current = 'devices';
let polling = null;
let refreshing = false;
// An action's message (alarm acknowledged, config resynced) stays a while before the next
// "up to date" replaces it.
const MESSAGE_MS = 8000;
let messageUntil = 0;

const api = createApi({
  token: () => session?.token ?? null,
  onUnauthorized: () =>
    endSession(session !== null && hasExpired(session) ? 'sessionExpired' : 'sessionEnded'),
});

/** Says something in the status line (read out by screen readers). */
function notify(text, tone = 'info') {
  const status = byId('status');
  status.textContent = text;
  status.dataset.tone = tone;
  messageUntil = tone === 'info' ? 0 : Date.now() + MESSAGE_MS;
}

function confirm(title, body) {
  const dialog = byId('confirm');
  byId('confirm-title').textContent = title;
  byId('confirm-body').textContent = body;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), {
      once: true,
    });
  });
}

const views = [
  devicesView({ api }),
  alarmsView({ api, notify, role: () => session?.user.role ?? null }),
  commandsView({ api, notify, confirm, active: () => session !== null }),
  lightingView({ api }),
];

/** Refreshes the shown view and the active-alarm count; one refresh at a time. */
async function refresh() {
  if (session === null || refreshing) return;
  refreshing = true;
  try {
    const view = views.find((v) => v.id === current);
    const [active] = await Promise.all([
      api('GET', '/api/v1/alarms?state=active&limit=500'),
      view?.refresh(),
    ]);
    const count = byId('alarm-count');
    count.hidden = active.alarms.length === 0;
    count.textContent = t('activeAlarms', { count: active.alarms.length });
    if (Date.now() >= messageUntil) notify(t('updatedAt', { time: clockTime(Date.now()) }), 'info');
  } catch (error) {
    if (session === null) return;
    notify(
      error instanceof ApiError && error.status !== 0
        ? t('error', { message: error.message })
        : t('apiUnreachable'),
      'bad',
    );
  } finally {
    refreshing = false;
  }
}

function show(viewId) {
  current = viewId;
  for (const tab of document.querySelectorAll('.tab')) {
    if (tab.dataset.view === viewId) tab.setAttribute('aria-current', 'page');
    else tab.removeAttribute('aria-current');
  }
  for (const view of views) byId(`view-${view.id}`).hidden = view.id !== viewId;
  notify('', 'info');
  void refresh();
}

function startSession(next) {
  session = next;
  byId('login-view').hidden = true;
  byId('app').hidden = false;
  byId('logout').hidden = false;
  const who = byId('who');
  who.hidden = false;
  who.textContent = whoText(session.user);
  show(current);
  polling ??= setInterval(() => void refresh(), POLL_MS);
}

/** Back to the sign-in form, saying why (`messageKey`), with nothing of the session left. */
function endSession(messageKey) {
  session = null;
  clearSession();
  if (polling !== null) clearInterval(polling);
  polling = null;
  byId('app').hidden = true;
  byId('logout').hidden = true;
  byId('who').hidden = true;
  byId('login-view').hidden = false;
  byId('login-message').textContent = messageKey === null ? '' : t(messageKey);
  byId('password').value = '';
  byId('username').focus();
}

async function signIn(event) {
  event.preventDefault();
  const error = byId('login-error');
  const username = byId('username').value.trim();
  const password = byId('password').value;
  error.textContent = '';
  if (username === '' || password === '') {
    error.textContent = t('loginMissing');
    return;
  }
  const button = event.currentTarget.querySelector('button[type="submit"]');
  button.disabled = true;
  button.textContent = t('signingIn');
  try {
    const opened = await api('POST', '/api/v1/session', { username, password });
    saveSession(opened);
    byId('login-message').textContent = '';
    byId('password').value = '';
    startSession(opened);
  } catch (e) {
    error.textContent =
      e.code === 'LOGIN_THROTTLED'
        ? t('loginThrottled', { seconds: e.retryAfterSeconds ?? 60 })
        : e.code === 'AUTH_FAILED'
          ? t('loginFailed')
          : e.status === 0
            ? t('apiUnreachable')
            : t('error', { message: e.message });
  } finally {
    button.disabled = false;
    button.textContent = t('signIn');
  }
}

async function signOut() {
  try {
    await api('DELETE', '/api/v1/session');
  } catch {
    // Signed out here whatever the API says: the token is dropped from this tab anyway.
  }
  endSession('signedOut');
}

/** `alice (technicien)`. */
function whoText(user) {
  return t('who', { name: user.name, role: t(`role_${user.role}`) });
}

/**
 * Times in the town's zone: the public energy definitions carry it (no sign-in needed, cached
 * by the API). A zone this browser does not know, or no answer, leaves the browser's.
 */
async function loadTownTimeZone() {
  try {
    const { timeZone } = await api('GET', '/api/v1/energy/definitions');
    new Intl.DateTimeFormat(undefined, { timeZone }); // throws on an unknown zone
    useTimeZone(timeZone);
  } catch {
    return;
  }
  applyLanguage();
}

/** Every text of the page in the current language, views included. */
function applyLanguage() {
  i18n.apply();
  byId('zone').textContent = zoneLabel();
  const toggle = byId('lang');
  toggle.textContent = t('langToggle');
  toggle.lang = i18n.lang === 'fr' ? 'en' : 'fr';
  toggle.setAttribute('aria-pressed', String(i18n.lang === 'en'));
  if (session !== null) byId('who').textContent = whoText(session.user);
  for (const view of views) view.render();
}

function boot() {
  applyLanguage();
  byId('login-form').addEventListener('submit', (event) => void signIn(event));
  byId('logout').addEventListener('click', () => void signOut());
  i18n.onChange(applyLanguage);
  byId('lang').addEventListener('click', () => {
    i18n.setLang(i18n.lang === 'fr' ? 'en' : 'fr');
  });
  for (const tab of document.querySelectorAll('.tab')) {
    tab.addEventListener('click', () => show(tab.dataset.view));
  }
  // The session ends on time even on a page left open: the API would refuse it anyway.
  setInterval(() => {
    if (session !== null && hasExpired(session)) endSession('sessionExpired');
  }, TICK_MS);
  void loadTownTimeZone();
  if (session === null) endSession(null);
  else if (hasExpired(session)) endSession('sessionExpired');
  else startSession(session);
}

boot();
