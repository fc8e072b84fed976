// The chart's "Measures due" card: the day's check-in and the measures due with their rhythms and
// the last day of their windows (demo clock: Monday 2026-11-23 09:00 in Warsaw); a PHQ-9 given
// on the patient's behalf with item 9 positive shows the score, the high risk with its reason and
// the alert, and puts the C-SSRS screener on the list for today; the screener given (labels-only
// wording said on screen, a missing answer marked); program staff recording a check-in whose
// refused first try still recorded the safety answer; a therapist outside the care team offered nothing to record;
// the card in Polish and German; and the patient's home dated by the server's clock. The API
// confirms each submission was stored on the patient's behalf. axe on the card and the forms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CALM_CHECKIN,
  PATIENT_PASSWORD,
  answer,
  apiAs,
  checkA11y,
  login,
  newPage,
  openNav,
  patientId,
  screenshot,
  unexpectedErrors,
  openSuite,
  closeSuite,
} from './helpers.mjs';
import { untranslated } from './textcheck.mjs';

let srv;
let browser;
let anna;
let hannah;
let marta;

before(async () => {
  ({ srv, browser } = await openSuite(['m.zielinska', 'j.hoffmann', 'dr.bauer', 'a.krol']));
  marta = await apiAs(srv.url, 'm.zielinska');
  anna = await patientId(marta, 'Kowalska');
  hannah = await patientId(marta, 'Becker');
});
after(() => closeSuite(srv, browser));

/** Opens a patient's chart through the census and waits for the measures card. */
async function openChart(page, name, censusLabel = 'Census') {
  await openNav(page, censusLabel);
  await page.getByTestId('census-table').getByRole('link', { name }).click();
  await page.locator('#main h1', { hasText: name }).waitFor();
  const card = page.getByTestId('measures-card');
  await card.locator('.due-item').first().waitFor();
  return card;
}

const line = (card, instrument) => card.locator(`li[data-instrument="${instrument}"]`);

test('a therapist sees the day\'s check-in and the measures due, with their rhythms and last days', async () => {
  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'm.zielinska');
  // Hannah Becker: the weekly windows close tonight (the last day is today, Monday 23 November).
  let card = await openChart(page, 'Becker, Hannah');
  assert.equal(await card.getByRole('heading', { level: 2 }).innerText(), 'Measures due');
  const checkin = await card.getByTestId('due-checkin').innerText();
  assert.match(checkin, /Today's check-in · by 12:00/);
  assert.match(checkin, /Due/);
  assert.ok(await card.getByRole('button', { name: "Check-in on the patient's behalf" }).isVisible(), 'a therapist may record the check-in');
  for (const id of ['phq9', 'gad7', 'bam_iop']) {
    assert.match(await line(card, id).innerText(), /· weekly · by Mon,? 23 Nov/, `${id}: weekly, by tonight`);
    assert.ok(await line(card, id).getByRole('button', { name: /^Give now/ }).isVisible(), `${id} can be given now`);
  }
  assert.match(await line(card, 'phq9').innerText(), /Patient Health Questionnaire \(PHQ-9\)/);
  assert.match(await line(card, 'bam').innerText(), /· every 4 weeks · by Mon,? 7 Dec/);
  // AUDIT-C at admission was given: done, last, without a button.
  const audit = line(card, 'audit_c');
  assert.match(await audit.innerText(), /at admission/);
  assert.match(await audit.innerText(), /Done/);
  assert.equal(await audit.getByRole('button').count(), 0);
  const order = await card.locator('li[data-instrument]').evaluateAll((els) => els.map((e) => e.dataset.instrument));
  assert.equal(order.at(-1), 'audit_c', 'done measures come last');

  // Anna Kowalska, admitted last week: the admission AUDIT-C is still due (by Thursday).
  card = await openChart(page, 'Kowalska, Anna');
  assert.match(await line(card, 'audit_c').innerText(), /AUDIT-C \(alcohol use\) · at admission · by Thu,? 26 Nov/);
  assert.match(await line(card, 'phq9').innerText(), /weekly · by Thu,? 26 Nov/);
  await checkA11y(page, 'the chart with the measures due');
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'staff-chart-measures-due');
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('a PHQ-9 on the patient\'s behalf with item 9 positive: the score, the high risk and why; the C-SSRS screener is due now', async () => {
  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'm.zielinska');
  const card = await openChart(page, 'Kowalska, Anna');
  await line(card, 'phq9').getByRole('button', { name: /^Give now/ }).click();
  const form = card.getByTestId('measure-form');
  await form.getByRole('heading', { name: "Patient Health Questionnaire (PHQ-9): on the patient's behalf" }).waitFor();
  assert.ok(await form.getByRole('heading', { level: 3 }).evaluate((e) => e === document.activeElement), 'focus moves to the form');
  await checkA11y(page, 'the PHQ-9 form in the chart');
  const answers = { phq9_1: 2, phq9_2: 2, phq9_3: 1, phq9_4: 1, phq9_5: 1, phq9_6: 1, phq9_7: 1, phq9_8: 0, phq9_9: 1 };
  for (const [item, v] of Object.entries(answers)) await answer(page, item, v);
  await form.getByRole('button', { name: "Save on the patient's behalf" }).click();

  const result = card.getByTestId('measure-result');
  await result.waitFor();
  assert.equal(await result.getByRole('heading', { level: 3 }).innerText(), 'Recorded: Patient Health Questionnaire (PHQ-9)');
  const text = await result.innerText();
  assert.match(text, /Total score\s+10\b/);
  assert.match(text, /Severity\s+Moderate/);
  assert.match(text, /Screening result\s+Item 9 positive/);
  assert.match(text, /Risk level\s+High risk/);
  assert.match(await result.getByTestId('measure-reasons').innerText(), /PHQ-9 question 9 .* answered 1.*C-SSRS is now due today/s);
  assert.match(await result.getByTestId('alerts-raised').innerText(), /High\s+Alert raised\s+Open the alert/);

  // The list follows: PHQ-9 done, the C-SSRS screener due today, first, with its reason.
  await line(card, 'cssrs_screener').waitFor();
  assert.match(await line(card, 'phq9').innerText(), /Done/);
  const cssrs = line(card, 'cssrs_screener');
  assert.equal(await cssrs.getAttribute('data-status'), 'now');
  assert.match(await cssrs.innerText(), /C-SSRS Screener.*· PHQ-9 item 9 was positive · by Mon,? 23 Nov/s);
  assert.match(await cssrs.innerText(), /Due today/);
  assert.equal(await card.locator('li[data-instrument]').first().getAttribute('data-instrument'), 'cssrs_screener', 'due-now first');
  // The timeline below shows the new score.
  await page.getByTestId('timeline').getByText(/PHQ-9 score 10/).first().waitFor();
  await checkA11y(page, 'the PHQ-9 result in the chart');
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'staff-chart-measure-result');

  const stored = (await marta('GET', `/patients/${anna}/assessments`)).body.items.find((a) => a.instrument === 'phq9');
  assert.equal(stored.on_behalf, true, 'stored as given on the patient\'s behalf');
  assert.equal(stored.total, 10);
  assert.equal(stored.risk.level, 'high');
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('the C-SSRS screener: labels only, said on screen; a missing answer is marked; then saved', async () => {
  // Its item ids and the questions asked only after a yes, from the definition.
  const def = (await marta('GET', '/instruments/cssrs_screener')).body;
  assert.equal(def.wording, 'labels_only');
  assert.equal(def.administration, 'clinician');
  const ids = def.items.map((i) => i.id);
  assert.deepEqual(ids.filter((id) => !def.items.find((i) => i.id === id).show_if), ['cssrs_1', 'cssrs_2', 'cssrs_6']);

  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'm.zielinska');
  const card = await openChart(page, 'Kowalska, Anna');
  await line(card, 'cssrs_screener').getByRole('button', { name: /^Give now/ }).click();
  const form = card.getByTestId('measure-form');
  await form.locator('fieldset[data-item="cssrs_1"]').waitFor();
  assert.match(await form.locator('.notice').first().innerText(), /Only short labels are shown/);
  assert.equal(await form.locator('fieldset[data-item="cssrs_3"]').isVisible(), false, 'Q3 only after a yes to Q2');
  // The clinician records a refusal; the patient's own "I'd rather not answer" is not theirs to say.
  assert.ok(await form.locator('fieldset[data-item="cssrs_1"]').getByText('Declined to answer').isVisible());
  await answer(page, 'cssrs_1', 1);
  await answer(page, 'cssrs_2', 0);
  await form.getByRole('button', { name: "Save on the patient's behalf" }).click();
  const q6 = form.locator('fieldset[data-item="cssrs_6"]');
  await q6.locator('.q-error:visible').waitFor();
  assert.equal(await q6.locator('.q-error').innerText(), 'Please answer this question.');
  assert.match(await form.innerText(), /Some answers are missing/);
  await checkA11y(page, 'the C-SSRS screener with an item error');
  await answer(page, 'cssrs_6', 0);
  await form.getByRole('button', { name: "Save on the patient's behalf" }).click();
  const result = card.getByTestId('measure-result');
  await result.waitFor();
  const text = await result.innerText();
  assert.match(text, /Screening result\s+Low risk/);
  assert.match(text, /Risk level\s+Low/);
  assert.match(await result.getByTestId('measure-reasons').innerText(), /C-SSRS/);
  assert.doesNotMatch(text, /Total score/, 'the screener has no total');
  await line(card, 'cssrs_screener').waitFor({ state: 'detached' });

  const stored = (await marta('GET', `/patients/${anna}/assessments`)).body.items.find((a) => a.instrument === 'cssrs_screener');
  assert.equal(stored.on_behalf, true);
  assert.equal(stored.classification, 'low');
  // Closing the result returns focus to the card.
  await result.getByRole('button', { name: 'Close' }).click();
  assert.equal(await card.getByTestId('measure-result').count(), 0);
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('program staff record a check-in on the patient\'s behalf; a refused one still records the safety answer', async () => {
  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'a.krol');
  // The form as served, but with the mood question optional: the server then refuses the
  // submission itself (mood is required), with the self-harm answer recorded all the same.
  await page.route(/\/api\/v1\/checkin-forms\?/, async (route) => {
    const res = await route.fetch();
    const def = await res.json();
    def.items.find((i) => i.id === 'mood').required = false;
    await route.fulfill({ response: res, json: def });
  });
  const card = await openChart(page, 'Becker, Hannah');
  // Measures take a clinician: no button for program staff.
  assert.equal(await card.locator('li[data-instrument]').getByRole('button').count(), 0);
  await card.getByRole('button', { name: "Check-in on the patient's behalf" }).click();
  const form = card.getByTestId('measure-form');
  await form.getByRole('heading', { name: "Today's check-in: on the patient's behalf" }).waitFor();
  await checkA11y(page, 'the check-in form in the chart');
  const { mood, ...rest } = { ...CALM_CHECKIN, self_harm_thoughts: 1, self_harm_intent: 0 };
  for (const [item, v] of Object.entries(rest)) await answer(page, item, v);
  await form.getByRole('button', { name: "Save on the patient's behalf" }).click();
  const warning = form.locator('.notice-warning', { hasText: 'safety' });
  await warning.waitFor();
  assert.match(await warning.innerText(), /The answer about the patient's safety was recorded and an alert raised \(High risk\)\. The form itself was not saved/);
  assert.match(await warning.getByTestId('measure-reasons').innerText(), /self-harm/i);
  assert.match(await warning.getByTestId('alerts-raised').innerText(), /Alert raised/);
  assert.equal(await form.locator('fieldset[data-item="mood"] .q-error').innerText(), 'Please answer this question.');
  const alerts = (await marta('GET', `/alerts?status=all&patient_id=${hannah}`)).body.items;
  assert.ok(alerts.some((a) => a.rule === 'checkin_self_harm_thoughts'), 'the alert exists');
  assert.equal((await marta('GET', `/patients/${hannah}/checkins`)).body.items.length, 0, 'no check-in stored yet');

  await answer(page, 'mood', mood);
  await form.getByRole('button', { name: "Save on the patient's behalf" }).click();
  const result = card.getByTestId('measure-result');
  await result.waitFor();
  assert.equal(await result.getByRole('heading', { level: 3 }).innerText(), "Recorded: Today's check-in");
  assert.match(await result.innerText(), /Risk level\s+High risk/);
  assert.doesNotMatch(await result.innerText(), /Total score/);
  await card.getByTestId('due-checkin').getByText('Done').waitFor();
  assert.equal(await card.getByRole('button', { name: "Check-in on the patient's behalf" }).count(), 0);
  // The ASQ is now due (a clinician gives it).
  await line(card, 'asq').waitFor();
  assert.match(await line(card, 'asq').innerText(), /Self-harm thoughts in today's check-in/);
  await checkA11y(page, 'the check-in result in the chart');

  const stored = (await marta('GET', `/patients/${hannah}/checkins`)).body.items;
  assert.equal(stored.length, 1);
  assert.equal(stored[0].on_behalf, true, 'the check-in is stored as recorded on the patient\'s behalf');
  assert.equal(stored[0].answers.mood, mood);
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('a therapist outside the care team is offered nothing to record; a psychiatrist gives measures but not check-ins', async () => {
  {
    const { context, page, errors } = await newPage(browser);
    await login(page, srv.url, 'j.hoffmann');
    const card = await openChart(page, 'Becker, Hannah');
    // He reads what is due, but the server says he may not record it: no button offers to.
    assert.match(await line(card, 'gad7').innerText(), /Due/);
    assert.equal(await card.getByRole('button', { name: /^Give now/ }).count(), 0);
    assert.equal(await card.getByRole('button', { name: "Check-in on the patient's behalf" }).count(), 0);
    assert.deepEqual(unexpectedErrors(errors), []);
    await context.close();
  }
  {
    const { context, page, errors } = await newPage(browser);
    await login(page, srv.url, 'dr.bauer');
    const card = await openChart(page, 'Kowalska, Anna');
    assert.ok(await line(card, 'gad7').getByRole('button', { name: /^Give now/ }).isVisible());
    assert.equal(await card.getByRole('button', { name: "Check-in on the patient's behalf" }).count(), 0, 'psychiatrists read check-ins');
    assert.deepEqual(unexpectedErrors(errors), []);
    await context.close();
  }
});

for (const [lang, user, name, locale] of [
  ['pl', 'm.zielinska', 'Kowalska, Anna', 'pl-PL'],
  ['de', 'm.zielinska', 'Becker, Hannah', 'de-DE'],
]) {
  test(`the measures card in ${lang}: no English interface text, the form and the result included`, async () => {
    const call = await apiAs(srv.url, user);
    assert.equal((await call('PATCH', '/me', { language: lang })).status, 200);
    const { context, page, errors } = await newPage(browser, { locale });
    try {
      await login(page, srv.url, user);
      const census = { pl: 'Przegląd pacjentów', de: 'Belegung' }[lang];
      const card = await openChart(page, name, census);
      const check = async (what) => {
        const { strings, english } = await untranslated(page, lang);
        assert.ok(strings.length > 10, `collected the strings of ${what}`);
        assert.deepEqual(english, [], `untranslated text on ${what} (${lang})`);
      };
      await check('the card');
      await line(card, 'gad7').locator('button').click();
      const form = card.getByTestId('measure-form');
      await form.locator('fieldset[data-item="gad7_1"]').waitFor();
      // GAD-7 has no validated Polish wording here: the form says the questions are in English.
      const def = (await call('GET', '/instruments/gad7')).body;
      if (lang === 'pl') assert.equal(def.wording, 'fallback_en');
      if (def.wording === 'fallback_en') {
        assert.match(await form.locator('.notice').first().innerText(), { pl: /pytania są po angielsku/, de: /Fragen erscheinen daher auf Englisch/ }[lang]);
        assert.equal(await form.locator('fieldset[data-item="gad7_1"] label').first().getAttribute('lang'), 'en', 'English answers are marked as such');
      }
      await form.locator('button[type="submit"]').click();
      await form.locator('.q-error:visible').first().waitFor();
      await check('the GAD-7 form with its errors');
      for (let i = 1; i <= 7; i++) await answer(page, `gad7_${i}`, 1);
      await form.locator('button[type="submit"]').click();
      const result = card.getByTestId('measure-result');
      await result.waitFor();
      assert.match(await result.innerText(), { pl: /Wynik łączny\s+7/, de: /Gesamtwert\s+7/ }[lang]);
      await check('the GAD-7 result');
      await screenshot(page, `staff-chart-measures-${lang}`);
      assert.deepEqual(unexpectedErrors(errors), []);
    } finally {
      await call('PATCH', '/me', { language: 'en' });
      await context.close();
    }
  });
}

test('the patient\'s home is dated by the server\'s clock, not the browser\'s', async () => {
  const { context, page, errors } = await newPage(browser, { width: 360, height: 740 });
  await login(page, srv.url, 'anna.k', PATIENT_PASSWORD);
  const lang = await page.getAttribute('html', 'lang');
  // The server's clock starts at 09:00 in Warsaw on Monday 23 November and runs on from there;
  // the browser's is the machine's own.
  const expected = new Intl.DateTimeFormat({ en: 'en-GB', pl: 'pl-PL', de: 'de-DE' }[lang], { dateStyle: 'full', timeZone: 'Europe/Warsaw' }).format(
    new Date('2026-11-23T08:00:00Z'),
  );
  assert.equal(await page.locator('.page-head .subtitle').innerText(), expected);
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});
