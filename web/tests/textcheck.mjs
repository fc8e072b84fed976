// The untranslated-text check of languages.test.mjs, shared with the operations screens' test:
// every visible string, label and accessible name compared with the English catalog.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SAME_WORDS, webDir } from './helpers.mjs';

export const catalog = (l) => JSON.parse(readFileSync(path.join(webDir, 'src', 'i18n', `${l}.json`), 'utf8'));
const variants = (e) => (typeof e === 'string' ? [e] : Object.values(e));
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** English strings (as patterns, placeholders filled by anything) that must not appear in `lang`. */
export function englishPatterns(lang) {
  const en = catalog('en');
  const target = catalog(lang);
  const patterns = [];
  // A word that is also the target language's own text for another key ("Data" is Polish for
  // "date") is not untranslated English.
  const native = new Set(Object.values(target).flatMap(variants));
  for (const [key, entry] of Object.entries(en)) {
    for (const v of variants(entry)) {
      if (variants(target[key]).includes(v) && SAME_WORDS[lang].includes(v)) continue;
      if (!/[A-Za-z]{2}/.test(v.replace(/\{\w+\}/g, ''))) continue;
      // Placeholders joined by one short word ("{date} with {with}") would match users' own text.
      if ((v.match(/\{\w+\}/g) || []).length >= 2 && v.replace(/\{\w+\}/g, '').replace(/[^A-Za-z]/g, '').length <= 5) continue;
      if (native.has(v)) continue;
      const re = new RegExp(`^${v.split(/\{\w+\}/).map(escape).join('.+?')}$`, 's');
      patterns.push({ key, value: v, re });
    }
  }
  return patterns;
}

/** Runs in the page: every visible interface string in the page's language. */
export function visibleStrings() {
  const docLang = document.documentElement.lang;
  const foreign = (el) => {
    const l = el.closest('[lang]');
    return !!l && l !== document.documentElement && l.getAttribute('lang') !== docLang;
  };
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    const s = (n.textContent ?? '').trim();
    if (!s || !el || el.closest('code, script, style, noscript') || foreign(el)) continue;
    if (!el.checkVisibility()) continue;
    out.push(s);
  }
  for (const el of document.querySelectorAll('[aria-label], [placeholder], [title], [alt]')) {
    if (foreign(el) || !el.checkVisibility()) continue;
    for (const a of ['aria-label', 'placeholder', 'title', 'alt']) {
      const v = el.getAttribute(a);
      if (v) out.push(v.trim());
    }
  }
  out.push(document.title.replace(/ · Pomost$/, ''));
  return out;
}

/** English interface text (or raw keys) among the page's strings. */
export async function untranslated(page, lang) {
  const keys = new Set(Object.keys(catalog('en')));
  const patterns = englishPatterns(lang);
  const strings = await page.evaluate(visibleStrings);
  const english = [];
  for (const s of strings) {
    if (keys.has(s)) english.push(`${s} (a raw key)`);
    const hit = patterns.find((p) => p.re.test(s));
    if (hit) english.push(`"${s}" (en: ${hit.key})`);
  }
  return { strings, english };
}
