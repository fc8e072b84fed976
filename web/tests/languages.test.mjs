// In Polish and in German, no screen shows interface text from the English catalog (or a raw
// key). Every text node, label and accessible name on each screen is compared with the English
// strings; data (names, programs) and text the server marks as English (lang="en") are skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CALM_CHECKIN,
  PATIENT_PASSWORD,
  answer,
  patientId,
  STAFF_PASSWORD,
  apiAs,
  newPage,
  screenshot,
  unexpectedErrors,
  openSuite,
  closeSuite,
} from './helpers.mjs';

import { catalog, englishPatterns, visibleStrings } from './textcheck.mjs';

const en = catalog('en');

let srv;
let browser;
before(async () => {
  ({ srv, browser } = await openSuite());
  // A roster with gaps, so its warnings are on screen too.
  const admin = await apiAs(srv.url, 'admin');
  const morning = (await admin('GET', '/programs')).body.items.find((p) => p.name.startsWith('Morning')).id;
  const roster = (await admin('GET', `/programs/${morning}/on-call`)).body;
  const e = roster.entries.find((x) => x.display_name === 'Karin Wolf');
  const put = await admin('PUT', `/programs/${morning}/on-call`, {
    version: roster.version,
    entries: [{ staff_id: e.staff_id, tier: 'clinician', starts: e.starts, ends: e.ends }],
  });
  assert.equal(put.status, 200);
  // Monitoring data: an imminent alert, measures and a safety plan for Anna Kowalska.
  const krol = await apiAs(srv.url, 'a.krol');
  const marta = await apiAs(srv.url, 'm.zielinska');
  const anna = await patientId(krol, 'Kowalska');
  const r = await krol('POST', `/patients/${anna}/checkins`, { answers: { ...CALM_CHECKIN, self_harm_thoughts: 1, self_harm_intent: 1 } });
  assert.equal(r.status, 201);
  const phq = Object.fromEntries([1, 2, 1, 1, 2, 1, 1, 1, 0].map((v, i) => [`phq9_${i + 1}`, v]));
  assert.equal((await marta('POST', `/patients/${anna}/assessments`, { instrument: 'phq9', answers: phq })).status, 201);
  const plan = await marta('PUT', `/patients/${anna}/safety-plan`, {
    version: 0,
    warning_signs: ['Ola'],
    people_to_ask_for_help: [{ name: 'Ola', phone: '+48 600 111 222' }],
  });
  assert.equal(plan.status, 200);
});
after(() => closeSuite(srv, browser));

for (const lang of ['pl', 'de']) {
  test(`every screen in ${lang} is free of English interface text`, async () => {
    const t = catalog(lang);
    const patterns = englishPatterns(lang);
    const keys = new Set(Object.keys(en));
    const seen = {};
    const locale = { pl: 'pl-PL', de: 'de-DE' }[lang];

    const check = async (page, screen) => {
      assert.equal(await page.getAttribute('html', 'lang'), lang, `html lang on ${screen}`);
      const strings = await page.evaluate(visibleStrings);
      assert.ok(strings.length > 5, `collected the strings of ${screen}`);
      const english = [];
      for (const s of strings) {
        if (keys.has(s)) english.push(`${s} (a raw key)`);
        const hit = patterns.find((p) => p.re.test(s));
        if (hit) english.push(`"${s}" (en: ${hit.key})`);
      }
      assert.deepEqual(english, [], `untranslated text on ${screen} (${lang})`);
      seen[screen] = strings.length;
    };
    const heading = (page, text) => page.locator('#main h1', { hasText: text }).first().waitFor();
    const nav = (page, key) => page.getByRole('navigation').getByRole('link', { name: t[key], exact: true }).click();
    const signIn = async (page, user, password) => {
      await page.goto(srv.url + '/');
      await heading(page, t['login.title']);
      await page.getByLabel(t['login.username']).fill(user);
      await page.getByLabel(t['login.password']).fill(password);
      await page.locator('form button[type="submit"]').click();
      await page.locator('.topbar, .p-app').first().waitFor();
    };
    const setLanguage = async (page) => {
      const select = page.locator('select.lang-select');
      if ((await select.inputValue()) !== lang) {
        await select.selectOption(lang);
        await page.waitForFunction((l) => document.documentElement.lang === l, lang);
      }
    };

    // Sign-in page, in the browser's language.
    {
      const { context, page, errors } = await newPage(browser, { locale });
      await page.goto(srv.url + '/');
      await heading(page, t['login.title']);
      await check(page, 'sign-in');
      // A clinician, switched to this language.
      await signIn(page, 'dr.nowak', STAFF_PASSWORD);
      await setLanguage(page);
      await heading(page, t['today.title']);
      await nav(page, 'nav.patients');
      await heading(page, t['patients.title']);
      await page.locator('tbody tr').first().waitFor();
      await check(page, 'patients');
      await page.getByLabel(t['patients.search_name'], { exact: true }).fill('Kowalska');
      await page.locator('form[role="search"] button[type="submit"]').click();
      await page.locator('.result-summary').waitFor();
      await check(page, 'patient search');
      await page.locator('a.row-link').first().click();
      await heading(page, 'Kowalska, Anna');
      await page.locator('dl.facts').nth(1).waitFor();
      await page.locator('[data-testid="contact-edit"] summary').click();
      await check(page, 'chart');
      await nav(page, 'nav.programs');
      await page.locator('#main section.card h2').first().waitFor();
      await page.locator('.crisis-list').first().waitFor();
      await check(page, 'programs');
      await nav(page, 'nav.oncall');
      await page.getByTestId('oncall-table').waitFor();
      await page.getByLabel(t['oncall.program']).selectOption({ label: 'Morning Mood & Anxiety IOP' });
      await page.getByTestId('coverage-warnings').waitFor();
      await check(page, 'on-call roster with gaps');
      await nav(page, 'nav.staff');
      await page.getByTestId('staff-table').waitFor();
      await check(page, 'staff');
      await nav(page, 'nav.account');
      await heading(page, t['account.title']);
      await check(page, 'account');
      await nav(page, 'nav.patients');
      await page.getByTestId('roster-banner').waitFor();
      await check(page, 'patients with the roster banner');

      // Monitoring: Today with a live alert, the alert, a crisis, the census, the chart's
      // measures, timeline and safety plan editor, the alert list.
      await nav(page, 'nav.today');
      await page.getByTestId('today-alerts').waitFor();
      await page.getByTestId('today-checkins').waitFor();
      await page.locator('.live-bar.live-live').waitFor();
      await check(page, 'today');
      await page.getByTestId('today-alerts').locator('li:not(.sev-info)', { hasText: 'Kowalska, Anna' }).getByRole('link', { name: 'Kowalska, Anna' }).click();
      await page.getByTestId('alert-history').waitFor();
      await check(page, 'alert');
      await page.getByRole('button', { name: t['alert.open_crisis'] }).or(page.getByRole('link', { name: t['alert.go_to_crisis'] })).click();
      await page.getByTestId('crisis-action-form').waitFor();
      await page.getByTestId('safety-plan').waitFor();
      await check(page, 'crisis');
      await nav(page, 'nav.census');
      await page.getByTestId('census-table').waitFor();
      await check(page, 'census');
      await page.getByTestId('census-table').getByRole('link', { name: 'Kowalska, Anna' }).click();
      await page.getByTestId('chart-phq9').waitFor();
      await page.getByTestId('plan-edit').locator('summary').click();
      await page.getByTestId('chart-phq9').locator('details summary').click();
      await check(page, 'chart with measures, timeline and safety plan');
      await page.getByRole('navigation').getByRole('link', { name: new RegExp(`^${t['nav.alerts']}`) }).click();
      await page.getByTestId('alerts-table').waitFor();
      await check(page, 'alerts');

      // The session lock.
      await srv.advanceClock(16 * 60_000);
      await page.locator('select.lang-select').selectOption('en');
      await page.locator('dialog.lock').waitFor();
      await check(page, 'session lock');
      await screenshot(page, `session-lock-${lang}`, { fullPage: false });
      await page.locator('dialog.lock input[type="password"]').fill(STAFF_PASSWORD);
      await page.locator('dialog.lock button[type="submit"]').click();
      await page.locator('dialog.lock').waitFor({ state: 'detached' });
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      await page.locator('select.lang-select').selectOption(lang);
      await page.waitForFunction((l) => document.documentElement.lang === l, lang);
      assert.deepEqual(unexpectedErrors(errors), []);
      await context.close();
    }

    // An administrator: the staff form with its errors, and the audit trail.
    {
      const { context, page, errors } = await newPage(browser, { locale });
      await signIn(page, 'admin', STAFF_PASSWORD);
      await setLanguage(page);
      await nav(page, 'nav.staff');
      await page.getByTestId('staff-table').waitFor();
      await page.getByRole('button', { name: t['staff.add'] }).click();
      await page.getByTestId('staff-form').locator('button[type="submit"]').click();
      await page.getByTestId('staff-form').getByRole('alert').waitFor();
      await check(page, 'staff form with errors');
      await page.getByTestId('staff-table').locator('tbody tr button').first().click();
      await page.getByTestId('staff-form').waitFor();
      await check(page, 'staff edit form');
      await nav(page, 'nav.audit');
      await page.getByTestId('audit-table').waitFor();
      await check(page, 'audit trail');
      await nav(page, 'nav.programs');
      await page.locator('#main section.card h2').first().waitFor();
      await check(page, 'programs (admin)');
      assert.deepEqual(unexpectedErrors(errors), []);
      await context.close();
    }

    // A patient on a phone.
    {
      const { context, page, errors } = await newPage(browser, { width: 360, height: 740, locale });
      await signIn(page, 'emily.c', PATIENT_PASSWORD);
      await setLanguage(page);
      await heading(page, t['patient.hello'].replace('{name}', 'Emily'));
      await page.getByTestId('start-checkin').waitFor();
      await check(page, 'patient home');
      // The check-in, a high-risk answer and the help that follows; then the ASQ now due, whose
      // questions exist only in English (the screen says so, and marks them lang="en").
      await page.getByTestId('start-checkin').click();
      await page.getByTestId('questionnaire').waitFor();
      await check(page, 'patient check-in');
      for (const [item, v] of Object.entries({ mood: 2, anxiety: 8, sleep_hours: 4, medication: 1, self_harm_thoughts: 1, self_harm_intent: 0 })) {
        await answer(page, item, v);
      }
      await page.getByTestId('questionnaire').locator('button[type="submit"]').click();
      await page.getByTestId('crisis-now').waitFor();
      await check(page, 'patient crisis resources');
      await page.getByRole('link', { name: t['result.home'] }).click();
      await page.locator('.measure-btn', { hasText: 'ASQ' }).click();
      await page.getByTestId('questionnaire').waitFor();
      await page.getByText(t['form.fallback_en'].split('{language}')[0]).waitFor();
      assert.equal(await page.locator('fieldset[data-item="asq_1"] legend').getAttribute('lang'), 'en');
      await check(page, 'patient measure in English wording');
      await page.getByTestId('crisis-button').click();
      await heading(page, t['crisis.title']);
      await check(page, 'patient help');
      await page.getByRole('link', { name: t['patient.nav_account'] }).click();
      await heading(page, t['account.title']);
      await check(page, 'patient account');
      // The patient's lock screen: any request after expiry (here, a password change) locks.
      await srv.advanceClock(16 * 60_000);
      await page.locator('#main form button[type="submit"]').click();
      await page.locator('dialog.lock').waitFor();
      await check(page, 'patient session lock');
      assert.deepEqual(unexpectedErrors(errors), []);
      await context.close();
    }
    assert.equal(Object.keys(seen).length, 27, `screens checked: ${Object.keys(seen).join(', ')}`);
  });
}

test('the check itself catches English text', async () => {
  // Guard against a checker that silently passes: English strings must be flagged.
  const patterns = englishPatterns('pl');
  for (const s of ['Patients', 'Sign in', 'Page 3', 'Coverage gaps in Some Program', 'Alerts paused — sign in to continue.']) {
    assert.ok(patterns.some((p) => p.re.test(s)), `"${s}" is recognised as English`);
  }
  for (const s of ['Pacjenci', 'Strona 3', 'Anna Kowalska', 'Program', 'Status']) {
    assert.ok(!patterns.some((p) => p.re.test(s)), `"${s}" is not flagged`);
  }
});
