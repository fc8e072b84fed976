// The patient app on a 360-pixel-wide phone: the crisis numbers are one tap away from every
// screen (even offline), nothing overflows sideways, and the language switch is saved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  PATIENT_PASSWORD,
  answer,
  apiAs,
  assertNoStorage,
  checkA11y,
  login,
  newPage,
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

const PHONE = { width: 360, height: 740 };

/** The crisis button is on screen, fixed, and big enough to hit. */
async function assertCrisisButton(page, label) {
  const btn = page.getByTestId('crisis-button');
  assert.ok(await btn.isVisible(), `crisis button visible on ${label}`);
  const box = await btn.boundingBox();
  assert.ok(box.y >= 0 && box.y + box.height <= PHONE.height, `crisis button inside the viewport on ${label}`);
  assert.ok(box.height >= 44 && box.width >= 44, `crisis button is a large target on ${label}`);
  assert.equal(await btn.evaluate((el) => getComputedStyle(el.parentElement).position), 'fixed');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(overflow <= PHONE.width, `no sideways scrolling on ${label} (${overflow}px)`);
}

async function assertCrisisNumbers(page) {
  await page.locator('#main h1').first().waitFor();
  const numbers = page.locator('.crisis-list a');
  await numbers.first().waitFor();
  const hrefs = await numbers.evaluateAll((els) => els.map((a) => a.getAttribute('href')));
  assert.deepEqual(hrefs, ['tel:112', 'tel:116123', 'tel:800702222', 'tel:988']);
  const text = await page.locator('.crisis-list').innerText();
  assert.ok(text.includes('116 123') && text.includes('Centrum Wsparcia'));
}

test('a patient on a phone reaches crisis numbers with one tap from every screen', async () => {
  const { context, page, errors } = await newPage(browser, { ...PHONE, locale: 'pl-PL' });
  await login(page, srv.url, 'anna.k', PATIENT_PASSWORD);

  // Home, in Anna's language (Polish), with her program.
  assert.equal(await page.getAttribute('html', 'lang'), 'pl');
  assert.equal(await page.locator('#main h1').textContent(), 'Dzień dobry, Anna');
  assert.equal(await page.getByTestId('program-name').textContent(), 'Evening Recovery IOP');
  assert.ok((await page.locator('.p-main .subtitle').textContent()).includes('2026'), 'today\'s date, written out');
  await assertCrisisButton(page, 'home');
  assert.equal(await page.getByTestId('crisis-button').innerText().then((s) => s.replace(/\s+/g, ' ').trim()), '☎ Pomoc teraz');
  await checkA11y(page, 'patient home');
  await screenshot(page, 'patient-home', { fullPage: false });

  // One tap, and it needs no network: the numbers came with sign-in.
  const offlineRequests = [];
  const onRequest = (r) => offlineRequests.push(r.url());
  page.on('request', onRequest);
  await context.setOffline(true);
  await page.getByTestId('crisis-button').click();
  await assertCrisisNumbers(page);
  page.off('request', onRequest);
  assert.deepEqual(offlineRequests.filter((u) => u.includes('/api/')), [], 'the help screen needs no request');
  assert.equal(await page.locator('#main h1').textContent(), 'Pomoc teraz');
  assert.ok((await page.locator('#main').innerText()).includes('Mój plan bezpieczeństwa'));
  await context.setOffline(false);
  await assertCrisisButton(page, 'help');
  await checkA11y(page, 'patient help');
  await screenshot(page, 'patient-help', { fullPage: false });

  // From the account screen, scrolled to the bottom: still one tap.
  await page.getByRole('link', { name: 'Konto' }).click();
  await page.locator('#main h1', { hasText: 'Moje konto' }).waitFor();
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await assertCrisisButton(page, 'account');
  await checkA11y(page, 'patient account');
  await screenshot(page, 'patient-account', { fullPage: false });
  await page.getByTestId('crisis-button').click();
  await assertCrisisNumbers(page);

  // Keyboard: the crisis button is reachable with Tab.
  await page.locator('#main h1').focus();
  let reached = false;
  for (let i = 0; i < 30 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.dataset?.testid === 'crisis-button');
  }
  assert.ok(reached, 'Tab reaches the crisis button');

  // Switch to German in the header; it is saved for next time.
  await page.getByRole('link', { name: 'Start' }).click();
  await page.getByLabel('Język').selectOption('de');
  await page.locator('#main h1', { hasText: 'Hallo, Anna' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'de');
  assert.equal(await page.getByTestId('crisis-button').innerText().then((s) => s.replace(/\s+/g, ' ').trim()), '☎ Hilfe jetzt');
  await page.reload();
  await page.locator('#main h1', { hasText: 'Hallo, Anna' }).waitFor();
  const asAnna = await apiAs(srv.url, 'anna.k', PATIENT_PASSWORD);
  assert.equal((await asAnna('GET', '/me')).body.language, 'de');

  // No patient data in the URL or web storage.
  assert.ok(['/', '/help', '/account'].includes(new URL(page.url()).pathname));
  assert.equal(new URL(page.url()).search, '');
  await assertNoStorage(page, context);
  // Chromium fetches the favicon lazily; offline, that one fails.
  assert.deepEqual(unexpectedErrors(errors).filter((e) => !e.includes('ERR_INTERNET_DISCONNECTED')), []);
  await context.close();
});

test('an English-speaking patient sees the English app', async () => {
  const { context, page, errors } = await newPage(browser, { ...PHONE, locale: 'pl-PL' });
  await login(page, srv.url, 'emily.c', PATIENT_PASSWORD);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.locator('#main h1').textContent(), 'Hello, Emily');
  assert.equal(await page.getByTestId('program-name').textContent(), 'Morning Mood & Anxiety IOP');
  await page.getByTestId('crisis-button').click();
  await page.locator('#main h1', { hasText: 'Help now' }).waitFor();
  assert.ok((await page.locator('.crisis-list a').count()) > 0);
  await assertCrisisButton(page, 'help (English)');
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('a measure that is due is answered on the phone; a missing answer is pointed out; item 9 brings help at once', async () => {
  const { context, page, errors } = await newPage(browser, { ...PHONE, locale: 'en-GB' });
  await login(page, srv.url, 'emily.c', PATIENT_PASSWORD);
  const phq = page.locator('.measure-btn', { hasText: 'PHQ-9' });
  await phq.waitFor();
  await phq.click();
  await page.getByTestId('questionnaire').waitFor();
  assert.equal(await page.locator('#main .notice-info').count(), 0, 'the English wording is the original: no note');
  // Sending with a question left open: the screen says which, and the keyboard goes there.
  for (let i = 1; i <= 8; i++) await answer(page, `phq9_${i}`, 1);
  await page.getByRole('button', { name: 'Send my answers' }).click();
  const q9 = page.locator('fieldset[data-item="phq9_9"]');
  await q9.getByText('Please answer this question.').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.closest('fieldset')?.dataset.item), 'phq9_9');
  await checkA11y(page, 'patient measure with a missing answer');
  await screenshot(page, 'patient-measure', { fullPage: false });
  await answer(page, 'phq9_9', 1);
  await page.getByRole('button', { name: 'Send my answers' }).click();
  const help = page.getByTestId('crisis-now');
  await help.waitFor();
  assert.ok((await help.locator('.crisis-list a').count()) > 0);
  await assertCrisisButton(page, 'after a measure');
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('a check-in whose answer is lost on the way back is sent again without being stored twice', async () => {
  const { context, page, errors } = await newPage(browser, { ...PHONE, locale: 'en-GB' });
  await login(page, srv.url, 'emily.c', PATIENT_PASSWORD);
  const staff = await apiAs(srv.url, 'k.wolf');
  const me = await (await apiAs(srv.url, 'emily.c', PATIENT_PASSWORD))('GET', '/me');
  const emily = me.body.patient_id;
  const count = async () => (await staff('GET', `/patients/${emily}/checkins?limit=200`)).body.items.length;
  const before = await count();

  await page.getByTestId('start-checkin').click();
  await page.getByTestId('questionnaire').waitFor();
  await answer(page, 'mood', 6);
  await answer(page, 'anxiety', 3);
  await answer(page, 'sleep_hours', 7);
  await answer(page, 'medication', 1);
  await answer(page, 'self_harm_thoughts', 0);
  // The first answer reaches the server and is stored, but the phone never hears back.
  const keys = [];
  let dropped = false;
  await page.route('**/api/v1/patients/*/checkins', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    if (dropped) return route.continue();
    dropped = true;
    await route.fetch();
    await route.abort('failed');
  });
  const send = page.getByRole('button', { name: 'Send my check-in' });
  await send.click();
  await page.getByText('Cannot reach the server. Check your connection and try again.').waitFor();
  assert.equal(await count(), before + 1, 'the first attempt was stored');
  await send.click();
  await page.locator('#main h1', { hasText: 'Thank you' }).waitFor();
  assert.equal(keys.length, 2);
  assert.match(keys[0], /^[0-9a-f]{32}$/);
  assert.equal(keys[1], keys[0], 'the same answers go with the same key');
  assert.equal(await count(), before + 1, 'the retry stored nothing new');
  assert.deepEqual(unexpectedErrors(errors).filter((e) => !e.includes('net::ERR_FAILED')), [], 'only the dropped answer');
  await context.close();
});
