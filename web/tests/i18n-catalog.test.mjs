// The three catalogs are complete and nothing in them is dead: every key used in the source exists
// in every language, every key in a catalog is used, placeholders match, and plural entries carry
// every category the language needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { SAME_WORDS, webDir } from './helpers.mjs';

const LANGS = ['en', 'pl', 'de'];
const i18nDir = path.join(webDir, 'src', 'i18n');
const catalogs = Object.fromEntries(
  LANGS.map((l) => [l, JSON.parse(readFileSync(path.join(i18nDir, `${l}.json`), 'utf8'))]),
);

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.ts$/.test(name) ? [p] : [];
  });
}
const code = sources(path.join(webDir, 'src'))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');

const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const variants = (entry) => (typeof entry === 'string' ? [entry] : Object.values(entry));

test('every language has exactly the English keys', () => {
  const en = Object.keys(catalogs.en).sort();
  for (const l of LANGS) {
    const keys = Object.keys(catalogs[l]).sort();
    assert.deepEqual(
      en.filter((k) => !keys.includes(k)),
      [],
      `keys missing in ${l}.json`,
    );
    assert.deepEqual(
      keys.filter((k) => !en.includes(k)),
      [],
      `keys in ${l}.json that English does not have`,
    );
  }
});

test('every key used by t()/tp() exists in the catalogs', () => {
  const used = [...code.matchAll(/\btp?\(\s*'([^']+)'/g)].map((m) => m[1]);
  assert.ok(used.length > 100, `found the t() calls (${used.length})`);
  const missing = [...new Set(used)].filter((k) => !(k in catalogs.en));
  assert.deepEqual(missing, [], 'keys used in the source but missing from en.json');
});

test('every catalog key is used in the source', () => {
  const unused = Object.keys(catalogs.en).filter((k) => !code.includes(`'${k}'`));
  assert.deepEqual(unused, [], 'keys no source file mentions (remove them or use them)');
});

test('values are non-empty and keep the English placeholders', () => {
  for (const l of LANGS) {
    for (const [k, entry] of Object.entries(catalogs[l])) {
      const en = catalogs.en[k];
      assert.equal(typeof entry, typeof en, `${l}:${k} is a ${typeof en} like English`);
      const want = placeholders(variants(en)[0]).filter((p) => p !== 'count');
      for (const v of variants(entry)) {
        assert.ok(v.trim().length > 0, `${l}:${k} is empty`);
        assert.deepEqual(
          placeholders(v).filter((p) => p !== 'count'),
          want,
          `${l}:${k} has the placeholders of English`,
        );
      }
    }
  }
});

test('plural entries have every category the language uses', () => {
  for (const l of LANGS) {
    const needed = new Intl.PluralRules(l).resolvedOptions().pluralCategories;
    for (const [k, entry] of Object.entries(catalogs[l])) {
      if (typeof entry === 'string') continue;
      for (const c of needed) assert.ok(entry[c], `${l}:${k} lacks the plural category "${c}"`);
      for (const v of Object.values(entry)) assert.ok(v.includes('{count}'), `${l}:${k} shows {count}`);
    }
  }
});

test('Polish and German are translated, not copied from English', () => {
  // Only SAME_WORDS may be identical; any other copy is untranslated, however short.
  const same = SAME_WORDS;
  for (const l of ['pl', 'de']) {
    const copied = Object.keys(catalogs.en).filter((k) => {
      const en = variants(catalogs.en[k]).join('|');
      return en === variants(catalogs[l][k]).join('|') && !same[l].includes(en);
    });
    assert.deepEqual(copied, [], `${l}.json entries identical to English`);
  }
});
