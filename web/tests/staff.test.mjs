// A clinical director signs in and works through every staff screen: patients (paging, search),
// a chart, programs, the on-call roster (with a gap made behind the app's back), staff, account.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  distDir,
  apiAs,
  assertNoStorage,
  checkA11y,
  login,
  newPage,
  openNav,
  screenshot,
  unexpectedErrors,
  openSuite,
  closeSuite,
} from './helpers.mjs';

let srv;
let browser;
before(async () => {
  ({ srv, browser } = await openSuite());
});
after(() => closeSuite(srv, browser));

const h1 = (page) => page.locator('#main h1').first();

test('the sign-in page follows the browser language and refuses a wrong password', async () => {
  const { page, errors } = await newPage(browser, { locale: 'de-DE' });
  await page.goto(srv.url + '/');
  await page.getByRole('heading', { level: 1 }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'de');
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Anmelden');
  await checkA11y(page, 'sign-in page');

  await page.getByLabel('Benutzername').fill('l.green');
  await page.getByLabel('Passwort').fill('not-the-password');
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await assert.doesNotReject(page.getByRole('alert').filter({ hasText: 'Benutzername oder Passwort ist nicht korrekt.' }).waitFor());
  assert.equal(new URL(page.url()).search, '', 'nothing about the attempt lands in the URL');
  await screenshot(page, 'sign-in');
  assert.deepEqual(unexpectedErrors(errors), []);
  await page.context().close();
});

test('a clinical director works through patients, chart, programs, on-call, staff and account', async (t) => {
  const { context, page, errors } = await newPage(browser);
  const urls = [];
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) urls.push(f.url());
  });
  // Every state-changing API request carries the CSRF token (the cookie alone is not enough).
  const unsafe = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/v1/') && r.method() !== 'GET' && !r.url().endsWith('/auth/login')) {
      unsafe.push({ what: `${r.method()} ${new URL(r.url()).pathname}`, csrf: r.headers()['x-csrf-token'] ?? '' });
    }
  });
  const scripts = new Set();
  const onScript = (r) => {
    if (r.request().resourceType() === 'script') scripts.add(new URL(r.url()).pathname);
  };
  page.on('response', onScript);

  // dr.nowak prefers Polish: the workspace opens in Polish whatever the browser says, on Today.
  await login(page, srv.url, 'dr.nowak');
  assert.equal(await page.getAttribute('html', 'lang'), 'pl');
  assert.equal(await h1(page).textContent(), 'Dzisiaj');
  assert.equal(new URL(page.url()).pathname, '/today');
  await page.getByTestId('today-checkins').waitFor();

  // The JavaScript budget of the first staff screen: under 150 KB gzipped.
  page.off('response', onScript);
  const gzipped = [...scripts].reduce((sum, p) => sum + gzipSync(readFileSync(path.join(distDir, p)), { level: 9 }).length, 0);
  assert.ok(scripts.size >= 2, `the entry and the Polish catalog were loaded: ${[...scripts]}`);
  assert.ok(gzipped < 150 * 1024, `first staff screen JavaScript is ${gzipped} bytes gzipped`);
  t.diagnostic(`first staff screen JavaScript: ${gzipped} bytes gzipped (${[...scripts].join(', ')})`);

  // Switch to English in the header; it is saved to the profile.
  await page.getByLabel('Język').selectOption('en');
  await page.locator('#main h1', { hasText: 'Today' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  const asNowak = await apiAs(srv.url, 'dr.nowak');
  assert.equal((await asNowak('GET', '/me')).body.language, 'en', 'the language choice is saved with PATCH /me');

  // Today's measures: the weekly windows that close tonight, with their rhythm.
  const closing = page.getByTestId('scheduled-measure').filter({ hasText: 'Hannah' });
  await closing.first().waitFor();
  const hannah = await closing.allInnerTexts();
  for (const want of ['PHQ-9', 'GAD-7']) {
    assert.ok(hannah.some((x) => x.includes(want) && x.includes('weekly · window closes at the end of today')), `Hannah's ${want}: ${hannah}`);
  }

  // Patients: 24 synthetic patients in pages of 20.
  await openNav(page, 'Patients');
  const table = page.getByTestId('patients-table');
  await table.waitFor();
  const page1 = await table.locator('tbody tr td:first-child').allTextContents();
  assert.equal(page1.length, 20);
  assert.ok(await page.getByRole('button', { name: 'Previous page' }).isDisabled());
  await checkA11y(page, 'patients');
  await screenshot(page, 'staff-patients');

  await page.getByRole('button', { name: 'Next page' }).click();
  await page.getByText('Page 2', { exact: true }).waitFor();
  const page2 = await table.locator('tbody tr td:first-child').allTextContents();
  assert.equal(page2.length, 4);
  assert.equal(new Set([...page1, ...page2]).size, 24, 'the second page continues the first');
  assert.ok([...page1, ...page2].includes('Kowalska, Anna'), 'Anna Kowalska is listed');
  assert.ok(await page.getByRole('button', { name: 'Next page' }).isDisabled());

  // Search goes in a POST body.
  const searchBodies = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/v1/patients/search')) searchBodies.push(r.postDataJSON());
  });
  await page.getByLabel('Name', { exact: true }).fill('Kowalska');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByText('1 patient found').waitFor();
  assert.deepEqual(await table.locator('tbody tr td:first-child').allTextContents(), ['Kowalska, Anna']);
  assert.deepEqual(searchBodies, [{ name: 'Kowalska' }]);

  // The chart: demographics, episode, care team.
  await page.getByRole('link', { name: 'Kowalska, Anna' }).click();
  await page.locator('#main h1', { hasText: 'Kowalska, Anna' }).waitFor();
  await page.getByText('Marta Zielińska').waitFor();
  const chart = await page.locator('#main').innerText();
  for (const want of ['Evening Recovery IOP', 'Detox', '20 Nov 2026', '12 Apr 1986', 'Marta Zielińska', 'Dr. Klaus Bauer', 'Adam Król', 'Polish', 'Active (anna.k)']) {
    assert.ok(chart.includes(want), `the chart shows "${want}"`);
  }
  assert.equal(new URL(page.url()).pathname, '/chart');
  // The title is set once the whole chart has rendered (its record sections load after the heading).
  await page.waitForFunction(() => document.title !== 'Patients · Pomost');
  assert.equal(await page.title(), 'Patient chart · Pomost', 'no patient name in the window title (it lands in history)');
  await checkA11y(page, 'chart');
  await screenshot(page, 'staff-chart');

  // Edit contact details (with the record's version).
  await page.getByText('Edit contact details').click();
  await page.getByLabel('Phone', { exact: true }).fill('+48 600 100 200');
  await page.getByLabel('Contact name').fill('Jan Kowalski');
  await page.getByLabel('Relationship').fill('brother');
  await page.getByLabel('Contact phone').fill('+48 600 300 400');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Contact details saved.').waitFor();
  const saved = (await asNowak('POST', '/patients/search', { name: 'Kowalska' })).body.items[0];
  assert.equal(saved.phone, '+48 600 100 200');
  assert.deepEqual(saved.emergency_contact, { name: 'Jan Kowalski', phone: '+48 600 300 400', relationship: 'brother' });
  assert.equal(saved.version, 2);
  assert.ok((await page.locator('dl.facts').nth(2).innerText()).includes('+48 600 100 200'), 'the chart shows the new phone');

  // Back to the list: the search is still there (memory, not the URL).
  await page.getByRole('link', { name: 'All patients' }).click();
  await page.getByText('1 patient found').waitFor();
  assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'Kowalska');

  // Programs.
  await openNav(page, 'Programs');
  await page.getByRole('heading', { name: 'Morning Mood & Anxiety IOP' }).waitFor();
  const programs = await page.locator('#main').innerText();
  for (const want of ['Evening Recovery IOP', 'Substance use', 'Mood and anxiety', 'Evening track', 'Relapse prevention', '18:00–21:00', '116 123']) {
    assert.ok(programs.includes(want), `programs show "${want}"`);
  }
  await checkA11y(page, 'programs');
  await screenshot(page, 'staff-programs');

  // On-call: the demo roster is complete, so no banner.
  await openNav(page, 'On-call roster');
  await page.getByTestId('oncall-table').waitFor();
  assert.equal(await page.getByTestId('oncall-table').locator('tbody tr').count(), 17);
  await page.getByText('Every tier is covered for the next 7 days.').waitFor();
  assert.equal(await page.getByTestId('roster-banner').count(), 0);
  // The test server has no mail server and the demo no delivery webhook: a standing warning ⚑.
  assert.ok((await page.getByTestId('channel-warnings').innerText()).includes('No e-mail server is set up'));
  await checkA11y(page, 'on-call roster');
  await screenshot(page, 'staff-oncall');

  // Someone leaves gaps in the morning program's roster: the banner appears on every screen.
  const asAdmin = await apiAs(srv.url, 'admin');
  const morning = (await asAdmin('GET', '/programs')).body.items.find((p) => p.name.startsWith('Morning')).id;
  const roster = (await asAdmin('GET', `/programs/${morning}/on-call`)).body;
  const karin = roster.entries.find((e) => e.display_name === 'Karin Wolf');
  const put = await asAdmin('PUT', `/programs/${morning}/on-call`, {
    version: roster.version,
    entries: [{ staff_id: karin.staff_id, tier: 'clinician', starts: karin.starts, ends: karin.ends }],
  });
  assert.equal(put.status, 200);
  assert.ok(put.body.gaps.length >= 3);

  await page.reload();
  await page.getByTestId('oncall-table').waitFor();
  await openNav(page, 'Patients');
  const banner = page.getByTestId('roster-banner');
  await banner.waitFor();
  const bannerText = await banner.innerText();
  assert.ok(bannerText.includes('On-call roster has gaps'));
  assert.ok(bannerText.includes('Morning Mood & Anxiety IOP'));
  assert.ok(bannerText.includes('Psychiatrist: nobody on call'));
  assert.ok(!bannerText.includes('Evening Recovery IOP'), 'only the program with gaps is named');
  const channelText = await page.getByTestId('channel-banner').innerText();
  assert.ok(channelText.includes('Alerts reach on-call staff only in this browser'));
  assert.ok(channelText.includes('Evening Recovery IOP') && channelText.includes('Morning Mood & Anxiety IOP'));
  await openNav(page, 'Programs');
  await banner.waitFor();

  await banner.getByRole('link', { name: /Open the roster of Morning/ }).click();
  const coverage = page.getByTestId('coverage-warnings');
  await coverage.waitFor();
  assert.ok(await banner.isHidden(), 'the roster screen shows its own, fuller warnings instead of the banner');
  assert.equal(await page.getByLabel('Program').inputValue(), morning);
  const coverageText = await coverage.innerText();
  assert.ok(coverageText.includes('Coverage gaps in Morning Mood & Anxiety IOP'));
  assert.ok(coverageText.includes('Nobody is on call for part of the next 7 days'));
  assert.ok(coverageText.includes('The clinician tier has gaps'));
  assert.equal(await page.getByTestId('gaps-table').locator('tbody tr').count(), put.body.gaps.length);
  await checkA11y(page, 'on-call roster with gaps');
  await screenshot(page, 'staff-oncall-gaps');

  // Staff: directors read the list; only admins add or edit.
  await openNav(page, 'Staff');
  await page.getByTestId('staff-table').waitFor();
  const staffText = await page.getByTestId('staff-table').innerText();
  assert.ok(staffText.includes('Karin Wolf') && staffText.includes('k.wolf'));
  assert.equal(await page.getByRole('button', { name: 'Add staff member' }).count(), 0);
  assert.equal(await page.getByRole('button', { name: /^Edit / }).count(), 0);
  await page.getByLabel('Filter by name').fill('wolf');
  assert.equal(await page.getByTestId('staff-table').locator('tbody tr').count(), 1);
  await checkA11y(page, 'staff (read-only)');

  // No audit for a director.
  assert.equal(await page.getByRole('navigation').getByRole('link', { name: 'Audit trail' }).count(), 0);

  await openNav(page, 'My account');
  await page.getByText('dr.nowak', { exact: true }).waitFor();
  // The account's own language control: saved, confirmed, and the keyboard stays on it.
  await page.getByLabel('Interface language').selectOption('de');
  await page.getByText('Sprache gespeichert.').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'account-language');
  await page.getByLabel('Sprache der Oberfläche').selectOption('en');
  await page.getByText('Language saved.').waitFor();
  await checkA11y(page, 'my account');
  await screenshot(page, 'staff-account');

  // Keyboard: the skip link is the first stop and leads to the page heading.
  await page.reload();
  await page.locator('#main h1', { hasText: 'My account' }).waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip-link');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'My account');
  assert.equal(new URL(page.url()).hash, '');

  // No patient data in URLs, web storage or script-readable cookies.
  for (const u of urls) {
    const url = new URL(u);
    assert.equal(url.search, '', `no query string in ${u}`);
    assert.ok(!/pat_|epi_|kowal|anna/i.test(u), `no patient data in ${u}`);
  }
  assert.ok(urls.some((u) => u.endsWith('/chart')), 'the chart was visited');
  await assertNoStorage(page, context);

  assert.ok(unsafe.length >= 3, `state-changing requests were made: ${unsafe.map((u) => u.what)}`);
  for (const u of unsafe) assert.match(u.csrf, /^[0-9a-f]{32,}$/, `X-CSRF-Token on ${u.what}`);

  // Signing out ends the session: a reload shows the sign-in page.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();

  assert.deepEqual(unexpectedErrors(errors), [], 'no console errors (CSP violations would show here)');
  await context.close();
});
