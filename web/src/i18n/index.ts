// Interface strings. English is bundled (it is the fallback and defines the key type); Polish and
// German load on demand. Plural entries are objects keyed by Intl.PluralRules categories.
import en from './en.json';

export type Lang = 'en' | 'pl' | 'de';
export type Key = keyof typeof en;
type Entry = string | Record<string, string>;
type Catalog = Record<string, Entry>;

export const LANGS: readonly Lang[] = ['en', 'pl', 'de'];
// Each language names itself, so a reader can find their own in any interface language.
export const LANG_NAMES: Record<Lang, string> = { en: 'English', pl: 'Polski', de: 'Deutsch' };

const loaders: Record<Lang, () => Promise<Catalog>> = {
  en: async () => en as Catalog,
  pl: async () => (await import('./pl.json')).default as Catalog,
  de: async () => (await import('./de.json')).default as Catalog,
};

let lang: Lang = 'en';
let catalog: Catalog = en as Catalog;
let plural = new Intl.PluralRules('en');

export function isLang(x: unknown): x is Lang {
  return typeof x === 'string' && (LANGS as readonly string[]).includes(x);
}

/** The browser's preferred interface language among ours (used before anyone signs in). */
export function browserLang(): Lang {
  for (const l of navigator.languages ?? [navigator.language]) {
    const base = l.toLowerCase().split('-')[0];
    if (isLang(base)) return base;
  }
  return 'en';
}

export function currentLang(): Lang {
  return lang;
}

/** BCP 47 locale for Intl: the browser's regional variant when it matches our language. */
export function locale(): string {
  for (const l of navigator.languages ?? [navigator.language]) {
    if (l.toLowerCase().split('-')[0] === lang) return l;
  }
  return { en: 'en-GB', pl: 'pl-PL', de: 'de-DE' }[lang];
}

export async function setLanguage(l: Lang): Promise<void> {
  catalog = await loaders[l]();
  lang = l;
  plural = new Intl.PluralRules(locale());
  document.documentElement.lang = l;
}

function fill(s: string, params?: Record<string, string | number>): string {
  if (!params) return s;
  return s.replace(/\{(\w+)\}/g, (m, name: string) =>
    name in params ? String(params[name]) : m,
  );
}

function lookup(key: Key): Entry {
  return catalog[key] ?? (en as Catalog)[key] ?? key;
}

export function t(key: Key, params?: Record<string, string | number>): string {
  const e = lookup(key);
  return fill(typeof e === 'string' ? e : (e.other ?? key), params);
}

/** Plural-aware: picks the entry's category for `count` ({count} is filled in too). */
export function tp(key: Key, count: number, params?: Record<string, string | number>): string {
  const e = lookup(key);
  const s = typeof e === 'string' ? e : (e[plural.select(count)] ?? e.other ?? key);
  return fill(s, { count: new Intl.NumberFormat(locale()).format(count), ...params });
}
