// Page strings in several languages, French first. Generic: every page (public dashboard,
// technician console) gives its own dictionaries. A dictionary maps a key to a string with
// `{name}` placeholders; the choice is remembered in localStorage when the browser allows it
// (a page framed by the town's website may be denied storage: then it is simply not kept).

/**
 * @param {{ dictionaries: Record<string, Record<string, string>>, fallback?: string,
 *   storageKey: string }} options
 */
export function createI18n({ dictionaries, fallback = 'fr', storageKey }) {
  const languages = Object.keys(dictionaries);
  const listeners = new Set();
  let lang = readStored(storageKey, languages) ?? fallback;

  /**
   * The text of `key` in the current language (else the fallback's, else the key itself). With
   * a numeric `params.count`, `key.one` / `key.other`… are tried first, by the language's
   * plural rules ("1 compteur", "2 compteurs").
   */
  function t(key, params = {}) {
    const lookup = (k) => dictionaries[lang]?.[k] ?? dictionaries[fallback]?.[k];
    const plural =
      typeof params.count === 'number'
        ? lookup(`${key}.${new Intl.PluralRules(locale()).select(params.count)}`)
        : undefined;
    const text = plural ?? lookup(key) ?? key;
    return text.replace(/\{(\w+)\}/g, (match, name) =>
      Object.hasOwn(params, name) ? String(params[name]) : match,
    );
  }

  /**
   * Whether `key` has a text (in the current language or the fallback): for open sets of words,
   * such as states a newer server may add, which a page shows as they come when it has none.
   */
  function has(key) {
    return (dictionaries[lang]?.[key] ?? dictionaries[fallback]?.[key]) !== undefined;
  }

  function locale() {
    return dictionaries[lang]?.['locale'] ?? lang;
  }

  /** Switches language, remembers it, sets `<html lang>` and tells every listener. */
  function setLang(next) {
    if (!languages.includes(next) || next === lang) return;
    lang = next;
    try {
      globalThis.localStorage?.setItem(storageKey, next);
    } catch {
      // Storage denied (private mode, a sandboxed frame): the choice lasts for this visit.
    }
    apply();
    for (const listener of listeners) listener(lang);
  }

  /** Sets `<html lang>` and every `[data-text]` element's text from its key. */
  function apply(root = document) {
    document.documentElement.lang = lang;
    for (const el of root.querySelectorAll('[data-text]')) el.textContent = t(el.dataset.text);
    for (const el of root.querySelectorAll('[data-label]')) {
      el.setAttribute('aria-label', t(el.dataset.label));
    }
  }

  return {
    get lang() {
      return lang;
    },
    /** The BCP 47 locale for Intl: `fr-FR`, `en-GB`. */
    get locale() {
      return locale();
    },
    t,
    has,
    setLang,
    apply,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function readStored(key, languages) {
  try {
    const stored = globalThis.localStorage?.getItem(key);
    return stored !== null && stored !== undefined && languages.includes(stored) ? stored : null;
  } catch {
    return null;
  }
}

/** Merges dictionaries language by language: a page's own strings, then each section's. */
export function mergeDictionaries(...parts) {
  const merged = {};
  for (const part of parts) {
    for (const [lang, strings] of Object.entries(part)) {
      merged[lang] = { ...merged[lang], ...strings };
    }
  }
  return merged;
}
