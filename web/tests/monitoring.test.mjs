// Issue 5's end-to-end path: a patient on a 360-pixel phone sends a high-risk check-in and sees
// the crisis numbers and their safety plan at once; the alert appears on a signed-in clinician's
// Today screen without a reload; the clinician acknowledges it, opens a crisis, logs what was
// done and closes it. Then: program staff and a group leader are not offered acknowledging a high
// alert; the live stream pauses with the session lock and resumes after sign-in, missing nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CALM_CHECKIN,
  PATIENT_PASSWORD,
  STAFF_PASSWORD,
  answer,
  apiAs,
  assertNoStorage,
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
  ({ srv, browser } = await openSuite());
  // Anna's therapist writes her safety plan and records an emergency contact; she reads in English.
  const marta = await apiAs(srv.url, 'm.zielinska');
  assert.equal((await marta('PATCH', '/me', { language: 'en' })).status, 200);
  anna = await patientId(marta, 'Kowalska');
  const plan = await marta('PUT', `/patients/${anna}/safety-plan`, {
    version: 0,
    with_patient: true,
    warning_signs: ['Not sleeping', 'Skipping group'],
    internal_coping: ['A walk by the river'],
    people_to_ask_for_help: [{ name: 'My sister Ola', phone: '+48 600 111 222' }],
    professionals_and_agencies: [{ name: 'Dr Zielińska', phone: '+48 22 000 00 00', note: 'weekdays' }],
    reasons_for_living: ['My daughter'],
  });
  assert.equal(plan.status, 200);
  const p = (await marta('GET', `/patients/${anna}`)).body;
  const patch = await marta('PATCH', `/patients/${anna}`, {
    version: p.version,
    emergency_contact: { name: 'Jan Kowalski', phone: '+48 600 300 400', relationship: 'brother' },
  });
  assert.equal(patch.status, 200);
});
after(() => closeSuite(srv, browser));

test('a high-risk check-in on a phone reaches the clinician live; acknowledge, crisis, close', async (t) => {
  // The clinician is on Today with the live stream connected.
  const clin = await newPage(browser);
  let clinNavigations = 0;
  clin.page.on('framenavigated', (f) => {
    if (f === clin.page.mainFrame()) clinNavigations += 1;
  });
  await login(clin.page, srv.url, 'm.zielinska');
  assert.equal(await clin.page.locator('#main h1').textContent(), 'Today');
  await clin.page.locator('.live-bar.live-live').waitFor();
  const sound = clin.page.getByLabel('Sound for new alerts');
  assert.equal(await sound.isChecked(), false, 'no sound until the user switches it on');
  await clin.page.getByTestId('today-checkins').waitFor();
  await checkA11y(clin.page, 'Today');
  await screenshot(clin.page, 'staff-today');
  const navigationsBefore = clinNavigations;
  // The demo morning already has warnings (weekly minimum out of reach): the badge counts on from them.
  await clin.page.getByTestId('today-alerts').waitFor();
  const badge = clin.page.getByTestId('alerts-badge');
  const badgeBefore = (await badge.isVisible()) ? Number((await badge.innerText()).trim().split(/\s/)[0]) : 0;

  // The patient, on a 360-pixel phone, in Polish.
  const pat = await newPage(browser, { width: 360, height: 740, locale: 'pl-PL' });
  await login(pat.page, srv.url, 'anna.k', PATIENT_PASSWORD);
  await pat.page.getByTestId('start-checkin').click();
  await pat.page.getByTestId('questionnaire').waitFor();
  assert.equal(await pat.page.locator('#main h1').textContent(), 'Dzisiejsze zgłoszenie');
  const intent = pat.page.locator('fieldset[data-item="self_harm_intent"]');
  assert.ok(await intent.isHidden(), 'the intent question waits for a yes to self-harm thoughts');
  await answer(pat.page, 'mood', 2);
  await answer(pat.page, 'anxiety', 8);
  await answer(pat.page, 'craving', 6);
  await answer(pat.page, 'used', 0);
  await answer(pat.page, 'sleep_hours', 4.5);
  await answer(pat.page, 'medication', 1);
  await answer(pat.page, 'self_harm_thoughts', 1);
  await intent.waitFor();
  await answer(pat.page, 'self_harm_intent', 1);
  await pat.page.locator('fieldset[data-item="meetings"] button').nth(1).click(); // "+" from empty: 0
  // Big enough to hit with a thumb.
  const tile = await pat.page.locator('fieldset[data-item="self_harm_intent"] label').first().boundingBox();
  assert.ok(tile.height >= 44, `answer tiles are at least 44 px high (${tile.height})`);
  const overflow = await pat.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= 360, `no sideways scrolling (${overflow}px)`);
  await checkA11y(pat.page, 'patient check-in');
  await screenshot(pat.page, 'patient-checkin', { fullPage: false });

  const sent = pat.page.waitForResponse((r) => r.url().endsWith('/checkins') && r.request().method() === 'POST');
  await pat.page.getByRole('button', { name: 'Wyślij zgłoszenie' }).click();
  const res = await sent;
  const t201 = Date.now();
  assert.equal(res.status(), 201);
  // Both at once: the patient's help, and the alert on the clinician's Today without a reload
  // (at most 10 s; the latency itself is measured by `npm run bench`).
  const help = pat.page.getByTestId('crisis-now');
  // Her own alert (the demo may also have an info alert for her: certification of need due).
  const item = clin.page.getByTestId('today-alerts').locator('li:not(.sev-info)', { hasText: 'Kowalska, Anna' });
  const [shownAfter] = await Promise.all([item.waitFor({ timeout: 10_000 }).then(() => Date.now() - t201), help.waitFor()]);
  t.diagnostic(`alert on the clinician's Today ${shownAfter} ms after the patient's 201 (as polled by the test)`);

  // The patient: the crisis numbers with tel: links, then the safety plan.
  assert.equal(await help.locator('h1').textContent(), 'Pomoc jest tuż obok');
  const hrefs = await help.locator('.crisis-list a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(hrefs.includes('tel:112') && hrefs.includes('tel:116123'), `crisis numbers: ${hrefs}`);
  const helpText = await help.innerText();
  assert.ok(helpText.includes('My sister Ola') && helpText.includes('A walk by the river'), 'the safety plan is shown');
  assert.ok(helpText.indexOf('116 123') < helpText.indexOf('My sister Ola'), 'the numbers come first');
  assert.equal(await pat.page.evaluate(() => document.activeElement?.tagName), 'H1', 'focus moves to the help');
  await checkA11y(pat.page, 'patient crisis resources');
  await screenshot(pat.page, 'patient-crisis-resources', { fullPage: false });

  // The clinician's Today, unreloaded.
  assert.equal(clinNavigations, navigationsBefore, 'no reload or navigation');
  assert.ok((await item.innerText()).includes('Imminent'));
  assert.ok((await item.innerText()).includes('New'));
  assert.equal(await clin.page.getByTestId('severity-counts').locator('[data-severity="imminent"] .sev-count-n').textContent(), '1');
  assert.ok((await clin.page.getByTestId('announcer').textContent()).includes('Kowalska, Anna'), 'screen readers hear of it');
  assert.equal((await clin.page.getByTestId('alerts-badge').innerText()).trim().split(/\s/)[0], String(badgeBefore + 1));
  // The day's check-ins follow the stream too: Anna moves to "received", with her risk.
  await clin.page.getByTestId('checkins-received').locator('li', { hasText: 'Kowalska, Anna' }).getByText('Imminent risk').waitFor();
  assert.equal(await clin.page.getByTestId('checkins-missing').locator('li', { hasText: 'Kowalska, Anna' }).count(), 0);
  assert.ok(!(await clin.page.getByTestId('as-of').innerText()).includes('New check-ins have come in'), 'the list is not behind');
  assert.equal(clinNavigations, navigationsBefore, 'still no reload');
  await screenshot(clin.page, 'staff-today-alert');

  // The alert: reasons and history; acknowledge with a note.
  await item.getByRole('link', { name: 'Kowalska, Anna' }).click();
  await clin.page.getByTestId('alert-history').waitFor();
  assert.equal(await clin.page.title(), 'Alert · Pomost', 'no patient name in the window title');
  assert.equal(new URL(clin.page.url()).pathname, '/alert');
  const detail = await clin.page.locator('#main').innerText();
  assert.ok(detail.includes('I might act on thoughts of self-harm today'), 'the reason, in the reader\'s language');
  await checkA11y(clin.page, 'alert detail');
  await clin.page.getByLabel('Note (optional)').fill('Called Anna; she is at home with her brother <img src=x onerror="window.__xss=1">');
  await clin.page.getByRole('button', { name: 'Acknowledge' }).click();
  await clin.page.getByText('Acknowledged. The escalation has stopped.').waitFor();
  assert.equal(await clin.page.getByTestId('alert-status').textContent(), 'Acknowledged');
  assert.ok((await clin.page.getByTestId('alert-history').innerText()).includes('she is at home with her brother <img src=x onerror="window.__xss=1">'), 'user text shown as text');
  assert.equal(await clin.page.getByTestId('alert-history').locator('img').count(), 0, 'never as markup');
  assert.equal(await clin.page.evaluate(() => window.__xss), undefined);
  await screenshot(clin.page, 'staff-alert');

  // A crisis from the alert: contacts, safety plan, actions, closing.
  await clin.page.getByRole('button', { name: 'Open a crisis' }).click();
  await clin.page.getByTestId('crisis-action-form').waitFor();
  assert.equal(new URL(clin.page.url()).pathname, '/crisis');
  assert.equal(await clin.page.getByTestId('crisis-status').textContent(), 'Open crisis');
  const crisisText = await clin.page.locator('#main').innerText();
  assert.ok(crisisText.includes('Jan Kowalski') && crisisText.includes('+48 600 300 400'), 'the emergency contact');
  await clin.page.getByTestId('safety-plan').waitFor();
  assert.ok((await clin.page.getByTestId('safety-plan-card').innerText()).includes('My sister Ola'));
  assert.equal(await clin.page.locator('a[href="tel:+48600111222"]').count(), 1, 'plan contacts can be called');
  await clin.page.getByLabel('What was done').selectOption('patient_contacted');
  await clin.page.getByTestId('crisis-action-form').getByLabel('Note', { exact: true }).fill('Phoned; agreed to come in this afternoon');
  await clin.page.getByRole('button', { name: 'Log action' }).click();
  await clin.page.getByText('Logged: Patient contacted.').waitFor();
  await clin.page.getByLabel('What was done').selectOption('safety_plan_reviewed');
  await clin.page.getByRole('button', { name: 'Log action' }).click();
  await clin.page.getByText('Logged: Safety plan reviewed.').waitFor();
  const actions = clin.page.getByTestId('crisis-actions').locator('li');
  assert.equal(await actions.count(), 2);
  // (Both were logged at the same simulated instant: their order is not asserted.)
  const logged = await actions.allInnerTexts();
  assert.ok(logged.some((x) => x.includes('Patient contacted') && x.includes('agreed to come in this afternoon') && x.includes('Marta Zielińska')));
  assert.ok(logged.some((x) => x.includes('Safety plan reviewed')));
  await checkA11y(clin.page, 'crisis');
  await screenshot(clin.page, 'staff-crisis');

  // Closing needs an outcome.
  await clin.page.getByRole('button', { name: 'Close the crisis' }).click();
  await clin.page.getByTestId('crisis-close-form').getByText('Required').waitFor();
  await clin.page.getByLabel('Outcome').selectOption('stabilized_continuing');
  await clin.page.getByRole('button', { name: 'Close the crisis' }).click();
  await clin.page.getByText('The crisis is closed.').waitFor();
  assert.equal(await clin.page.getByTestId('crisis-status').textContent(), 'Closed');
  assert.equal(await clin.page.getByTestId('crisis-action-form').count(), 0, 'no more actions once closed');

  // Back to the alert, and resolve it: a note is required.
  await clin.page.getByRole('link', { name: 'The alert', exact: true }).click();
  await clin.page.getByTestId('alert-history').waitFor();
  assert.ok((await clin.page.getByTestId('alert-history').innerText()).includes('Crisis opened'));
  await clin.page.getByText('Resolve this alert').click();
  await clin.page.getByRole('button', { name: 'Resolve' }).click();
  await clin.page.getByTestId('resolve-form').getByText('At least 3 characters').waitFor();
  assert.equal(await clin.page.getByLabel('What was done (required)').getAttribute('aria-invalid'), 'true');
  await clin.page.getByLabel('What was done (required)').fill('Seen in person; safety plan reviewed; continues in the program');
  await clin.page.getByRole('button', { name: 'Resolve' }).click();
  await clin.page.getByText('The alert is resolved.').waitFor();
  assert.equal(await clin.page.getByTestId('alert-status').textContent(), 'Resolved');
  await openNav(clin.page, 'Today');
  await clin.page.getByTestId('today-checkins').waitFor();
  assert.equal(await clin.page.getByTestId('today-alerts').locator('li:not(.sev-info)', { hasText: 'Kowalska, Anna' }).count(), 0, 'resolved alerts leave Today');

  const marta = await apiAs(srv.url, 'm.zielinska');
  const crises = (await marta('GET', `/crises?patient_id=${anna}&status=all`)).body.items;
  assert.equal(crises.length, 1);
  assert.equal(crises[0].disposition, 'stabilized_continuing');
  assert.deepEqual(crises[0].actions.map((a) => a.kind).sort(), ['patient_contacted', 'safety_plan_reviewed']);

  // Nothing about the patient in URLs or storage, on either side.
  for (const p of [clin.page, pat.page]) assert.equal(new URL(p.url()).search, '');
  await assertNoStorage(clin.page, clin.context);
  await assertNoStorage(pat.page, pat.context);
  assert.deepEqual(unexpectedErrors(clin.errors), []);
  assert.deepEqual(unexpectedErrors(pat.errors), []);
  await clin.context.close();
  await pat.context.close();
});

test('program staff mark a high alert seen but are not offered to acknowledge it; a group leader sees no alerts', async () => {
  const krol = await apiAs(srv.url, 'a.krol');
  assert.equal((await krol('PATCH', '/me', { language: 'en' })).status, 200);
  const tomasz = await patientId(krol, 'Kamiński');
  const r = await krol('POST', `/patients/${tomasz}/checkins`, { answers: { ...CALM_CHECKIN, self_harm_thoughts: 1, self_harm_intent: 0 } });
  assert.equal(r.status, 201);
  assert.equal(r.body.alerts[0].severity, 'high');

  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'a.krol');
  const item = page.getByTestId('today-alerts').locator('li:not(.sev-info)', { hasText: 'Kamiński, Tomasz' });
  await item.waitFor();
  await item.getByRole('link').click();
  await page.getByTestId('alert-history').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Acknowledge' }).count(), 0, 'acknowledging is not offered');
  assert.equal(await page.getByRole('button', { name: 'Open a crisis' }).count(), 0, 'nor opening a crisis');
  assert.equal(await page.getByText('Resolve this alert').count(), 0, 'nor resolving');
  await page.getByText('Only a licensed clinician can acknowledge this alert.').waitFor();
  await page.getByRole('button', { name: 'Mark as seen' }).click();
  await page.getByText('Marked as seen. The escalation continues').waitFor();
  assert.ok((await page.getByTestId('alert-history').innerText()).includes('Marked as seen'));
  assert.equal(await page.getByTestId('alert-status').textContent(), 'Open', 'seen stops nothing');
  await checkA11y(page, 'alert detail (program staff)');
  await screenshot(page, 'staff-alert-program-staff');

  // The alert list.
  await openNav(page, /^Alerts/);
  await page.getByTestId('alerts-table').waitFor();
  assert.ok((await page.getByTestId('alerts-table').innerText()).includes('Kamiński, Tomasz'));
  await checkA11y(page, 'alerts');
  await screenshot(page, 'staff-alerts');
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();

  // A group leader: Today has the day's check-ins, no alerts and nothing to acknowledge.
  const gl = await newPage(browser);
  const leader = await apiAs(srv.url, 't.malinowski');
  assert.equal((await leader('PATCH', '/me', { language: 'en' })).status, 200);
  await login(gl.page, srv.url, 't.malinowski');
  await gl.page.getByTestId('today-checkins').waitFor();
  assert.ok((await gl.page.getByTestId('checkins-received').innerText()).includes('Kamiński, Tomasz'), 'who checked in, with risk');
  assert.equal(await gl.page.getByTestId('today-alerts').count(), 0);
  assert.equal(await gl.page.getByRole('button', { name: 'Acknowledge' }).count(), 0);
  assert.equal(await gl.page.getByRole('navigation').getByRole('link', { name: /^Alerts/ }).count(), 0);
  await checkA11y(gl.page, 'Today (group leader)');
  assert.deepEqual(unexpectedErrors(gl.errors), []);
  await gl.context.close();
});

test('the live stream pauses with the session lock and resumes after sign-in without missing an alert', async () => {
  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'm.zielinska');
  await page.locator('.live-bar.live-live').waitFor();

  // Sixteen idle minutes on the server: it ends the session and tells the stream.
  await srv.advanceClock(16 * 60_000);
  const dialog = page.getByRole('dialog', { name: 'Your session has ended' });
  await dialog.waitFor({ timeout: 10_000 });
  assert.ok((await dialog.innerText()).includes('Alerts paused'));
  assert.ok((await page.getByTestId('live-status').innerText()).includes('Live alerts paused — sign in to resume.'));

  // Meanwhile a patient of hers checks in with self-harm thoughts.
  const krol = await apiAs(srv.url, 'a.krol');
  const jonas = await patientId(krol, 'Müller');
  const r = await krol('POST', `/patients/${jonas}/checkins`, { answers: { ...CALM_CHECKIN, self_harm_thoughts: 1, self_harm_intent: 0 } });
  assert.equal(r.status, 201);

  await dialog.getByLabel('Password').fill(STAFF_PASSWORD);
  await dialog.getByRole('button', { name: 'Sign in again' }).click();
  await dialog.waitFor({ state: 'detached' });
  // Resumed from the last event seen: the alert raised while locked arrives, no reload needed.
  await page.getByTestId('today-alerts').locator('li:not(.sev-info)', { hasText: 'Müller, Jonas' }).waitFor({ timeout: 10_000 });
  await page.locator('.live-bar.live-live').waitFor();
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});
