// The session lock: after 16 idle minutes (server clock moved on), the screen locks with a sign-in
// dialog that says alerts are paused; what was typed stays; after signing in the interrupted save
// completes and the user carries on where they were.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  PATIENT_PASSWORD,
  STAFF_PASSWORD,
  apiAs,
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

const SIXTEEN_MINUTES = 16 * 60_000;

test('a save after the session expired locks the screen, keeps the typing and completes after sign-in', async () => {
  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'admin');
  await openNav(page, 'Staff');
  await page.getByTestId('staff-table').waitFor();
  await page.getByRole('button', { name: 'Add staff member' }).click();
  const form = page.getByTestId('staff-form');
  await form.getByLabel('Full name').fill('Greta Lindqvist');
  await form.getByLabel('Username').fill('g.lindqvist');
  await form.getByLabel('Initial password').fill('amber meadow violin 7');
  await form.getByLabel('Role').selectOption('program_staff');
  await form.getByLabel('Phone').fill('+49 30 1234567');

  // Sixteen minutes pass on the server; then the user presses Create.
  await srv.advanceClock(SIXTEEN_MINUTES);
  const posts = [];
  page.on('response', (r) => {
    if (r.request().method() === 'POST' && r.url().endsWith('/api/v1/staff')) posts.push(r.status());
  });
  await form.getByRole('button', { name: 'Create' }).click();

  const dialog = page.getByRole('dialog', { name: 'Your session has ended' });
  await dialog.waitFor();
  assert.ok((await dialog.innerText()).includes('Alerts paused — sign in to continue.'));
  assert.ok((await dialog.innerText()).includes('Demo Administrator (admin)'));
  assert.deepEqual(posts, [401], 'the save was refused once, not lost');
  assert.equal(
    await page.evaluate(() => document.activeElement?.getAttribute('type')),
    'password',
    'the password field has focus',
  );
  // Everything typed is still there, under the dialog.
  assert.equal(await form.getByLabel('Full name').inputValue(), 'Greta Lindqvist');
  assert.equal(await form.getByLabel('Username').inputValue(), 'g.lindqvist');
  assert.equal(await form.getByLabel('Phone').inputValue(), '+49 30 1234567');
  assert.equal(await form.getByLabel('Role').inputValue(), 'program_staff');
  // The page underneath cannot be used, and Escape does not dismiss the lock.
  assert.equal(await page.evaluate(() => document.querySelector('dialog.lock')?.matches(':modal')), true);
  await page.keyboard.press('Escape');
  assert.ok(await dialog.isVisible(), 'Escape leaves the lock in place');
  await checkA11y(page, 'session lock');
  await screenshot(page, 'session-lock', { fullPage: false });

  // A wrong password keeps it locked.
  await dialog.getByLabel('Password').fill('wrong-password-here');
  await dialog.getByRole('button', { name: 'Sign in again' }).click();
  await dialog.getByRole('alert').waitFor();
  assert.ok((await dialog.getByRole('alert').innerText()).includes('The username or password is not correct.'));
  // Each failure delays the account's next attempt (1 s); the simulated clock only moves when told.
  await srv.advanceClock(2000);

  await dialog.getByLabel('Password').fill(STAFF_PASSWORD);
  await dialog.getByRole('button', { name: 'Sign in again' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByText('Greta Lindqvist was added.').waitFor();
  assert.deepEqual(posts, [401, 201], 'the interrupted save went through after sign-in');
  assert.equal(new URL(page.url()).pathname, '/staff', 'still on the same screen');
  assert.ok((await page.getByTestId('staff-table').innerText()).includes('g.lindqvist'));
  const admin = await apiAs(srv.url, 'admin');
  const greta = (await admin('GET', '/staff?limit=200')).body.items.find((s) => s.username === 'g.lindqvist');
  assert.equal(greta.phone, '+49 30 1234567');

  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('the idle timer locks an untouched screen by itself; typed text survives', async () => {
  const { context, page, errors } = await newPage(browser);
  await page.clock.install();
  await login(page, srv.url, 'm.zielinska');
  await page.getByRole('navigation').getByRole('link', { name: 'Pacjenci', exact: true }).click();
  await page.getByTestId('patients-table').waitFor();
  await page.getByLabel('Imię lub nazwisko').fill('Kowalska');
  await page.getByRole('button', { name: 'Szukaj' }).click();
  await page.getByRole('link', { name: 'Kowalska, Anna' }).click();
  await page.locator('#main h1', { hasText: 'Kowalska, Anna' }).waitFor();
  await page.locator('[data-testid="contact-edit"] summary').click();
  await page.getByLabel('E-mail').fill('anna@example.invalid');

  // Nobody touches anything for 16 minutes (server and browser clocks).
  await srv.advanceClock(SIXTEEN_MINUTES);
  await page.clock.fastForward(SIXTEEN_MINUTES);
  const dialog = page.getByRole('dialog', { name: /sesja wygasła|session has ended/ });
  await dialog.waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'pl');
  assert.ok((await dialog.innerText()).includes('Alerty wstrzymane — zaloguj się, aby kontynuować.'));
  assert.equal(await page.getByLabel('E-mail').inputValue(), 'anna@example.invalid');

  await dialog.getByLabel('Hasło').fill(STAFF_PASSWORD);
  await dialog.getByRole('button', { name: 'Zaloguj się ponownie' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await page.getByLabel('E-mail').inputValue(), 'anna@example.invalid');
  await page.getByRole('button', { name: 'Zapisz' }).click();
  await page.getByText('Dane kontaktowe zapisane.').waitFor();
  const therapist = await apiAs(srv.url, 'm.zielinska');
  const anna = (await therapist('POST', '/patients/search', { name: 'Kowalska' })).body.items[0];
  assert.equal(anna.email, 'anna@example.invalid');

  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('a locked patient still sees the crisis numbers', async () => {
  const { context, page, errors } = await newPage(browser, { width: 360, height: 740 });
  await login(page, srv.url, 'emily.c', PATIENT_PASSWORD);
  await srv.advanceClock(SIXTEEN_MINUTES);
  // Any request now meets the expired session: saving a language choice, for one.
  await page.locator('select.lang-select').selectOption('de');
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  const text = await dialog.innerText();
  assert.ok(text.includes('For your privacy you were signed out'));
  assert.ok(!text.includes('Alerts paused'), 'patients are not told about staff alerts');
  assert.ok(text.includes('Help now'));
  assert.ok(text.indexOf('116 123') < text.indexOf('Password'), 'crisis numbers come first');
  assert.ok(text.includes('116 123'), 'crisis numbers are on the lock screen');
  assert.equal(await dialog.locator('a[href="tel:116123"]').count(), 1);
  await checkA11y(page, 'patient session lock');
  await screenshot(page, 'patient-session-lock', { fullPage: false });

  await dialog.getByLabel('Password').fill(PATIENT_PASSWORD);
  await dialog.getByRole('button', { name: 'Sign in again' }).click();
  await dialog.waitFor({ state: 'detached' });
  // The language change that met the lock went through.
  await page.locator('#main h1', { hasText: 'Hallo, Emily' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'de');

  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});
