// In Polish and in German, the chart's record (hours, notes, treatment plan with its editor and an
// earlier version, medications with their history, 12-step log, planned discharge, discharge form
// and summary with AUDIT-C at discharge, the timeline with notes and attendance) and the patient's
// home (AUDIT-C due before discharge) and treatment plan show no English interface text (the
// method of languages.test.mjs: every text node and accessible name is compared with the English
// catalog; data and text marked lang="en" are skipped).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CALM_CHECKIN,
  PATIENT_PASSWORD,
  STAFF_PASSWORD,
  apiAs,
  newPage,
  patientId,
  screenshot,
  unexpectedErrors,
  openSuite,
  closeSuite,
} from './helpers.mjs';

import { catalog, englishPatterns, visibleStrings } from './textcheck.mjs';

const en = catalog('en');

let srv;
let browser;
/** Saves one more version of Anna's plan (each language's run acknowledges a fresh one). */
let bumpPlan;
before(async () => {
  ({ srv, browser } = await openSuite());
  // Monday 19:00 in Warsaw: Anna attended part of the evening group.
  await srv.advanceClock(10 * 3600_000);
  const marta = await apiAs(srv.url, 'm.zielinska');
  const bauer = await apiAs(srv.url, 'dr.bauer');
  const krol = await apiAs(srv.url, 'a.krol');
  const nowak = await apiAs(srv.url, 'dr.nowak');
  const anna = await patientId(marta, 'Kowalska');
  const me = (await marta('GET', '/me')).body.id;
  const ok = (r, what) => assert.ok(r.status < 300, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  const sessions = (await krol('GET', `/sessions?patient_id=${anna}&from=2026-11-23&to=2026-11-23`)).body.items;
  ok(await krol('PUT', `/sessions/${sessions[0].id}/attendance`, { entries: [{ patient_id: anna, status: 'present', minutes: 120 }] }), 'attendance');
  ok(await krol('POST', `/patients/${anna}/checkins`, { answers: { ...CALM_CHECKIN, used: 1 } }), 'check-in');
  // Notes: a signed DAP note with an addendum, a late SOAP draft, a co-signed check-in note.
  const dap = (await marta('POST', '/notes', { kind: 'individual_dap', patient_id: anna, data: 'Dane', assessment: 'Ocena', plan: 'Dalsze kroki' })).body;
  ok(await marta('POST', `/notes/${dap.id}/sign`), 'sign');
  ok(await marta('POST', `/notes/${dap.id}/addenda`, { text: 'Uzupełnienie' }), 'addendum');
  ok(await marta('POST', '/notes', { kind: 'individual_soap', patient_id: anna, subjective: 'S', objective: 'O', assessment: 'A', plan: 'P', occurred_at: '2026-11-20T10:00:00Z' }), 'late note');
  const chk = (await krol('POST', '/notes', { kind: 'checkin', patient_id: anna, text: 'Spokojna' })).body;
  ok(await krol('POST', `/notes/${chk.id}/sign`), 'sign check-in note');
  // A check-in note waiting for a co-signature.
  const chk2 = (await krol('POST', '/notes', { kind: 'checkin', patient_id: anna, text: 'Druga notatka' })).body;
  ok(await krol('POST', `/notes/${chk2.id}/sign`), 'sign second check-in note');
  ok(await marta('POST', `/notes/${chk.id}/cosign`), 'cosign');
  // A treatment plan in two versions, reviewed.
  const problems = (goal) => [{ text: 'Alkohol', goals: [{ text: goal, objectives: [{ text: 'Abstynencja', measure: 'Zgłoszenia', target_date: '2026-12-31', met: true }], interventions: [{ text: 'CBT', responsible_id: me }] }] }];
  ok(await marta('PUT', `/patients/${anna}/treatment-plan`, { version: 0, problems: problems('Trzeźwość') }), 'plan 1');
  ok(await marta('PUT', `/patients/${anna}/treatment-plan`, { version: 1, problems: problems('Trzeźwość i rutyna') }), 'plan 2');
  ok(await marta('POST', `/patients/${anna}/treatment-plan/reviews`, { note: 'Przegląd' }), 'review');
  bumpPlan = async () => {
    const m = await apiAs(srv.url, 'm.zielinska');
    const cur = (await m('GET', `/patients/${anna}/treatment-plan`)).body;
    ok(await m('PUT', `/patients/${anna}/treatment-plan`, { version: cur.version, problems: cur.plan.problems }), 'plan bump');
  };
  // Medications with a change.
  const med = (await bauer('POST', `/patients/${anna}/medications`, { name: 'Naltrekson', dose: '50 mg', schedule: '1x dziennie', start_date: '2026-11-23' })).body;
  ok(await bauer('PATCH', `/medications/${med.id}`, { version: med.version, dose: '25 mg', note: 'Nudności' }), 'med change');
  // The 12-step log.
  ok(await marta('POST', `/patients/${anna}/meetings`, { kind: 'aa', on_date: '2026-11-22' }), 'meeting');
  ok(await marta('POST', `/patients/${anna}/meetings`, { version: 0, sponsor: { name: 'Jola', phone: '+48 600 222 333', last_contact: '2026-11-22' }, step_work: { step: 3 } }), 'sponsor');
  // A planned discharge this week: AUDIT-C is due before it (the patient's home says so).
  const annaEp = (await marta('GET', `/episodes?patient_id=${anna}`)).body.items.find((e) => e.status === 'active');
  ok(await marta('PATCH', `/episodes/${annaEp.id}`, { version: annaEp.version, planned_discharge_on: '2026-11-27' }), 'planned discharge');
  ok(await marta('POST', `/patients/${anna}/assessments`, { instrument: 'audit_c', answers: { auditc_1: 2, auditc_2: 1, auditc_3: 0 } }), 'admission AUDIT-C');
  // A discharged patient with aftercare.
  const piotr = await patientId(nowak, 'Wiśniewski');
  const ep = (await nowak('GET', `/episodes?patient_id=${piotr}`)).body.items.find((e) => e.status === 'active');
  ok(
    await nowak('POST', `/episodes/${ep.id}/discharge`, {
      discharged_on: '2026-11-23',
      reason: 'step_down',
      aftercare: { plan: 'Terapia', referrals: [{ name: 'Poradnia', kind: 'outpatient_therapy' }], first_appointment: { date: '2026-11-30', with: 'mgr Nowicka' } },
    }),
    'discharge',
  );
});
after(() => closeSuite(srv, browser));

for (const lang of ['pl', 'de']) {
  test(`the chart's record and the patient's plan in ${lang} are free of English interface text`, async () => {
    const t = catalog(lang);
    const patterns = englishPatterns(lang);
    const keys = new Set(Object.keys(en));
    const locale = { pl: 'pl-PL', de: 'de-DE' }[lang];
    const seen = [];
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
      seen.push(screen);
    };
    const signIn = async (page, user, password) => {
      await page.goto(srv.url + '/');
      await page.locator('input[name="username"]').fill(user);
      await page.locator('input[name="password"]').fill(password);
      await page.locator('form button[type="submit"]').click();
      await page.locator('.topbar, .p-app').first().waitFor();
      await page.locator('#main h1').first().waitFor();
      const select = page.locator('select.lang-select');
      if ((await select.inputValue()) !== lang) {
        await select.selectOption(lang);
        await page.waitForFunction((l) => document.documentElement.lang === l, lang);
      }
    };
    const openChart = async (page, name) => {
      await page.getByRole('navigation').getByRole('link', { name: t['nav.census'], exact: true }).click();
      await page.getByTestId('census-table').getByRole('link', { name }).click();
      await page.locator('#main h1', { hasText: name }).waitFor();
    };
    const openAll = (page, testid) => page.getByTestId(testid).evaluate((el) => el.querySelectorAll('details').forEach((d) => (d.open = true)));

    // The therapist: the whole record, every form and list open, an earlier plan version shown.
    {
      const { context, page, errors } = await newPage(browser, { locale });
      await signIn(page, 'm.zielinska', STAFF_PASSWORD);
      await openChart(page, 'Kowalska, Anna');
      for (const id of ['hours-card', 'notes-card', 'tplan-card', 'meds-card', 'recovery-card', 'discharge-card']) await page.getByTestId(id).waitFor();
      await page.getByTestId('hours-attended').waitFor();
      await page.getByTestId('notes-list').waitFor();
      await page.getByTestId('tplan-view').first().waitFor();
      await page.getByTestId('med').first().waitFor();
      await page.getByTestId('recovery-weekly').waitFor();
      await page.getByTestId('timeline').waitFor();
      for (const id of ['notes-card', 'tplan-card', 'meds-card', 'recovery-card', 'discharge-card']) await openAll(page, id);
      await page.getByTestId('tplan-versions').locator('button').first().click();
      await page.getByTestId('tplan-earlier').waitFor();
      await page.getByTestId('discharge-summary').waitFor();
      await page.getByTestId('discharge-measures').waitFor();
      // A refused form shows its errors in words too.
      await page.getByTestId('note-form').locator('button[type="submit"]').click();
      await page.getByTestId('note-form').locator('.field-error:visible').first().waitFor();
      await check(page, 'chart record (therapist)');
      await screenshot(page, `staff-chart-record-${lang}`);
      // The previous week's hours.
      await page.getByTestId('hours-card').locator('button[data-nav="prev"]').click();
      await page.getByTestId('hours-card').locator('button[data-nav="this"]').waitFor();
      await check(page, 'hours, previous week');
      assert.deepEqual(unexpectedErrors(errors), []);
      await context.close();
    }
    // The psychiatrist: the medication forms.
    {
      const { context, page, errors } = await newPage(browser, { locale });
      await signIn(page, 'dr.bauer', STAFF_PASSWORD);
      await openChart(page, 'Kowalska, Anna');
      await page.getByTestId('med').first().waitFor();
      await openAll(page, 'meds-card');
      await openAll(page, 'notes-card');
      await check(page, 'chart medications (psychiatrist)');
      assert.deepEqual(unexpectedErrors(errors), []);
      await context.close();
    }
    // The director: a discharged patient's final summary.
    {
      const { context, page, errors } = await newPage(browser, { locale });
      await signIn(page, 'dr.nowak', STAFF_PASSWORD);
      await page.getByRole('navigation').getByRole('link', { name: t['nav.patients'], exact: true }).click();
      await page.getByLabel(t['patients.search_name'], { exact: true }).fill('Wiśniewski');
      await page.locator('form[role="search"] button[type="submit"]').click();
      await page.getByRole('link', { name: 'Wiśniewski, Piotr' }).click();
      await page.getByTestId('discharge-summary').waitFor();
      await check(page, 'discharge summary');
      assert.deepEqual(unexpectedErrors(errors), []);
      await context.close();
    }
    // The patient on a phone: the plan and its acknowledgement.
    if (lang === 'de') await bumpPlan();
    {
      const { context, page, errors } = await newPage(browser, { width: 360, height: 740, locale });
      await signIn(page, 'anna.k', PATIENT_PASSWORD);
      await page.getByTestId('open-tplan').waitFor();
      await page.locator('.measure-btn', { hasText: 'AUDIT-C' }).first().waitFor();
      await check(page, 'patient home with the plan');
      await page.getByTestId('open-tplan').click();
      await page.getByTestId('tplan-acknowledge').waitFor();
      await check(page, 'patient treatment plan');
      await page.getByTestId('tplan-acknowledge').click();
      await page.getByTestId('tplan-acknowledged').waitFor();
      await check(page, 'patient treatment plan acknowledged');
      await screenshot(page, `patient-treatment-plan-${lang}`, { fullPage: false });
      assert.deepEqual(unexpectedErrors(errors), []);
      await context.close();
    }
    assert.equal(seen.length, 7, seen.join(', '));
  });
}
