// Census (sort and filter by keyboard), the chart's measures over time (PHQ-9, GAD-7, craving
// with severity bands and reliable-change markers, each with a text alternative), its timeline,
// and the safety plan written, versioned and read by the patient.
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

const phq = (items) => Object.fromEntries(items.map((v, i) => [`phq9_${i + 1}`, v]));
const gad = (items) => Object.fromEntries(items.map((v, i) => [`gad7_${i + 1}`, v]));
// Three weeks of Anna: PHQ-9 8 → 12 → 15 (+7: reliable deterioration), GAD-7 14 → 9 → 10
// (−5, −4: reliable improvement), craving 7 → 5 → 3.
const WEEKS = [
  { phq: [1, 1, 1, 1, 1, 1, 1, 1, 0], gad: [2, 2, 2, 2, 2, 2, 2], craving: 7 },
  { phq: [2, 2, 1, 1, 2, 1, 2, 1, 0], gad: [1, 1, 1, 2, 1, 2, 1], craving: 5 },
  { phq: [2, 2, 2, 2, 2, 2, 2, 1, 0], gad: [2, 1, 1, 2, 1, 2, 1], craving: 3 },
];

before(async () => {
  ({ srv, browser } = await openSuite());
  for (const [i, w] of WEEKS.entries()) {
    if (i > 0) await srv.advanceClock(7 * 24 * 3600_000);
    // Logins after each jump: a week of simulated time ends any session.
    const marta = await apiAs(srv.url, 'm.zielinska');
    const anna = await patientId(marta, 'Kowalska');
    assert.equal((await marta('POST', `/patients/${anna}/assessments`, { instrument: 'phq9', answers: phq(w.phq) })).status, 201);
    assert.equal((await marta('POST', `/patients/${anna}/assessments`, { instrument: 'gad7', answers: gad(w.gad) })).status, 201);
    const krol = await apiAs(srv.url, 'a.krol');
    assert.equal((await krol('POST', `/patients/${anna}/checkins`, { answers: { ...CALM_CHECKIN, craving: w.craving } })).status, 201);
  }
  for (const u of ['dr.nowak']) assert.equal((await (await apiAs(srv.url, u))('PATCH', '/me', { language: 'en' })).status, 200);
});
after(() => closeSuite(srv, browser));

test('the census sorts and filters by keyboard; the chart draws measures with their text alternatives', async () => {
  const { context, page, errors } = await newPage(browser);
  const scripts = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
  });
  await login(page, srv.url, 'dr.nowak');
  await openNav(page, 'Census');
  const table = page.getByTestId('census-table');
  await table.waitFor();
  const rows = table.locator('tbody tr');
  const total = await rows.count();
  assert.ok(total >= 20, `both programs' active patients (${total})`);
  assert.equal(await page.getByTestId('census-summary').textContent(), `${total} of ${total} patients shown`);
  assert.ok(/\d+ of \d+ h/.test(await rows.first().innerText()), 'hours this week against the minimum');

  // Sort by name with the keyboard: the header is a button and says how it sorts.
  const nameHeader = table.locator('thead th').first();
  await nameHeader.getByRole('button').focus();
  await page.keyboard.press('Enter');
  assert.equal(await nameHeader.getAttribute('aria-sort'), 'ascending');
  const names = await table.locator('tbody th').allInnerTexts();
  const sorted = [...names].sort((a, b) => a.localeCompare(b));
  assert.deepEqual(names, sorted, 'sorted by name');
  await page.keyboard.press('Enter');
  assert.equal(await nameHeader.getAttribute('aria-sort'), 'descending');
  assert.equal(await table.locator('tbody th').first().innerText(), sorted[sorted.length - 1]);

  // Filters.
  await page.getByLabel('Name contains').fill('kowal');
  assert.equal(await rows.count(), 1);
  assert.equal(await page.getByTestId('census-summary').textContent(), `1 of ${total} patients shown`);
  await page.getByLabel('Name contains').fill('');
  await page.getByLabel('With open alerts').check();
  const withAlerts = await rows.count();
  assert.ok(withAlerts >= 1, `patients with open alerts (${withAlerts}; two weeks of missed check-ins warn)`);
  for (const r of await rows.allInnerTexts()) assert.ok(/open/.test(r), `a row with open alerts: ${r}`);
  await page.getByLabel('With open alerts').uncheck();
  await checkA11y(page, 'census');
  await screenshot(page, 'staff-census');
  assert.ok(!scripts.some((s) => s.includes('progress')), 'the chart code is not loaded before a chart opens');

  // Anna's chart: PHQ-9, GAD-7 and craving over the episode.
  await page.getByLabel('Name contains').fill('Kowalska');
  await table.getByRole('link', { name: 'Kowalska, Anna' }).click();
  const phq9 = page.getByTestId('chart-phq9');
  await phq9.waitFor();
  assert.ok(scripts.some((s) => s.includes('progress')), 'the chart code came as its own chunk');
  const phqText = await phq9.locator('figcaption').innerText();
  assert.match(phqText, /3 scores: from 8 \(Mild\) on .+ to 15 \(Moderately severe\) on .+\. Reliable deterioration since the first score \(\+7\)\./);
  const svg = phq9.locator('svg');
  assert.equal(await svg.getAttribute('role'), 'img');
  for (const id of (await svg.getAttribute('aria-labelledby')).split(' ')) {
    assert.equal(await page.locator(`[id="${id}"]`).count(), 1, 'the chart is named by its title and summary');
  }
  assert.equal(await svg.locator('rect.band').count(), 5, 'five PHQ-9 severity bands');
  assert.equal(await svg.locator('path.rc-worse').count(), 1, 'one reliable deterioration marker');
  assert.equal(await svg.locator('circle.point').count(), 2);
  await phq9.getByText('Show the values as a table').click();
  const phqRows = await phq9.locator('tbody tr').allInnerTexts();
  assert.equal(phqRows.length, 3);
  assert.ok(phqRows[2].includes('+7') && phqRows[2].includes('reliable deterioration'));

  const gad7 = page.getByTestId('chart-gad7');
  assert.match(await gad7.locator('figcaption').innerText(), /Reliable improvement since the first score \(−?-?4\)\./);
  assert.equal(await gad7.locator('svg rect.band').count(), 4, 'four GAD-7 severity bands');
  assert.equal(await gad7.locator('svg path.rc-better').count(), 2);
  const craving = page.getByTestId('chart-craving');
  assert.match(await craving.locator('figcaption').innerText(), /3 scores: from 7 on .+ to 3 on .+\. Highest: 7 on/);

  const timeline = page.getByTestId('timeline');
  const tl = await timeline.innerText();
  assert.ok(tl.includes('PHQ-9 score 15 (Moderately severe)'), 'measures in the timeline');
  assert.ok(tl.includes('Check-in'), 'check-ins in the timeline');
  assert.ok(/Warning/.test(tl), 'alerts in the timeline (reliable deterioration warns)');
  await checkA11y(page, 'chart with measures and timeline');
  await screenshot(page, 'staff-chart-progress');
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('a safety plan is written, refused with field errors, versioned, and read by the patient on the phone', async () => {
  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'dr.nowak');
  await openNav(page, 'Patients');
  await page.getByLabel('Name', { exact: true }).fill('Kowalska');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('link', { name: 'Kowalska, Anna' }).click();
  const card = page.getByTestId('safety-plan-card');
  await card.getByText('No safety plan has been written yet.').waitFor();
  await card.getByText('Write the safety plan').click();
  const form = page.getByTestId('plan-form');
  const step = (n) => form.locator('fieldset.plan-fieldset').nth(n);
  await step(0).locator('input').fill('Skipping meals');
  await step(0).getByRole('button', { name: 'Add a line' }).click();
  await step(0).locator('input').nth(1).fill('Not answering the phone');
  await step(3).getByLabel('Name').fill('My sister Ola');
  await step(3).getByLabel('Phone number').fill('x');
  await step(6).locator('input').fill('My daughter');
  await form.getByRole('button', { name: 'Save as a new version' }).click();
  // The server refuses the phone number; the error sits next to it, in words.
  await step(3).getByText('At least 3 characters').waitFor();
  assert.equal(await step(3).getByLabel('Phone number').getAttribute('aria-invalid'), 'true');
  await step(3).getByLabel('Phone number').fill('+48 600 111 222');
  await form.getByRole('button', { name: 'Save as a new version' }).click();
  await card.getByText('Saved as version 1.').waitFor();
  const view = await card.getByTestId('safety-plan').innerText();
  assert.ok(view.includes('Skipping meals') && view.includes('Not answering the phone') && view.includes('My sister Ola'));
  assert.equal(await card.locator('a[href="tel:+48600111222"]').count(), 1);

  // A second version keeps the first.
  await card.getByText('Edit the safety plan').click();
  await page.getByTestId('plan-form').locator('fieldset.plan-fieldset').nth(1).locator('input').fill('Music, loud');
  await page.getByTestId('plan-form').getByRole('button', { name: 'Save as a new version' }).click();
  await card.getByText('Saved as version 2.').waitFor();
  await card.getByText('Earlier versions (2 in all)').click();
  const versions = await card.getByTestId('plan-versions').locator('li').allInnerTexts();
  assert.equal(versions.length, 2);
  assert.ok(versions[0].startsWith('Version 2') && versions[1].startsWith('Version 1'));
  assert.ok(versions[0].includes('Dr. Ewa Nowak'));
  await checkA11y(page, 'chart with the safety plan');
  await screenshot(page, 'staff-safety-plan');
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();

  // The patient reads it under Help now, next to the crisis numbers.
  const p = await newPage(browser, { width: 360, height: 740, locale: 'pl-PL' });
  await login(p.page, srv.url, 'anna.k', PATIENT_PASSWORD);
  await p.page.getByTestId('crisis-button').click();
  const plan = p.page.getByTestId('safety-plan');
  await plan.waitFor();
  const text = await plan.innerText();
  assert.ok(text.includes('Music, loud') && text.includes('My sister Ola') && text.includes('My daughter'));
  assert.equal(await plan.locator('a[href="tel:+48600111222"]').count(), 1);
  await checkA11y(p.page, 'patient safety plan');
  await screenshot(p.page, 'patient-safety-plan', { fullPage: false });
  assert.deepEqual(unexpectedErrors(p.errors), []);
  await p.context.close();
});
