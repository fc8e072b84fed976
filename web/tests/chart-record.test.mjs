// The chart's record: a check-in arriving live on Today; notes written, edited, signed, given an
// addendum (and a late entry marked); an unlicensed check-in note co-signed by a licensed
// clinician; the treatment plan edited into version 2 with version 1 still readable, reviewed,
// and a stale edit refused; medications changed by the psychiatrist with their history; an
// earlier safety-plan version; the patient reading and acknowledging the plan on a phone; a
// discharge with its summary; hours this week against the minimum; the timeline's notes,
// attendance and check-in reasons; a planned discharge date with AUDIT-C due before it and named
// in the summary. axe on every new screen; screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CALM_CHECKIN,
  PATIENT_PASSWORD,
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

let srv;
let browser;
let anna;

before(async () => {
  ({ srv, browser } = await openSuite(['m.zielinska', 'dr.bauer', 'dr.nowak', 'a.krol']));
  const marta = await apiAs(srv.url, 'm.zielinska');
  anna = await patientId(marta, 'Kowalska');
});
after(() => closeSuite(srv, browser));

/** Opens a patient's chart through the census (the id stays in memory). */
async function openChart(page, name) {
  await openNav(page, 'Census');
  const table = page.getByTestId('census-table');
  await table.waitFor();
  await table.getByRole('link', { name }).click();
  await page.locator('#main h1', { hasText: name }).waitFor();
}

test('a calm check-in moves the patient to "received" on Today without a reload', async () => {
  const { context, page, errors } = await newPage(browser);
  let navigations = 0;
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) navigations += 1;
  });
  await login(page, srv.url, 'a.krol');
  await page.locator('.live-bar.live-live').waitFor();
  const missing = page.getByTestId('checkins-missing');
  await missing.locator('li', { hasText: 'Kowalska, Anna' }).waitFor();
  const before = navigations;
  const pat = await apiAs(srv.url, 'anna.k', PATIENT_PASSWORD);
  assert.equal((await pat('POST', `/patients/${anna}/checkins`, { answers: CALM_CHECKIN })).status, 201);
  await page.getByTestId('checkins-received').locator('li', { hasText: 'Kowalska, Anna' }).waitFor({ timeout: 10_000 });
  assert.equal(await missing.locator('li', { hasText: 'Kowalska, Anna' }).count(), 0, 'no longer missing');
  assert.ok((await page.getByTestId('checkins-received').innerText()).includes('No risk'), 'with the risk level');
  assert.ok((await page.getByTestId('checkin-announcer').textContent()).includes('Kowalska, Anna'), 'screen readers hear of it');
  assert.ok(!(await page.getByTestId('as-of').innerText()).includes('New check-ins'), 'the list is not behind');
  assert.equal(navigations, before, 'no reload');
  await checkA11y(page, 'Today with a live check-in');
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('notes: write a draft, edit it, sign it, add an addendum; a late entry is marked', async () => {
  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'm.zielinska');
  await openChart(page, 'Kowalska, Anna');
  const card = page.getByTestId('notes-card');
  await card.getByText('No notes yet.').waitFor();
  await card.getByTestId('note-write').locator('summary').click();
  const form = card.getByTestId('note-form');
  assert.equal(await form.getByLabel('Kind of note').inputValue(), 'individual_dap');
  // Empty fields are refused next to each field.
  await form.getByRole('button', { name: 'Save as draft' }).click();
  await form.locator('.field-error:visible').first().waitFor();
  assert.equal(await form.getByLabel('Data').getAttribute('aria-invalid'), 'true');
  await form.getByLabel('Data').fill('Anna reports three days without drinking; <b>slept</b> better.');
  await form.getByLabel('Assessment').fill('Engaged, motivated; craving lower.');
  await form.getByLabel(/^Plan/).fill('Continue relapse prevention; review the plan next week.');
  await form.getByRole('button', { name: 'Save as draft' }).click();
  await card.getByText('Draft saved.').waitFor();
  const note = card.getByTestId('note').first();
  assert.ok((await note.innerText()).includes('Draft'));
  assert.ok((await note.innerText()).includes('<b>slept</b>'), 'text stays text');

  await note.getByText('Edit the draft').click();
  await note.getByTestId('note-edit-form').getByLabel('Assessment').fill('Engaged and motivated; craving 2/10.');
  await note.getByRole('button', { name: 'Save changes' }).click();
  await card.getByText('Draft updated.').waitFor();
  assert.ok((await card.getByTestId('note').first().innerText()).includes('craving 2/10'));

  await card.getByTestId('note').first().getByRole('button', { name: 'Sign', exact: true }).click();
  await card.getByText('Signed. The note is now locked').waitFor();
  const signed = card.getByTestId('note').first();
  assert.ok((await signed.innerText()).includes('Signed by Marta Zielińska'));
  assert.equal(await signed.getByText('Edit the draft').count(), 0, 'a signed note is not edited');
  await signed.locator('summary', { hasText: 'Add an addendum' }).click();
  await signed.getByTestId('addendum-form').getByLabel('Addendum').fill('Anna called: she attended an AA meeting on Sunday.');
  await signed.getByTestId('addendum-form').getByRole('button', { name: 'Add an addendum' }).click();
  await card.getByText('Addendum added.').waitFor();
  const addenda = await card.getByTestId('note').first().getByTestId('addenda').innerText();
  assert.ok(addenda.includes('attended an AA meeting') && addenda.includes('Added by Marta Zielińska'));

  // A SOAP note about a session three days ago is a late entry.
  await card.getByTestId('note-write').locator('summary').click();
  await form.getByLabel('Kind of note').selectOption('individual_soap');
  await form.getByLabel('When the service took place').fill('2026-11-20T10:00');
  for (const [label, v] of [['Subjective', 'Felt low'], ['Objective', 'Tearful'], ['Assessment', 'Low mood'], ['Plan', 'PHQ-9 next session']]) {
    await form.getByLabel(new RegExp(`^${label}`)).fill(v);
  }
  await form.getByRole('button', { name: 'Save as draft' }).click();
  await card.getByText('Draft saved.').waitFor();
  const late = card.getByTestId('note').filter({ hasText: 'Progress note (SOAP)' });
  assert.ok((await late.innerText()).includes('Late entry'));

  // The timeline shows the notes next to check-ins.
  const tl = await page.getByTestId('timeline').innerText();
  assert.ok(tl.includes('Check-in'), 'the check-in in the timeline');
  await checkA11y(page, 'chart notes');
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'staff-chart-notes');
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('an unlicensed check-in note waits for a co-signature, given by a licensed clinician', async () => {
  const krol = await newPage(browser);
  await login(krol.page, srv.url, 'a.krol');
  await openChart(krol.page, 'Kowalska, Anna');
  const card = krol.page.getByTestId('notes-card');
  await card.getByTestId('note-write').locator('summary').click();
  const form = card.getByTestId('note-form');
  assert.deepEqual(await form.getByLabel('Kind of note').locator('option').allInnerTexts(), ['Check-in note'], 'program staff write check-in notes');
  await form.getByLabel(/^Note/).fill('Checked in at the desk; calm, asked about the AA schedule.');
  await form.getByRole('button', { name: 'Save as draft' }).click();
  await card.getByText('Draft saved.').waitFor();
  await card.getByTestId('note').first().getByRole('button', { name: 'Sign', exact: true }).click();
  await card.getByText('A licensed clinician of the program now co-signs it').waitFor();
  assert.ok((await card.getByTestId('note').first().innerText()).includes('Needs co-signature'));
  assert.equal(await card.getByRole('button', { name: 'Co-sign' }).count(), 0, 'nobody co-signs their own note');
  assert.equal(await krol.page.getByTestId('tplan-card').count(), 0, 'program staff do not read the treatment plan');
  await checkA11y(krol.page, 'chart as program staff');
  assert.deepEqual(unexpectedErrors(krol.errors), []);
  await krol.context.close();

  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'm.zielinska');
  await openChart(page, 'Kowalska, Anna');
  const note = page.getByTestId('notes-card').getByTestId('note').filter({ hasText: 'Check-in note' });
  await note.waitFor();
  assert.ok((await note.innerText()).includes('Needs co-signature'));
  assert.ok((await note.innerText()).includes('co-signature due'));
  await note.getByRole('button', { name: 'Co-sign' }).click();
  await page.getByText('Co-signed.', { exact: true }).waitFor();
  const after = page.getByTestId('notes-card').getByTestId('note').filter({ hasText: 'Check-in note' });
  assert.ok((await after.innerText()).includes('co-signed by Marta Zielińska'));
  assert.ok(!(await after.innerText()).includes('Needs co-signature'));
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('the treatment plan: written, edited into version 2, version 1 still readable; reviewed; a stale edit is refused', async () => {
  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'm.zielinska');
  await openChart(page, 'Kowalska, Anna');
  const card = page.getByTestId('tplan-card');
  await card.getByText('No treatment plan has been written yet.').waitFor();
  await card.getByTestId('tplan-edit').locator('summary').click();
  const form = card.getByTestId('tplan-form');
  await form.getByLabel('Problem', { exact: true }).fill('Alcohol use disorder, early remission');
  await form.getByLabel('Goal', { exact: true }).fill('Stay sober through the program');
  await form.getByLabel('Objective', { exact: true }).fill('No drinking days');
  await form.getByLabel('How it is measured').fill('Daily check-in: no use reported');
  await form.getByLabel('Target date').fill('2026-12-31');
  // A missing measure is refused next to the field.
  await form.getByRole('button', { name: 'Add an objective' }).click();
  await form.getByLabel('Objective', { exact: true }).nth(1).fill('Three meetings a week');
  await form.getByRole('button', { name: 'Add an intervention' }).click();
  await form.getByLabel('Intervention', { exact: true }).fill('Relapse-prevention CBT, weekly');
  await form.getByRole('button', { name: 'Save as a new version' }).click();
  await form.locator('.field-error:visible').first().waitFor();
  assert.equal(await form.getByLabel('How it is measured').nth(1).getAttribute('aria-invalid'), 'true');
  await form.getByLabel('How it is measured').nth(1).fill('12-step log: 3 a week');
  await form.getByLabel('Target date').nth(1).fill('2026-12-20');
  await form.getByRole('button', { name: 'Save as a new version' }).click();
  await card.getByText('Saved as version 1.').waitFor();
  let view = await card.getByTestId('tplan-view').innerText();
  assert.ok(view.includes('Stay sober through the program') && view.includes('Measured by: 12-step log: 3 a week'));
  assert.ok(view.includes('Responsible: Marta Zielińska'));
  assert.equal(await card.getByTestId('tplan-ack').innerText(), 'Not yet acknowledged by the patient');

  // Version 2.
  await card.getByTestId('tplan-edit').locator('summary').click();
  await card.getByTestId('tplan-form').getByLabel('Goal', { exact: true }).fill('Stay sober and rebuild a daily routine');
  await card.getByTestId('tplan-form').getByRole('button', { name: 'Save as a new version' }).click();
  await card.getByText('Saved as version 2.').waitFor();
  assert.ok((await card.getByTestId('tplan-view').innerText()).includes('rebuild a daily routine'));
  await card.getByText('Versions (2 in all)').click();
  await card.getByRole('button', { name: 'Show version 1' }).click();
  const earlier = card.getByTestId('tplan-earlier');
  await earlier.waitFor();
  const old = await earlier.innerText();
  assert.ok(old.includes('Version 1 of the treatment plan') && old.includes('Stay sober through the program'), 'version 1 as it was');
  assert.ok(!old.includes('rebuild a daily routine'));

  // A review sets the next one 30 days later.
  await card.locator('summary', { hasText: 'Record a review' }).click();
  await card.getByTestId('tplan-review-form').getByLabel('Review note').fill('Reviewed with Anna; goals still fit.');
  await card.getByRole('button', { name: 'Record the review' }).click();
  await card.getByText('Review recorded. Next review due').waitFor();
  assert.ok((await card.getByTestId('tplan-review-due').innerText()).includes('23 Dec'));
  await checkA11y(page, 'chart treatment plan');
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'staff-treatment-plan');

  // Someone else saves meanwhile: this edit is refused and offers a reload.
  await card.getByTestId('tplan-edit').locator('summary').click();
  const marta = await apiAs(srv.url, 'dr.nowak');
  const cur = (await marta('GET', `/patients/${anna}/treatment-plan`)).body;
  assert.equal((await marta('PUT', `/patients/${anna}/treatment-plan`, { version: cur.version, problems: cur.plan.problems })).status, 200);
  await card.getByTestId('tplan-form').getByLabel('Problem', { exact: true }).fill('Changed too late');
  await card.getByTestId('tplan-form').getByRole('button', { name: 'Save as a new version' }).click();
  await card.getByText('Someone else changed this in the meantime').waitFor();
  await card.getByRole('button', { name: 'Reload' }).click();
  await card.getByTestId('tplan-version').getByText('Version 3').waitFor();
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('the patient reads and acknowledges the treatment plan on a phone', async () => {
  const { context, page, errors } = await newPage(browser, { width: 360, height: 740, locale: 'en-GB' });
  await login(page, srv.url, 'anna.k', PATIENT_PASSWORD);
  await page.locator('select.lang-select').selectOption('en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await page.getByTestId('tplan-new').waitFor();
  await page.getByTestId('open-tplan').click();
  await page.locator('#main h1', { hasText: 'My treatment plan' }).waitFor();
  const view = await page.getByTestId('tplan-view').innerText();
  assert.ok(view.includes('rebuild a daily routine') && view.includes('No drinking days'));
  assert.ok(!view.includes('Responsible'), 'no staff names for the patient');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `no sideways scroll (${width})`);
  await checkA11y(page, 'patient treatment plan');
  await page.getByTestId('tplan-acknowledge').click();
  await page.getByText('Thank you. Your care team can see').waitFor();
  await page.getByTestId('tplan-acknowledged').waitFor();
  await screenshot(page, 'patient-treatment-plan', { fullPage: false });
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();

  // The chart says so.
  const staff = await newPage(browser);
  await login(staff.page, srv.url, 'm.zielinska');
  await openChart(staff.page, 'Kowalska, Anna');
  await staff.page.getByTestId('tplan-ack').getByText('The patient acknowledged this version').waitFor();
  await staff.context.close();
});

test('medications: the psychiatrist adds and changes one, every change is kept; the therapist reads', async () => {
  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'dr.bauer');
  await openChart(page, 'Kowalska, Anna');
  const card = page.getByTestId('meds-card');
  await card.getByText('No medications recorded.').waitFor();
  await card.locator('summary', { hasText: 'Add a medication' }).click();
  const add = card.getByTestId('med-add-form');
  await add.getByLabel('Medication').fill('Naltrexone');
  await add.getByLabel('Dose').fill('50 mg');
  await add.getByLabel('How often').fill('once daily');
  await add.getByRole('button', { name: 'Add a medication' }).click();
  await card.getByText('Naltrexone added.').waitFor();
  await card.locator('summary', { hasText: 'Change Naltrexone' }).click();
  const change = card.getByTestId('med-change-form');
  await change.getByLabel('Dose').fill('25 mg');
  await change.getByLabel('Reason for the change').fill('Nausea at 50 mg');
  await change.getByRole('button', { name: 'Save the change' }).click();
  await card.getByText('Naltrexone changed; the previous version is kept in its history.').waitFor();
  const med = card.getByTestId('med').first();
  assert.ok((await med.innerText()).includes('25 mg · once daily'));
  await med.getByText('History (1 earlier version)').click();
  const history = await med.getByTestId('med-history').allInnerTexts();
  assert.ok(history[0].includes('Version 2') && history[0].includes('dose 50 mg → 25 mg') && history[0].includes('Nausea at 50 mg'), history[0]);
  assert.ok(history[0].includes('Version 1') || history[0].includes('started at 50 mg'), 'the first version too');
  await checkA11y(page, 'chart medications');
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'staff-medications');
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();

  const t = await newPage(browser);
  await login(t.page, srv.url, 'm.zielinska');
  await openChart(t.page, 'Kowalska, Anna');
  const tc = t.page.getByTestId('meds-card');
  await tc.getByText('25 mg · once daily').waitFor();
  assert.equal(await tc.locator('summary', { hasText: 'Add a medication' }).count(), 0, 'the therapist reads only');
  await t.context.close();
});

test('12-step log: a meeting, the weekly summary, sponsor and step work', async () => {
  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'm.zielinska');
  await openChart(page, 'Kowalska, Anna');
  const card = page.getByTestId('recovery-card');
  await card.getByText('No meetings logged yet.').waitFor();
  await card.locator('summary', { hasText: 'Log a meeting' }).click();
  await card.getByTestId('meeting-form').getByLabel('Date').fill('2026-11-22');
  await card.getByTestId('meeting-form').getByRole('button', { name: 'Log a meeting' }).click();
  await card.getByText('Meeting on 22 Nov 2026 logged.').waitFor();
  const weekly = await card.getByTestId('recovery-weekly').locator('tbody tr').allInnerTexts();
  assert.ok(weekly[1].includes('16 Nov 2026') && weekly[1].endsWith('1'), `last week: ${weekly[1]}`);
  await card.locator('summary', { hasText: 'Update sponsor and step work' }).click();
  const f = card.getByTestId('support-form');
  await f.getByLabel("Sponsor's name").fill('Jola');
  await f.getByLabel("Sponsor's phone").fill('+48 600 222 333');
  await f.getByLabel('Last contact').fill('2026-11-22');
  await f.getByLabel('Current step (1–12)').fill('3');
  await f.getByRole('button', { name: 'Save', exact: true }).click();
  await card.getByText('Sponsor and step work saved.').waitFor();
  const text = await card.innerText();
  assert.ok(text.includes('Jola') && text.includes('Step 3 of 12') && text.includes('last contact 22 Nov 2026'));
  assert.equal(await card.locator('a[href="tel:+48600222333"]').count(), 1);
  await checkA11y(page, 'chart 12-step log');
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('an earlier version of the safety plan is shown read-only', async () => {
  const marta = await apiAs(srv.url, 'm.zielinska');
  assert.equal((await marta('PUT', `/patients/${anna}/safety-plan`, { version: 0, warning_signs: ['Skipping meals'] })).status, 200);
  assert.equal((await marta('PUT', `/patients/${anna}/safety-plan`, { version: 1, warning_signs: ['Not sleeping'] })).status, 200);
  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'm.zielinska');
  await openChart(page, 'Kowalska, Anna');
  const card = page.getByTestId('safety-plan-card');
  await card.getByText('Earlier versions (2 in all)').click();
  await card.getByRole('button', { name: 'Show version 1' }).click();
  const earlier = card.getByTestId('plan-earlier');
  await earlier.waitFor();
  const text = await earlier.innerText();
  assert.ok(text.includes('Version 1 of the safety plan') && text.includes('Skipping meals') && text.includes('the current version is 2'));
  assert.ok(!text.includes('Not sleeping'));
  assert.equal(await earlier.locator('input, textarea').count(), 0, 'read-only');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Version 1 of the safety plan', 'focus moves to it');
  await checkA11y(page, 'earlier safety plan version');
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('discharge: the form, then the final summary', async () => {
  const nowak = await apiAs(srv.url, 'dr.nowak');
  const piotr = await patientId(nowak, 'Wiśniewski');
  const phq = Object.fromEntries([2, 2, 1, 1, 2, 1, 1, 1, 0].map((v, i) => [`phq9_${i + 1}`, v]));
  assert.equal((await nowak('POST', `/patients/${piotr}/assessments`, { instrument: 'phq9', answers: phq })).status, 201);
  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'dr.nowak');
  await openChart(page, 'Wiśniewski, Piotr');
  const card = page.getByTestId('discharge-card');
  await card.getByText('Discharge summary so far (draft)').click();
  await card.getByTestId('discharge-summary').getByText('draft', { exact: true }).waitFor();
  await card.getByText('Discharge from the program').click();
  const form = card.getByTestId('discharge-form');
  await form.getByRole('button', { name: 'Discharge', exact: true }).click();
  await form.locator('.field-error:visible').first().waitFor();
  assert.equal(await form.getByLabel('Reason').getAttribute('aria-invalid'), 'true');
  await form.getByLabel('Reason').selectOption('step_down');
  await form.getByLabel('Aftercare plan').fill('Weekly outpatient therapy; AA three times a week; call the clinic if craving rises.');
  await form.getByLabel('Referral 1: to whom').fill('Poradnia Terapii Uzależnień, ul. Długa 5');
  await form.getByLabel('Kind of service').selectOption('outpatient_therapy');
  await form.getByLabel('Contact').fill('+48 22 111 22 33');
  await form.getByLabel('Date', { exact: true }).fill('2026-11-30');
  await form.getByLabel('With whom').fill('mgr Anna Nowicka');
  await form.getByRole('button', { name: 'Discharge', exact: true }).click();
  const summary = page.getByTestId('discharge-summary');
  await page.getByText('Discharged on 23 Nov 2026. The summary below is final.').waitFor();
  const text = await summary.innerText();
  assert.ok(text.includes('final'));
  assert.ok(text.includes('Step-down') || text.includes('step') || text.includes('Step'), 'the reason');
  assert.ok(text.includes('Poradnia Terapii Uzależnień') && text.includes('outpatient therapy'));
  assert.ok(text.includes('30 Nov 2026 with mgr Anna Nowicka'));
  assert.ok(text.includes('PHQ-9'), 'the measures');
  assert.ok((await page.locator('#main').innerText()).includes('No active episode'), 'the chart follows');
  await checkA11y(page, 'discharge summary');
  await page.getByTestId('discharge-card').scrollIntoViewIfNeeded();
  await screenshot(page, 'staff-discharge-summary');
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('hours this week against the minimum; attendance and check-in reasons in the timeline', async () => {
  // Monday 19:00 in Warsaw: the evening group runs; Anna attended two hours of it.
  await srv.advanceClock(10 * 3600_000);
  const krol = await apiAs(srv.url, 'a.krol');
  const sessions = (await krol('GET', `/sessions?patient_id=${anna}&from=2026-11-23&to=2026-11-23`)).body.items;
  assert.equal(sessions.length, 1);
  const put = await krol('PUT', `/sessions/${sessions[0].id}/attendance`, { entries: [{ patient_id: anna, status: 'late', minutes: 120 }] });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  assert.equal((await krol('POST', `/patients/${anna}/checkins`, { answers: { ...CALM_CHECKIN, used: 1 } })).status, 201);

  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'm.zielinska');
  await openChart(page, 'Kowalska, Anna');
  const card = page.getByTestId('hours-card');
  await card.getByTestId('hours-attended').waitFor();
  assert.equal(await card.getByTestId('hours-attended').innerText(), '2 hrs');
  const text = await card.innerText();
  assert.ok(text.includes('Weekly minimum') && text.includes('9 hrs'), text);
  assert.ok(text.includes('Out of reach this week: 7 hrs more needed, only 6 hrs still scheduled.'), text);
  await card.getByRole('button', { name: 'Previous week' }).click();
  await card.locator('h2', { hasText: 'Hours in the week of 16 Nov 2026' }).waitFor();
  assert.ok((await card.innerText()).includes('The minimum was not reached'));
  await card.getByRole('button', { name: 'This week' }).click();
  await card.locator('h2', { hasText: 'Hours this week' }).waitFor();

  const tl = page.getByTestId('timeline');
  const tlText = await tl.innerText();
  assert.ok(tlText.includes('Group session') && tlText.includes('Relapse prevention') && tlText.includes('late') && tlText.includes('120 min attended'), 'attendance');
  assert.ok(tlText.includes('Progress note (DAP)'), 'notes');
  const reasons = await tl.getByTestId('checkin-reasons').first().innerText();
  assert.ok(/alcohol|substance/i.test(reasons), `the check-in's reasons: ${reasons}`);
  await checkA11y(page, 'chart hours and timeline');
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'staff-chart-hours', { fullPage: false });
  await page.locator('#main h1').scrollIntoViewIfNeeded();
  await screenshot(page, 'staff-chart-record');
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('a planned discharge date: refused before admission, kept after a reload; AUDIT-C falls due, and the summary says whether it was given', async () => {
  const marta = await apiAs(srv.url, 'm.zielinska');
  const ep = (await marta('GET', `/episodes?patient_id=${anna}`)).body.items.find((e) => e.status === 'active');
  assert.deepEqual([ep.admitted_on, ep.planned_discharge_on], ['2026-11-20', null]);
  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'm.zielinska');
  await openChart(page, 'Kowalska, Anna');
  const card = page.getByTestId('discharge-card');
  const shown = card.getByTestId('planned-discharge');
  assert.equal(await shown.innerText(), 'Planned discharge: not set');
  const form = card.getByTestId('planned-discharge-form');
  assert.equal(await form.isVisible(), false, 'collapsed like the chart\'s other edit forms');
  await card.getByText('Set or change the planned date').click();
  const date = form.getByLabel('Planned discharge');
  await date.fill('2026-11-19');
  await form.getByRole('button', { name: 'Save planned date' }).click();
  await form.getByRole('alert').waitFor();
  assert.equal(await date.getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await form.locator('.field-error:not([hidden])').allTextContents(), ['Not before the admission on 20 Nov 2026']);
  await checkA11y(page, 'planned discharge with an error');
  await date.fill('2026-11-27');
  await form.getByRole('button', { name: 'Save planned date' }).click();
  await form.getByText('Planned discharge saved: 27 Nov 2026.').waitFor();
  assert.match(await shown.innerText(), /^Planned discharge: Friday,? 27 November 2026$/);
  const saved = (await marta('GET', `/episodes?patient_id=${anna}`)).body.items.find((e) => e.id === ep.id);
  assert.deepEqual([saved.planned_discharge_on, saved.version], ['2026-11-27', ep.version + 1]);
  await checkA11y(page, 'planned discharge saved');
  await card.scrollIntoViewIfNeeded();
  await screenshot(page, 'staff-planned-discharge', { fullPage: false });

  // Four days ahead: once the admission AUDIT-C is given (by her therapist, on her behalf), the
  // discharge one is due, and the draft summary names the gap.
  const admission = await marta('POST', `/patients/${anna}/assessments`, { instrument: 'audit_c', answers: { auditc_1: 2, auditc_2: 1, auditc_3: 0 } });
  assert.equal(admission.status, 201, JSON.stringify(admission.body));
  await srv.advanceClock(60_000); // the discharge answer must come later than the admission one
  const due = (await marta('GET', `/patients/${anna}/due`)).body.items.filter((d) => d.schedule === 'at_discharge');
  assert.deepEqual(due.map((d) => [d.instrument, d.status]), [['audit_c', 'due']]);
  await card.getByText('Discharge summary so far (draft)').click();
  const measures = card.getByTestId('discharge-measures');
  await measures.waitFor();
  assert.equal(await measures.innerText().then((s) => s.replace(/\s+/g, ' ').trim()), 'AUDIT-C at discharge not done Give it in the last 7 days before discharge.');
  assert.equal(await measures.locator('.tag-warn').innerText(), 'not done');
  await checkA11y(page, 'draft summary without AUDIT-C');

  // Kept after a reload (the chart is opened again: which patient is open is not in the URL).
  await page.reload();
  await page.locator('#main h1').first().waitFor();
  await openChart(page, 'Kowalska, Anna');
  await page.getByTestId('planned-discharge').waitFor();
  assert.equal(await page.getByTestId('planned-discharge-form').getByLabel('Planned discharge').inputValue(), '2026-11-27');
  assert.match(await page.getByTestId('planned-discharge').innerText(), /27 November 2026$/);

  // The patient sees it on a phone, says why, and answers it; the summary then names the day.
  const pat = await apiAs(srv.url, 'anna.k', PATIENT_PASSWORD);
  assert.equal((await pat('PATCH', '/me', { language: 'en' })).status, 200);
  {
    const p = await newPage(browser, { width: 360, height: 740 });
    await login(p.page, srv.url, 'anna.k', PATIENT_PASSWORD);
    const item = p.page.locator('.measure-btn', { hasText: 'before you leave the program' });
    await item.waitFor();
    assert.equal((await item.innerText()).replace(/\s+/g, ' '), 'AUDIT-C (alcohol use) before you leave the program, by Friday 27 November');
    await screenshot(p.page, 'patient-audit-at-discharge', { fullPage: false });
    assert.deepEqual(unexpectedErrors(p.errors), []);
    await p.context.close();
  }
  const sent = await pat('POST', `/patients/${anna}/assessments`, { instrument: 'audit_c', answers: { auditc_1: 1, auditc_2: 0, auditc_3: 0 } });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  await page.reload();
  await page.locator('#main h1').first().waitFor();
  await openChart(page, 'Kowalska, Anna');
  await page.getByTestId('discharge-card').getByText('Discharge summary so far (draft)').click();
  const after = page.getByTestId('discharge-measures');
  await after.waitFor();
  assert.equal((await after.innerText()).replace(/\s+/g, ' ').trim(), 'AUDIT-C at discharge done on 23 Nov 2026');

  // Cleared: null, and the card says so.
  const f2 = page.getByTestId('planned-discharge-form');
  await page.getByText('Set or change the planned date').click();
  await f2.getByLabel('Planned discharge').fill('');
  await f2.getByRole('button', { name: 'Save planned date' }).click();
  await f2.getByText('The planned discharge date was removed.').waitFor();
  assert.equal(await page.getByTestId('planned-discharge').innerText(), 'Planned discharge: not set');
  assert.equal((await marta('GET', `/episodes?patient_id=${anna}`)).body.items.find((e) => e.id === ep.id).planned_discharge_on, null);
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});
