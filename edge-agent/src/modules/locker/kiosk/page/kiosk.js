/* global document, HTMLButtonElement -- this file runs in the kiosk browser, not in Node */
// The kiosk page: a keypad in front of the agent's locker module. Plain JavaScript with no build
// step and nothing loaded from elsewhere (the kiosk is offline and its CSP allows only 'self').
// All time is read from Date.now() on a short tick rather than from long timers, so the idle reset
// and the lock-out countdown stay right after the screen sleeps, and tests can move the time.

const CODE_DIGITS = 8;
const IDLE_RESET_MS = 20_000;
const STATUS_POLL_MS = 15_000;
const REQUEST_TIMEOUT_MS = 10_000;
const TICK_MS = 250;

const REASONS = [
  'unknown',
  'not-yet-valid',
  'expired',
  'used',
  'not-ready',
  'locked-out',
  'out-of-service',
];

/** Every text of the page, French first. A message is [title, detail]. */
const TEXT = {
  fr: {
    codeLabel: 'Tapez votre code à 8 chiffres',
    keypad: 'Clavier',
    erase: 'Effacer',
    validate: 'Valider',
    hint: 'Les colis se retirent à partir de 21 h.',
    checking: 'Vérification du code…',
    opened: (box) => `Casier ${box} ouvert`,
    pickup: 'Prenez votre colis et refermez bien la porte.',
    dropoff: 'Déposez le colis et refermez bien la porte.',
    unknown: ['Code incorrect', 'Vérifiez votre code et tapez-le à nouveau.'],
    'not-yet-valid': ['Code pas encore valable', 'Votre code fonctionne à partir de 21 h.'],
    expired: ['Code expiré', 'Ce code n’est plus valable. Contactez votre commerçant.'],
    used: ['Code déjà utilisé', 'Ce code a déjà ouvert son casier.'],
    'not-ready': [
      'Colis pas encore prêt',
      'Votre colis n’est pas encore dans le casier. Réessayez plus tard.',
    ],
    'locked-out': ['Trop d’essais', 'Le clavier est bloqué pour un moment.'],
    'out-of-service': [
      'Consigne hors service',
      'Les casiers ne peuvent pas être ouverts pour le moment. Réessayez plus tard.',
    ],
    network: ['Consigne injoignable', 'La borne ne répond pas. Réessayez dans un instant.'],
    incomplete: ['Code incomplet', 'Le code a 8 chiffres.'],
    retryIn: (time) => `Réessayez dans ${time}`,
  },
  en: {
    codeLabel: 'Type your 8-digit code',
    keypad: 'Keypad',
    erase: 'Erase',
    validate: 'Enter',
    hint: 'Parcels can be collected from 9 pm.',
    checking: 'Checking your code…',
    opened: (box) => `Box ${box} is open`,
    pickup: 'Take your parcel and close the door firmly.',
    dropoff: 'Put the parcel in and close the door firmly.',
    unknown: ['Wrong code', 'Check your code and type it again.'],
    'not-yet-valid': ['Code not valid yet', 'Your code works from 9 pm.'],
    expired: ['Code expired', 'This code is no longer valid. Contact your shop.'],
    used: ['Code already used', 'This code has already opened its box.'],
    'not-ready': ['Parcel not ready yet', 'Your parcel is not in the box yet. Try again later.'],
    'locked-out': ['Too many attempts', 'The keypad is blocked for a while.'],
    'out-of-service': [
      'Lockers out of service',
      'The boxes cannot be opened right now. Try again later.',
    ],
    network: ['Lockers not responding', 'The kiosk cannot reach the lockers. Try again shortly.'],
    incomplete: ['Code incomplete', 'The code has 8 digits.'],
    retryIn: (time) => `Try again in ${time}`,
  },
};

const state = {
  lang: 'fr',
  digits: '',
  /** A code is being checked. */
  busy: false,
  /** The last answer: { kind: 'opened', box, credential } | { kind: 'rejected', reason } | { kind: 'network' | 'incomplete' } | null. */
  result: null,
  /** Date.now() until which the terminal is locked out (0: it is not). */
  lockedUntil: 0,
  /** What the last status poll said: 'ok', 'out' (out of service) or 'unreachable'. */
  service: 'ok',
  lastActivity: Date.now(),
};

const $ = (id) => document.getElementById(id);
const html = document.documentElement;
const langButton = $('lang');
const codeInput = $('code');
const keypad = $('keypad');
const resultBox = $('result');
const resultTitle = $('result-title');
const resultDetail = $('result-detail');
const countdown = $('countdown');
const keys = Array.from(keypad.querySelectorAll('button[data-key]'));

function touch() {
  state.lastActivity = Date.now();
}

function lockRemainingMs() {
  return Math.max(0, state.lockedUntil - Date.now());
}

function keysDisabled() {
  return state.busy || lockRemainingMs() > 0 || state.service === 'out';
}

/** 12345678 → "1234 5678", as the code is printed on the resident's notice. */
function grouped(digits) {
  return digits.length > 4 ? `${digits.slice(0, 4)} ${digits.slice(4)}` : digits;
}

function duration(ms) {
  const total = Math.ceil(ms / 1000);
  if (total < 60) return `${total} s`;
  const seconds = String(total % 60).padStart(2, '0');
  return `${Math.floor(total / 60)} min ${seconds} s`;
}

/** The message the result area shows now: { tone, title, detail }. */
function message(t) {
  if (state.busy) return { tone: 'info', title: t.checking, detail: '' };
  const result = state.result;
  if (result?.kind === 'opened') {
    return { tone: 'ok', title: t.opened(result.box), detail: t[result.credential] ?? t.pickup };
  }
  const key =
    result?.kind === 'rejected'
      ? result.reason
      : (result?.kind ??
        (state.service === 'out'
          ? 'out-of-service'
          : state.service === 'unreachable'
            ? 'network'
            : null));
  if (key === null) return { tone: 'info', title: '', detail: t.hint };
  const [title, detail] = t[key];
  return { tone: key === 'incomplete' ? 'warn' : 'error', title, detail };
}

// Only what changed is written, so the live region speaks once per new message and not on
// every tick.
function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

function render() {
  const t = TEXT[state.lang];
  if (html.lang !== state.lang) html.lang = state.lang;
  langButton.setAttribute('aria-pressed', String(state.lang === 'en'));
  for (const element of document.querySelectorAll('[data-text]')) {
    setText(element, t[element.dataset.text]);
  }
  keypad.setAttribute('aria-label', t.keypad);
  codeInput.value = grouped(state.digits);

  const { tone, title, detail } = message(t);
  resultBox.className = `result result--${tone}`;
  setText(resultTitle, title);
  setText(resultDetail, detail);

  const remaining = lockRemainingMs();
  countdown.hidden = remaining === 0;
  setText(countdown, remaining === 0 ? '' : t.retryIn(duration(remaining)));

  const disabled = keysDisabled();
  for (const key of keys) key.disabled = disabled;
}

function press(key) {
  touch();
  if (keysDisabled()) return;
  if (key === 'enter') {
    void submit();
    return;
  }
  if (key === 'erase') {
    state.digits = state.digits.slice(0, -1);
  } else if (/^[0-9]$/.test(key) && state.digits.length < CODE_DIGITS) {
    // A new code clears the last answer: it belonged to the previous attempt.
    if (state.digits === '') state.result = null;
    state.digits += key;
  }
  render();
  if (state.digits.length === CODE_DIGITS) void submit();
}

async function submit() {
  if (state.busy) return;
  if (state.digits.length !== CODE_DIGITS) {
    state.result = { kind: 'incomplete' };
    render();
    return;
  }
  // The code leaves the screen at once: the next person must not read it.
  const code = state.digits;
  state.digits = '';
  state.busy = true;
  state.result = null;
  render();
  let result;
  try {
    result = await postCode(code);
  } catch {
    result = { kind: 'network' };
  }
  state.busy = false;
  state.result = result;
  if (result.kind === 'rejected' && result.reason === 'locked-out' && result.retryAfter > 0) {
    state.lockedUntil = Date.now() + result.retryAfter * 1000;
  }
  if (result.kind === 'rejected' && result.reason === 'out-of-service') state.service = 'out';
  touch();
  render();
}

/** Sends the code; resolves with the result to show, rejects when the agent gave no answer. */
async function postCode(code) {
  const response = await request('/api/code', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  const outcome = await response.json();
  if (outcome?.status === 'opened' && Number.isInteger(outcome.box)) {
    return { kind: 'opened', box: outcome.box, credential: outcome.kind };
  }
  if (outcome?.status === 'rejected' && REASONS.includes(outcome.reason)) {
    const retryAfter = Number(outcome.retryAfterSeconds ?? 0);
    return { kind: 'rejected', reason: outcome.reason, retryAfter };
  }
  throw new Error('unexpected answer');
}

async function request(path, init) {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort();
  }, REQUEST_TIMEOUT_MS);
  try {
    const response = await fetch(path, { ...init, cache: 'no-store', signal: controller.signal });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response;
  } finally {
    clearTimeout(timer);
  }
}

async function pollStatus() {
  try {
    const status = await (await request('/api/status', {})).json();
    state.service = status.inService === true ? 'ok' : 'out';
  } catch {
    state.service = 'unreachable';
  }
  render();
}

/** Back to the entry screen in French for the next person; a running lock-out stays. */
function resetIfIdle() {
  if (state.busy || Date.now() - state.lastActivity < IDLE_RESET_MS) return;
  state.digits = '';
  state.lang = 'fr';
  const lockedOut = state.result?.kind === 'rejected' && state.result.reason === 'locked-out';
  if (!(lockedOut && lockRemainingMs() > 0)) state.result = null;
}

function tick() {
  if (state.lockedUntil !== 0 && lockRemainingMs() === 0) {
    state.lockedUntil = 0;
    if (state.result?.kind === 'rejected' && state.result.reason === 'locked-out') {
      state.result = null;
    }
  }
  resetIfIdle();
  render();
}

keypad.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-key]');
  if (button !== null && !button.disabled) press(button.dataset.key);
});

langButton.addEventListener('click', () => {
  touch();
  state.lang = state.lang === 'fr' ? 'en' : 'fr';
  render();
});

document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.altKey || event.metaKey) return;
  // Enter or Space on a focused button already clicks it.
  const onButton = event.target instanceof HTMLButtonElement;
  if (/^[0-9]$/.test(event.key)) {
    event.preventDefault();
    press(event.key);
  } else if (event.key === 'Backspace') {
    event.preventDefault();
    press('erase');
  } else if (event.key === 'Enter' && !onButton) {
    event.preventDefault();
    press('enter');
  }
});

render();
void pollStatus();
setInterval(() => void pollStatus(), STATUS_POLL_MS);
setInterval(tick, TICK_MS);
