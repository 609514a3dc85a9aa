import { afterEach, describe, expect, it } from 'vitest';

// The pages' shared helpers (dashboards/pages/shared/) are browser modules with no build step;
// those that need no DOM run here in Node, whose Intl has the same locale data as Chromium's.
// The public dashboard's Chromium test (cloud-api/test/web/) covers them in the page.

interface FormatModule {
  formatNumber(value: number, locale: string, digits?: number): string;
  formatPower(watts: number, locale: string): string;
  formatEnergy(kwh: number, locale: string): string;
  formatShare(share: number, locale: string, digits?: number): string;
  formatChange(share: number, locale: string): string;
  formatTime(instant: number, locale: string, timeZone: string, seconds?: boolean): string;
  formatDay(isoDate: string, locale: string): string;
  formatTimestamp(instant: number, locale: string, timeZone?: string): string;
  formatRelative(instant: number, locale: string, now?: number): string;
  formatDuration(ms: number, locale: string): string;
}

interface I18n {
  readonly lang: string;
  readonly locale: string;
  t(key: string, params?: Record<string, unknown>): string;
  has(key: string): boolean;
  setLang(lang: string): void;
  onChange(listener: (lang: string) => void): () => void;
}
interface I18nModule {
  createI18n(options: {
    dictionaries: Record<string, Record<string, string>>;
    fallback?: string;
    storageKey: string;
  }): I18n;
  mergeDictionaries(
    ...parts: Record<string, Record<string, string>>[]
  ): Record<string, Record<string, string>>;
}

const shared = (file: string) => new URL(`../pages/shared/${file}`, import.meta.url).href;
const format = (await import(shared('format.js'))) as FormatModule;
const i18nModule = (await import(shared('i18n.js'))) as I18nModule;

/** Intl separates a number and a unit (or %) with no-break spaces; compare them as spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('format.js', () => {
  it.each([
    [750, '750 W', '750 W'],
    [12_400, '12,4 kW', '12.4 kW'],
    [2_345.6, '2,3 kW', '2.3 kW'],
    [412_000, '412 kW', '412 kW'],
    [1_250_000, '1,25 MW', '1.25 MW'],
  ])('writes %d W as %s in French and %s in English', (watts, fr, en) => {
    expect(plain(format.formatPower(watts, 'fr-FR'))).toBe(fr);
    expect(plain(format.formatPower(watts, 'en-GB'))).toBe(en);
  });

  it('keeps the value and its unit together with a no-break space', () => {
    expect(format.formatPower(12_400, 'fr-FR')).toBe('12,4\u00a0kW');
    expect(format.formatEnergy(29.25, 'fr-FR')).toBe('29,3\u00a0kWh');
  });

  it('writes energy, shares and changes per locale', () => {
    expect(plain(format.formatEnergy(1234.5, 'fr-FR'))).toBe('1 235 kWh');
    expect(plain(format.formatEnergy(54_300, 'en-GB'))).toBe('54.3 MWh');
    expect(plain(format.formatShare(0.375, 'fr-FR'))).toBe('38 %');
    expect(plain(format.formatShare(0.375, 'en-GB'))).toBe('38%');
    expect(plain(format.formatChange(0.05, 'fr-FR'))).toBe('+5 %');
    expect(plain(format.formatChange(-0.12, 'en-GB'))).toBe('-12%');
  });

  it('writes times and days in the town’s time zone, not the machine’s', () => {
    const at = Date.UTC(2026, 10, 25, 12, 5, 9);
    expect(format.formatTime(at, 'fr-FR', 'Europe/Paris')).toBe('13:05');
    expect(format.formatTime(at, 'en-GB', 'Europe/Paris', true)).toBe('13:05:09');
    expect(format.formatTime(at, 'fr-FR', 'America/Montreal')).toBe('07:05');
    expect(format.formatDay('2026-11-24', 'fr-FR')).toBe('24 nov.');
    expect(format.formatDay('2026-11-24', 'en-GB')).toBe('24 Nov');
  });
});

describe('format.js: times for the technician console', () => {
  const at = Date.UTC(2026, 10, 25, 20, 4, 5);

  it('writes an instant with its date and seconds, in the given time zone', () => {
    expect(format.formatTimestamp(at, 'fr-FR', 'Europe/Paris')).toBe('25/11/2026 21:04:05');
    expect(format.formatTimestamp(at, 'en-GB', 'UTC')).toBe('25/11/2026, 20:04:05');
  });

  it('says how long ago an instant was, in its largest unit', () => {
    expect(format.formatRelative(at - 45_000, 'fr-FR', at)).toBe('il y a 45 secondes');
    expect(format.formatRelative(at - 180_000, 'en-GB', at)).toBe('3 minutes ago');
    expect(format.formatRelative(at - 5 * 3_600_000, 'fr-FR', at)).toBe('il y a 5 heures');
    expect(format.formatRelative(at - 86_400_000, 'fr-FR', at)).toBe('hier');
    expect(format.formatRelative(at + 120_000, 'en-GB', at)).toBe('in 2 minutes');
  });

  it('writes a length of time in its largest unit, rounded', () => {
    expect(plain(format.formatDuration(30_000, 'fr-FR'))).toBe('30 s');
    expect(plain(format.formatDuration(170_000, 'fr-FR'))).toBe('3 min');
    expect(plain(format.formatDuration(2 * 3_600_000, 'en-GB'))).toBe('2 hrs');
    expect(plain(format.formatDuration(5 * 86_400_000, 'fr-FR'))).toBe('5 j');
  });
});

describe('i18n.js', () => {
  const dictionaries = i18nModule.mergeDictionaries(
    {
      fr: { locale: 'fr-FR', hello: 'Bonjour {name}' },
      en: { locale: 'en-GB', hello: 'Hello {name}' },
    },
    {
      fr: { 'meters.one': '{count} compteur', 'meters.other': '{count} compteurs', only: 'seul' },
      en: { 'meters.one': '{count} meter', 'meters.other': '{count} meters' },
    },
  );
  const saved = new Map<string, string>();
  const globals = globalThis as Record<string, unknown>;

  afterEach(() => {
    delete globals.document;
    delete globals.localStorage;
    saved.clear();
  });

  /** Just what `setLang` touches: `<html lang>` and the (here empty) labelled elements. */
  function fakeBrowser(): { documentElement: { lang: string } } {
    const document = { documentElement: { lang: '' }, querySelectorAll: () => [] };
    globals.document = document;
    globals.localStorage = {
      getItem: (k: string) => saved.get(k) ?? null,
      setItem: (k: string, v: string) => saved.set(k, v),
    };
    return document;
  }

  it('speaks French first, fills placeholders and picks plural forms by the language’s rules', () => {
    fakeBrowser();
    const i18n = i18nModule.createI18n({ dictionaries, storageKey: 'k' });
    expect(i18n.lang).toBe('fr');
    expect(i18n.locale).toBe('fr-FR');
    expect(i18n.t('hello', { name: 'Chantilly' })).toBe('Bonjour Chantilly');
    // French counts 0 and 1 as singular; English only 1.
    expect(i18n.t('meters', { count: 0 })).toBe('0 compteur');
    expect(i18n.t('meters', { count: 2 })).toBe('2 compteurs');
    i18n.setLang('en');
    expect(i18n.t('meters', { count: 0 })).toBe('0 meters');
    expect(i18n.t('meters', { count: 1 })).toBe('1 meter');
    // A missing English string falls back to French, a missing key to itself.
    expect(i18n.t('only')).toBe('seul');
    expect(i18n.t('nowhere')).toBe('nowhere');
    expect(i18n.t('hello')).toBe('Hello {name}');
  });

  it('tells which keys it has a text for, in the language or the fallback', () => {
    fakeBrowser();
    const i18n = i18nModule.createI18n({ dictionaries, storageKey: 'k' });
    i18n.setLang('en');
    expect(i18n.has('hello')).toBe(true);
    expect(i18n.has('only')).toBe(true);
    expect(i18n.has('meters')).toBe(false);
    expect(i18n.has('mode_newer-than-the-page')).toBe(false);
  });

  it('sets <html lang>, tells its listeners, and remembers the choice', () => {
    const document = fakeBrowser();
    const first = i18nModule.createI18n({ dictionaries, storageKey: 'hameau.lang' });
    const heard: string[] = [];
    first.onChange((lang) => heard.push(lang));
    first.setLang('en');
    first.setLang('en');
    first.setLang('de');
    expect(document.documentElement.lang).toBe('en');
    expect(heard).toEqual(['en']);
    expect(saved.get('hameau.lang')).toBe('en');
    expect(i18nModule.createI18n({ dictionaries, storageKey: 'hameau.lang' }).lang).toBe('en');
  });

  it('still switches language where storage is denied (a sandboxed frame)', () => {
    fakeBrowser();
    globals.localStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('SecurityError');
      },
    };
    const i18n = i18nModule.createI18n({ dictionaries, storageKey: 'k' });
    expect(i18n.lang).toBe('fr');
    i18n.setLang('en');
    expect(i18n.lang).toBe('en');
  });
});
