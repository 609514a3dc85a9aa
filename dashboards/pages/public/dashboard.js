// The public energy dashboard: one live feed (server-sent events), shown by the section modules
// of sections/index.js in their order. No framework and no build step; everything comes from
// this origin (the CSP allows nothing else), and every text comes from a dictionary.

import { createI18n, mergeDictionaries } from './shared/i18n.js';
import { connectLiveFeed } from './shared/live-feed-client.js';
import { formatTime } from './shared/format.js';
import { PAGE_STRINGS } from './page-strings.js';
import { SECTIONS } from './sections/index.js';

const i18n = createI18n({
  dictionaries: mergeDictionaries(PAGE_STRINGS, ...SECTIONS.map((s) => s.strings)),
  storageKey: 'hameau.public.lang',
});

/** What the page knows of the feed: the last payload's sections, time and time zone. */
const feed = { sections: {}, at: null, timeZone: 'Europe/Paris', state: 'connecting' };

const context = {
  get lang() {
    return i18n.lang;
  },
  get locale() {
    return i18n.locale;
  },
  get timeZone() {
    return feed.timeZone;
  },
  t: i18n.t,
  /** The feed's base for relative API paths, so the page also works under a path prefix. */
  api: (path) => new URL(`api/v1/${path}`, document.baseURI).toString(),
};

const main = document.getElementById('content');
const mounted = SECTIONS.map((section) => {
  const view = section.create(context);
  main.append(view.element);
  return { section, view };
});

function showConnection() {
  const el = document.getElementById('connection');
  const text = document.getElementById('connection-text');
  el.dataset.state = feed.state;
  const time = feed.at === null ? null : formatTime(feed.at, i18n.locale, feed.timeZone, true);
  const key =
    feed.state === 'connecting'
      ? 'connecting'
      : time === null
        ? feed.state === 'live'
          ? 'liveNoData'
          : 'offlineNoData'
        : feed.state;
  text.textContent = i18n.t(key, { time });
}

function render(keys) {
  for (const { section, view } of mounted) {
    if (section.feed === null || keys.includes(section.feed)) {
      view.update(feed.sections[section.feed] ?? null);
    }
  }
}

connectLiveFeed({
  url: context.api('public/live'),
  onPayload(payload, kind) {
    if (kind === 'snapshot') feed.sections = {};
    Object.assign(feed.sections, payload.sections);
    feed.at = payload.at;
    feed.timeZone = payload.timeZone;
    render(Object.keys(payload.sections));
    showConnection();
  },
  onState(state) {
    feed.state = state;
    showConnection();
  },
});

const langButton = document.getElementById('lang');
langButton.addEventListener('click', () => {
  i18n.setLang(i18n.lang === 'en' ? 'fr' : 'en');
});
i18n.onChange(() => {
  langButton.setAttribute('aria-pressed', String(i18n.lang === 'en'));
  for (const { view } of mounted) view.relabel();
  showConnection();
});

i18n.apply();
langButton.setAttribute('aria-pressed', String(i18n.lang === 'en'));
for (const { view } of mounted) view.relabel();
showConnection();
