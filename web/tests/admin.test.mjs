// An administrator: staff create and edit (validation, escaping, a version conflict), audit search.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
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

// Markup in a name must come out as the same characters, never as elements.
const TRICKY = `<img src=x onerror="window.__xss=1">Zoë "O'Brien" <b>bold</b>`;

test('an admin manages staff and searches the audit trail', async () => {
  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'admin');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(new URL(page.url()).pathname, '/programs', 'admins start at Programs');
  const nav = await page.getByRole('navigation').innerText();
  assert.ok(!nav.includes('Patients'), 'admins see no clinical content');
  assert.ok(nav.includes('Audit trail'));

  await openNav(page, 'Staff');
  await page.getByTestId('staff-table').waitFor();
  const before = await page.getByTestId('staff-table').locator('tbody tr').count();
  assert.equal(before, 12, "the demo staff");
  await checkA11y(page, 'staff list (admin)');
  await screenshot(page, 'admin-staff');

  // Validation errors appear next to their fields, in words of the interface.
  const add = page.getByRole('button', { name: 'Add staff member' });
  await add.click();
  assert.equal(await add.getAttribute('aria-expanded'), 'true');
  const form = page.getByTestId('staff-form');
  await form.getByLabel('Username').fill('z.obrien');
  await form.getByLabel('Initial password').fill('short');
  await form.getByRole('button', { name: 'Create' }).click();
  await form.getByRole('alert').waitFor();
  assert.ok((await form.getByRole('alert').innerText()).includes('Please correct the marked fields.'));
  assert.equal(await form.getByLabel('Full name').getAttribute('aria-invalid'), 'true');
  assert.equal(await form.getByLabel('Initial password').getAttribute('aria-invalid'), 'true');
  const fieldErrors = await form.locator('.field-error:not([hidden])').allTextContents();
  assert.ok(fieldErrors.includes('Required'), `"Required" among ${fieldErrors}`);
  assert.ok(fieldErrors.includes('At least 12 characters'), `"At least 12 characters" among ${fieldErrors}`);
  assert.equal(
    await page.evaluate(() => document.activeElement?.getAttribute('aria-invalid')),
    'true',
    'focus moves to the first invalid field',
  );
  await checkA11y(page, 'staff form with errors');
  await screenshot(page, 'admin-staff-form');

  // Create, with markup in the name.
  await form.getByLabel('Full name').fill(TRICKY);
  await form.getByLabel('Initial password').fill('quiet river lantern 42');
  await form.getByLabel('Role').selectOption('therapist');
  await form.getByLabel('Interface language').selectOption('de');
  await form.getByLabel('E-mail').fill('zoe@example.invalid');
  await form.getByLabel('Licensed clinician').check();
  await form.getByLabel('Evening Recovery IOP').check();
  await form.getByRole('button', { name: 'Create' }).click();
  await page.getByText(`${TRICKY} was added.`).waitFor();
  const table = page.getByTestId('staff-table');
  assert.equal(await table.locator('tbody tr').count(), before + 1);
  const row = table.locator('tbody tr', { hasText: 'z.obrien' });
  assert.equal(await row.locator('td:first-child span').first().textContent(), TRICKY, 'the name is shown character for character');
  assert.equal(await page.locator('img[src="x"], #main b').count(), 0, 'no element was made from the name');
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'no script ran');
  const rowText = await row.innerText();
  for (const want of ['Therapist', 'Licensed', 'Evening Recovery IOP', 'zoe@example.invalid', 'Active']) {
    assert.ok(rowText.includes(want), `the new row shows "${want}"`);
  }
  const asAdmin = await apiAs(srv.url, 'admin');
  const created = (await asAdmin('GET', '/staff?limit=200')).body.items.find((s) => s.username === 'z.obrien');
  assert.equal(created.display_name, TRICKY);
  assert.equal(created.language, 'de');
  assert.equal(created.licensed, true);

  // Edit, then a conflict: someone else saves first.
  await row.getByRole('button', { name: /^Edit / }).click();
  await form.getByLabel('Phone').fill('+48 22 100 20 30');
  await form.getByRole('button', { name: 'Save' }).click();
  await page.getByText(`Changes to ${TRICKY} were saved.`).waitFor();
  assert.ok((await row.innerText()).includes('+48 22 100 20 30'));

  await row.getByRole('button', { name: /^Edit / }).click();
  await form.getByLabel('Full name').fill('Zoë O’Brien');
  const current = (await asAdmin('GET', `/staff/${created.id}`)).body;
  const other = await asAdmin('PATCH', `/staff/${created.id}`, { version: current.version, email: 'zoe.new@example.invalid' });
  assert.equal(other.status, 200);
  await form.getByRole('button', { name: 'Save' }).click();
  await form.getByText('Someone else changed this record in the meantime.', { exact: false }).waitFor();
  assert.equal((await asAdmin('GET', `/staff/${created.id}`)).body.display_name, TRICKY, 'the stale edit did not overwrite');
  await form.getByRole('button', { name: 'Load the latest version' }).click();
  await form.getByRole('alert').waitFor({ state: 'detached' });
  const fresh = page.getByTestId('staff-form');
  assert.equal(await fresh.getByLabel('E-mail').inputValue(), 'zoe.new@example.invalid', 'the form shows the other change');
  await fresh.getByLabel('Full name').fill('Zoë O’Brien');
  await fresh.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Changes to Zoë O’Brien were saved.').waitFor();
  const final = (await asAdmin('GET', `/staff/${created.id}`)).body;
  assert.equal(final.display_name, 'Zoë O’Brien');
  assert.equal(final.email, 'zoe.new@example.invalid');

  // On-call as admin: every program is selectable.
  await openNav(page, 'On-call roster');
  await page.getByTestId('oncall-table').waitFor();
  assert.equal(await page.getByLabel('Program').locator('option').count(), 2);

  // Audit: filter by staff member.
  await openNav(page, 'Audit trail');
  const audit = page.getByTestId('audit-table');
  await audit.waitFor();
  assert.ok((await audit.locator('tbody tr').count()) > 5);
  await page.getByLabel('Staff member').selectOption({ label: 'Zoë O’Brien (z.obrien)' });
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByText('No audit entries match.').waitFor();
  await page.getByLabel('Staff member').selectOption({ label: 'Demo Administrator (admin)' });
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByText(/entries shown$/).waitFor();
  const who = await audit.locator('tbody tr td:nth-child(2)').allInnerTexts();
  assert.ok(who.length > 3);
  assert.ok(who.every((w) => w.startsWith('Demo Administrator')), 'only the admin\'s actions are listed');
  const actions = await audit.locator('tbody tr td:nth-child(3)').allTextContents();
  assert.ok(actions.includes('login'), `a login among ${actions}`);
  assert.ok(actions.some((a) => a.startsWith('staff')), `a staff change among ${actions}`);
  await checkA11y(page, 'audit trail');
  await screenshot(page, 'admin-audit');

  await assertNoStorage(page, context);
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});
