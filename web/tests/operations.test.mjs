// Program operations in the browser: the patient's schedule and meeting log on a phone; the
// schedule's week by track (the evening track's 18:00 sessions), keyboard navigation, a stale
// change and a booking conflict; the placement proposal; the required end-to-end path of a group
// session (attendance for the whole group, a group note refused for another member's name,
// rephrased, signed, amended); an unlicensed leader's signature refused with the reason; and
// Polish and German on every new screen. The server's clock moves forward through the file
// (Monday 09:00 → Monday 18:05 → Tuesday 09:05 in Warsaw), so the tests run in this order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CALM_CHECKIN,
  PATIENT_PASSWORD,
  STAFF_PASSWORD,
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
import { catalog, untranslated } from './textcheck.mjs';

let srv;
let browser;
let ids;
before(async () => {
  ({ srv, browser } = await openSuite());
  const nowak = await apiAs(srv.url, 'dr.nowak');
  ids = {
    anna: await patientId(nowak, 'Kowalska'),
    jakub: await patientId(nowak, 'Kozłowski'),
    tomasz: await patientId(nowak, 'Kamiński'),
    james: await patientId(nowak, 'Walker'),
  };
  // English for the staff in these tests (their profiles say Polish); the language test switches.
  for (const u of ['dr.nowak', 't.malinowski']) {
    const call = await apiAs(srv.url, u);
    assert.equal((await call('PATCH', '/me', { language: 'en' })).status, 200);
  }
});
after(() => closeSuite(srv, browser));

const PHONE = { width: 360, height: 740 };
const h1 = (page) => page.locator('#main h1').first();

async function assertPhoneLayout(page, label) {
  const btn = page.getByTestId('crisis-button');
  assert.ok(await btn.isVisible(), `crisis button visible on ${label}`);
  const box = await btn.boundingBox();
  assert.ok(box.y >= 0 && box.y + box.height <= PHONE.height, `crisis button inside the viewport on ${label}`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `no sideways scrolling on ${label} (${width}px)`);
}

test('a patient on a phone sees this week and next and logs meetings', async () => {
  const { context, page, errors } = await newPage(browser, { ...PHONE, locale: 'pl-PL' });
  await login(page, srv.url, 'anna.k', PATIENT_PASSWORD);
  await page.getByTestId('open-schedule').click();
  await page.locator('#main h1', { hasText: 'Mój harmonogram' }).waitFor();
  const thisWeek = page.getByTestId('this-week');
  await thisWeek.locator('[data-testid="p-session"]').first().waitFor();
  // The evening track: Monday, Wednesday and Thursday, 18:00–21:00, this week and next.
  const items = await thisWeek.locator('[data-testid="p-session"]').allInnerTexts();
  assert.equal(items.length, 3, `three group sessions this week: ${items}`);
  for (const s of items) assert.match(s, /18:00.21:00/);
  assert.ok(items[0].includes('Relapse prevention'));
  assert.equal(await page.getByTestId('next-week').locator('[data-testid="p-session"]').count(), 3);
  assert.match(await thisWeek.locator('h3').first().innerText(), /poniedziałek, 23 listopada · dziś/);
  await assertPhoneLayout(page, 'my schedule');
  await checkA11y(page, 'patient schedule');
  await screenshot(page, 'patient-schedule', { fullPage: false });

  // The crisis numbers are one tap away from here too.
  await page.getByTestId('crisis-button').click();
  await page.locator('.crisis-list a').first().waitFor();
  await page.getByRole('link', { name: 'Start' }).click();

  // Meeting log: the kind is required; a future day is refused by the server; AA today, NA on Sunday.
  await page.getByTestId('open-meetings').click();
  await page.locator('#main h1', { hasText: 'Dziennik mityngów' }).waitFor();
  await page.getByTestId('meetings-this-week').waitFor();
  assert.equal(await page.getByTestId('meetings-this-week').innerText(), 'W tym tygodniu: 0 mityngów');
  await page.getByTestId('save-meeting').click();
  await page.getByTestId('meeting-kind').getByText('Wybierz rodzaj mityngu').waitFor();
  await page.getByTestId('meeting-kind').getByText('AA (Anonimowi Alkoholicy)').click();
  await page.getByTestId('meeting-date').fill('2026-11-30');
  await page.getByTestId('save-meeting').click();
  await page.getByText('Data nie może być z przyszłości').waitFor();
  assert.equal(await page.getByTestId('meeting-date').getAttribute('aria-invalid'), 'true');
  await page.getByTestId('meeting-date').fill('2026-11-23');
  await page.getByTestId('save-meeting').click();
  await page.getByTestId('meeting-status').getByText('Zapisano: AA (Anonimowi Alkoholicy)').waitFor();
  await page.locator('[data-testid="meetings-this-week"]', { hasText: 'W tym tygodniu: 1 mityng' }).waitFor();
  await page.getByTestId('meeting-kind').getByText('NA (Anonimowi Narkomani)').click();
  await page.getByTestId('meeting-date').fill('2026-11-22');
  await page.getByTestId('save-meeting').click();
  await page.getByTestId('meetings-list').locator('li').nth(1).waitFor();
  const weekly = await page.getByTestId('meetings-weekly').locator('li').allInnerTexts();
  assert.equal(weekly.length, 2, `two weeks in the summary: ${weekly}`);
  assert.match(weekly[0].replace(/\s+/g, ' '), /Tydzień od 23 listopada 2026 1 mityng/);
  const call = await apiAs(srv.url, 'anna.k', PATIENT_PASSWORD);
  const log = (await call('GET', `/patients/${ids.anna}/meetings`)).body;
  assert.deepEqual(log.meetings.map((m) => [m.kind, m.on_date]).sort(), [['aa', '2026-11-23'], ['na', '2026-11-22']]);
  await assertPhoneLayout(page, 'meeting log');
  await checkA11y(page, 'meeting log');
  await screenshot(page, 'patient-meetings', { fullPage: false });
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('the schedule shows the evening track by week, lets the director change one occurrence and names a booking conflict', async () => {
  const { context, page, errors } = await newPage(browser);
  const nowak = await apiAs(srv.url, 'dr.nowak');
  await login(page, srv.url, 'dr.nowak');
  const scripts = [];
  page.on('request', (r) => r.resourceType() === 'script' && scripts.push(new URL(r.url()).pathname));
  await openNav(page, 'Schedule');
  await page.getByTestId('schedule-target').waitFor();
  assert.ok(scripts.some((s) => /\/assets\/schedule-.*\.js$/.test(s)), `the schedule loads as its own chunk: ${scripts}`);
  await page.getByTestId('schedule-target').selectOption({ label: 'Evening track · Evening Recovery IOP' });
  const slots = page.getByTestId('calendar').getByTestId('slot');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="slot"]').length === 3);
  const texts = (await slots.allInnerTexts()).map((s) => s.replace(/\s+/g, ' '));
  assert.deepEqual(
    texts.map((s) => s.slice(0, 11)),
    ['18:00–21:00', '18:00–21:00', '18:00–21:00'],
    `the 18:00 sessions in Warsaw time: ${texts}`,
  );
  const days = await page.locator('.day').evaluateAll((els) => els.filter((d) => d.querySelector('.slot')).map((d) => d.dataset.date));
  assert.deepEqual(days, ['2026-11-23', '2026-11-25', '2026-11-26']);
  assert.match(await page.getByTestId('week-label').innerText(), /23.+29 November 2026/);
  await checkA11y(page, 'schedule week');
  await screenshot(page, 'schedule-week');

  // Keyboard: arrow keys move between sessions; Enter opens one.
  await slots.first().focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement?.closest('.day')?.dataset.date), '2026-11-25');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  const details = page.getByTestId('session-details');
  await details.waitFor();
  assert.match(await details.innerText(), /Thursday,? 26 November/);

  // Next week and back.
  await page.getByTestId('next-week').click();
  await page.getByTestId('week-label').filter({ hasText: 'December' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="slot"]').length === 3);
  await page.getByTestId('prev-week').click();
  await page.getByTestId('week-label').filter({ hasText: '23' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="slot"]').length === 3);

  // A change made elsewhere meanwhile: the director's cancel answers 409 and the week reloads.
  await slots.nth(2).click();
  await details.waitFor();
  const thu = await slots.nth(2).getAttribute('data-id');
  const moved = await nowak('PATCH', `/sessions/${thu}`, { version: 1, starts: '2026-11-26T17:30:00+01:00', ends: '2026-11-26T20:30:00+01:00' });
  assert.equal(moved.status, 200);
  await page.getByTestId('cancel-session').click();
  await page.getByTestId('change-status').getByText('Someone changed this session in the meantime').waitFor();
  await page.locator('[data-testid="slot"]', { hasText: '17:30' }).waitFor();
  await page.locator('[data-testid="slot"]', { hasText: '17:30' }).click();
  await page.getByTestId('session-details').getByText('Moved').waitFor();
  await page.getByTestId('cancel-session').click();
  await page.locator('[data-testid="slot"].status-cancelled', { hasText: 'Cancelled' }).waitFor();
  assert.equal((await nowak('GET', '/sessions?from=2026-11-26&to=2026-11-26&track_id=' + moved.body.track_id)).body.items[0].status, 'cancelled');

  // Booking: free times for Anna's individual therapy; one is taken behind the app's back (her
  // psychiatrist visit), so booking it names the collision; another books.
  await page.getByTestId('book-patient').selectOption({ label: 'Kowalska, Anna' });
  await page.getByRole('button', { name: 'Find free times' }).click();
  const offer = page.getByTestId('slot-book');
  await offer.first().waitFor();
  const taken = await offer.first().getAttribute('data-starts');
  const behind = await nowak('POST', '/appointments', { patient_id: ids.anna, kind: 'psychiatrist', starts: taken });
  assert.equal(behind.status, 201, JSON.stringify(behind.body));
  await offer.first().click();
  const conflict = page.getByTestId('conflict-message');
  await conflict.waitFor();
  const said = await conflict.innerText();
  assert.match(said, /Not booked: Kowalska, Anna already has something at this time\. It collides with: Psychiatrist visit, \d\d:\d\d–\d\d:\d\d\./);
  await checkA11y(page, 'booking conflict');
  await screenshot(page, 'schedule-booking-conflict');
  await page.locator('[data-testid="slot-book"]:not([data-starts="' + taken + '"])').first().click();
  await page.getByTestId('book-status').getByText('Booked: Individual therapy for Kowalska, Anna').waitFor();
  // By staff member: Marta Zielińska's week now has the appointment.
  await page.getByTestId('schedule-mode').selectOption('staff');
  await page.getByTestId('schedule-target').selectOption({ label: 'Marta Zielińska' });
  await page.locator('[data-testid="slot"]', { hasText: 'Individual therapy: Kowalska, Anna' }).waitFor();
  await checkA11y(page, 'schedule by staff member');
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('the placement proposal shows assignments, the unplaced and their reason, and that it is optimal', async () => {
  // James Walker now works Monday evenings: Wednesday and Thursday alone (360 minutes, plus 90 of
  // other services) fall short of the 540-minute minimum, so no track fits him.
  const walker = await apiAs(srv.url, 'dr.nowak');
  const av = await walker('GET', `/patients/${ids.james}/availability`);
  const put = await walker('PUT', `/patients/${ids.james}/availability`, {
    version: av.body?.version ?? 0,
    unavailable: [{ weekday: 'mon', start: '17:00', end: '22:00', reason: 'work' }],
  });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'dr.nowak');
  await openNav(page, 'Placement');
  await page.getByTestId('placement-program').selectOption({ label: 'Evening Recovery IOP' });
  await page.getByTestId('propose').click();
  await page.getByTestId('placement-optimal').waitFor();
  assert.equal(await page.getByTestId('placement-optimal').innerText(), 'Optimal: no other placement places more patients or moves fewer.');
  assert.equal(await page.getByTestId('placed-count').innerText(), '11 patients placed');
  const unplaced = await page.getByTestId('unplaced-table').locator('tbody tr').allInnerTexts();
  assert.equal(unplaced.length, 1);
  assert.match(unplaced[0].replace(/\s+/g, ' '), /Walker, James No track fits their available hours 360 of 450 min/);
  const rows = await page.getByTestId('assignments-table').locator('tbody tr').allInnerTexts();
  assert.equal(rows.length, 11);
  assert.ok(rows.some((r) => r.includes('Kowalska, Anna') && r.includes('Evening track') && r.includes('Relapse prevention') && r.includes('Stays')));
  await checkA11y(page, 'placement');
  await screenshot(page, 'placement');
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('a group session with attendance and a signed note', async () => {
  // Before the group: Anna reports use since her last check-in (a moderate risk).
  const krol = await apiAs(srv.url, 'a.krol');
  const c = await krol('POST', `/patients/${ids.anna}/checkins`, { answers: { ...CALM_CHECKIN, used: 1 } });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  // Monday 18:05 in Warsaw: the session started five minutes ago.
  await srv.advanceClock((9 * 60 + 5) * 60_000);
  const leader = await apiAs(srv.url, 't.malinowski');
  const session = (await leader('GET', '/sessions?from=2026-11-23&to=2026-11-23')).body.items.find((s) => s.title === 'Relapse prevention').id;

  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 't.malinowski');
  await openNav(page, 'Group session');
  await page.getByTestId('attendance-table').waitFor();
  assert.equal(await page.getByTestId('session-picker').inputValue(), session, "today's session is picked");
  assert.match(await page.getByTestId('session-title').innerText(), /Relapse prevention · Monday,? 23 November, 18:00–21:00/);
  // Whom to watch: Anna, moderate.
  assert.match(await page.getByTestId('watch-list').innerText(), /Moderate\s+Kowalska, Anna/);
  const rows = page.getByTestId('attendance-table').locator('tbody tr');
  assert.equal(await rows.count(), 10, 'every member on one screen');
  const row = (id) => page.locator(`tr[data-patient="${id}"]`);
  // Defaults: present, the session's 180 minutes.
  assert.equal(await row(ids.anna).getByTestId('att-status').inputValue(), 'present');
  assert.equal(await row(ids.anna).locator('[data-field="minutes"]').inputValue(), '180');

  // Keyboard: Enter goes to the next member's status; an absence disables the times.
  await rows.first().getByTestId('att-status').focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.closest('tr')?.rowIndex), 2);
  await row(ids.tomasz).getByTestId('att-status').selectOption('absent_excused');
  assert.ok(await row(ids.tomasz).locator('[data-field="minutes"]').isDisabled());
  await row(ids.james).getByTestId('att-status').selectOption('late');
  await row(ids.james).locator('[data-field="minutes"]').fill('150');
  // Jakub: time in and out with a break; the minutes follow (180 − 30 − 15 = 135)...
  await row(ids.jakub).locator('[data-field="time_in"]').fill('18:30');
  await row(ids.jakub).locator('[data-field="time_out"]').fill('21:00');
  await row(ids.jakub).locator('[data-field="break_minutes"]').fill('15');
  await row(ids.jakub).locator('[data-field="break_minutes"]').press('Tab');
  assert.equal(await row(ids.jakub).locator('[data-field="minutes"]').inputValue(), '135');
  // ... and a wrong figure typed over them is refused next to his row; so is Anna's 500 minutes.
  await row(ids.jakub).locator('[data-field="minutes"]').fill('140');
  await row(ids.anna).locator('[data-field="minutes"]').fill('500');
  await page.getByTestId('save-attendance').click();
  await row(ids.jakub).locator('.row-errors li').first().waitFor();
  assert.equal(await row(ids.jakub).locator('.row-errors').innerText(), 'Minutes: Must agree with time in and out (135 min)');
  assert.equal(await row(ids.anna).locator('.row-errors').innerText(), 'Minutes: Between 0 and 180');
  assert.equal(await row(ids.anna).locator('[data-field="minutes"]').getAttribute('aria-invalid'), 'true');
  assert.ok((await page.getByTestId('attendance-status').innerText()).includes('Kowalska, Anna: Minutes – Between 0 and 180'));
  await checkA11y(page, 'attendance with errors');
  await row(ids.jakub).locator('[data-field="minutes"]').fill('135');
  await row(ids.anna).locator('[data-field="minutes"]').fill('180');
  await page.getByTestId('save-attendance').click();
  await page.getByTestId('attendance-status').getByText('Attendance saved: 9 of 10 attended.').waitFor();
  const nowak = await apiAs(srv.url, 'dr.nowak');
  const att = (await nowak('GET', `/sessions/${session}/attendance`)).body.entries;
  const of = (id) => att.find((e) => e.patient_id === id);
  assert.deepEqual([of(ids.anna).status, of(ids.anna).minutes], ['present', 180]);
  assert.deepEqual([of(ids.tomasz).status, of(ids.tomasz).minutes], ['absent_excused', 0]);
  assert.deepEqual([of(ids.james).status, of(ids.james).minutes], ['late', 150]);
  assert.deepEqual([of(ids.jakub).minutes, of(ids.jakub).break_minutes], [135, 15]);
  await screenshot(page, 'group-attendance');

  // The note: a shared part and an entry per member who attended (not the absent one).
  const form = page.getByTestId('note-form');
  await form.waitFor();
  const entries = form.getByTestId('note-entry');
  assert.equal(await entries.count(), 9);
  assert.equal(await form.getByLabel('Entry: Kamiński, Tomasz').count(), 0, 'no entry for an absent member');
  await page.getByTestId('note-topic').fill('Coping with cravings at weekends');
  await page.getByTestId('note-body').fill('Psychoeducation on cravings as waves. Mindful walking: each walker set their own pace.');
  for (let i = 0; i < 9; i++) await entries.nth(i).fill('Took part and shared one coping strategy.');
  const annaEntry = form.getByLabel('Entry: Kowalska, Anna');
  await annaEntry.fill('Talked with Jakub about cravings after work.');
  await page.getByTestId('sign-note').click();
  // Two words refused: "walker" (a member's surname, here an ordinary word) and "Jakub".
  const hits = form.getByTestId('name-hit');
  await hits.nth(1).waitFor();
  assert.deepEqual((await hits.evaluateAll((els) => els.map((e) => e.dataset.word))).sort(), ['Jakub', 'walker']);
  assert.equal(await annaEntry.getAttribute('aria-invalid'), 'true');
  assert.ok((await form.locator('[data-word="Jakub"]').innerText()).includes('“Jakub” looks like the name of a group member.'));
  await checkA11y(page, 'group note with the name check');
  await screenshot(page, 'group-note-name-check');
  // "walker" is not a name: confirmed; Jakub's name is rephrased.
  await form.getByRole('button', { name: '“walker” is not a name' }).click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="name-hit"]').length === 1);
  assert.equal(await form.getByTestId('name-hit').getAttribute('data-word'), 'Jakub');
  await annaEntry.fill('Talked with a peer about cravings after work.');
  await page.getByTestId('sign-note').click();
  await page.getByTestId('note-signed').waitFor();
  assert.match(await page.getByTestId('note-signed').innerText(), /Signed · locked\s+Signed by Tomasz Malinowski/);
  await page.getByTestId('addendum-text').fill('The group agreed to practise the exercise daily.');
  await page.getByTestId('addendum-form').getByRole('button', { name: 'Add addendum' }).click();
  await page.getByTestId('addenda').getByText('The group agreed to practise the exercise daily.').waitFor();
  await checkA11y(page, 'signed group note');
  await screenshot(page, 'group-note-signed');

  // The server has it: signed by the leader, locked, nine entries; Anna's chart shows her entry only.
  const notes = (await nowak('GET', `/notes?session_id=${session}`)).body.items;
  assert.equal(notes.length, 1);
  const note = notes[0];
  assert.equal(note.status, 'signed');
  assert.ok(note.content_hash);
  assert.equal(note.content.topic, 'Coping with cravings at weekends');
  assert.equal(note.entries.length, 9);
  assert.equal(note.addenda.length, 1);
  const marta = await apiAs(srv.url, 'm.zielinska');
  const chart = (await marta('GET', `/patients/${ids.anna}/notes`)).body.items.find((n) => n.id === note.id);
  assert.equal(chart.entry.text, 'Talked with a peer about cravings after work.');
  assert.equal(chart.entries, undefined, "another member's entries never appear in her chart");
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('an unlicensed group leader is told that the licensed co-leader signs', async () => {
  // Tuesday 09:05: the CBT skills group (led by Laura Green, unlicensed; co-leader Sam Price).
  await srv.advanceClock(15 * 60 * 60_000);
  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'l.green');
  await openNav(page, 'Group session');
  await page.getByTestId('attendance-table').waitFor();
  assert.match(await page.getByTestId('session-title').innerText(), /CBT skills · Tuesday,? 24 November, 09:00–12:00/);
  await page.getByTestId('save-attendance').click();
  await page.getByTestId('attendance-status').getByText('Attendance saved: 10 of 10 attended.').waitFor();
  await page.getByTestId('note-topic').fill('Thought records');
  await page.getByTestId('note-body').fill('Practised thought records in pairs.');
  const entries = page.getByTestId('note-entry');
  for (let i = 0; i < (await entries.count()); i++) await entries.nth(i).fill('Completed a thought record.');
  await page.getByTestId('sign-note').click();
  await page.getByTestId('note-status').getByText('Only a licensed clinician signs a group note: Sam Price, the group\'s co-leader, signs it.').waitFor();
  await page.getByTestId('note-status').getByText('Your draft is saved and waits for that signature.').waitFor();
  await checkA11y(page, 'unlicensed signature refused');
  await context.close();

  // Sam Price opens the same session and signs the draft.
  const second = await newPage(browser);
  await login(second.page, srv.url, 's.price');
  await openNav(second.page, 'Group session');
  await second.page.getByTestId('sign-note').waitFor();
  assert.match(await second.page.locator('#main').innerText(), /Written by Laura Green; waiting to be signed\./);
  await second.page.getByTestId('sign-note').click();
  await second.page.getByTestId('note-signed').getByText('Signed by Sam Price').waitFor();
  // The refused signature is a 403 the screen explains.
  assert.deepEqual(unexpectedErrors([...errors, ...second.errors]).filter((e) => !/status of 403/.test(e)), []);
  await second.context.close();
});

for (const lang of ['pl', 'de']) {
  test(`the operations screens in ${lang} show no English interface text`, async () => {
    const t = catalog(lang);
    const locale = { pl: 'pl-PL', de: 'de-DE' }[lang];
    const seen = [];
    const check = async (page, screen) => {
      assert.equal(await page.getAttribute('html', 'lang'), lang, `html lang on ${screen}`);
      const { strings, english } = await untranslated(page, lang);
      assert.ok(strings.length > 5, `collected the strings of ${screen}`);
      assert.deepEqual(english, [], `untranslated text on ${screen} (${lang})`);
      seen.push(screen);
    };
    const nav = (page, key) => page.getByRole('navigation').getByRole('link', { name: t[key], exact: true }).click();
    const setLanguage = async (page) => {
      const select = page.locator('select.lang-select');
      if ((await select.inputValue()) !== lang) {
        await select.selectOption(lang);
        await page.waitForFunction((l) => document.documentElement.lang === l, lang);
      }
    };
    {
      const { context, page, errors } = await newPage(browser, { locale });
      await login(page, srv.url, 'dr.nowak', STAFF_PASSWORD);
      await setLanguage(page);
      await nav(page, 'group.nav');
      await page.getByTestId('attendance-table').waitFor();
      await page.getByTestId('session-picker').selectOption({ index: 0 });
      await page.getByTestId('note-signed').waitFor();
      await check(page, 'group session with a signed note');
      await nav(page, 'schedule.nav');
      await page.getByTestId('slot').first().waitFor();
      await page.getByTestId('slot').first().click();
      await page.getByTestId('session-details').waitFor();
      await page.getByTestId('book-patient').selectOption({ index: 1 });
      await page.getByTestId('book-form').locator('button[type="submit"]').click();
      await page.getByTestId('proposals').locator('p').first().waitFor();
      await check(page, 'schedule with details and free times');
      await nav(page, 'placement.nav');
      await page.getByTestId('propose').click();
      await page.getByTestId('placement-optimal').waitFor();
      await check(page, 'placement');
      assert.deepEqual(unexpectedErrors(errors), []);
      await context.close();
    }
    {
      const { context, page, errors } = await newPage(browser, { ...PHONE, locale });
      await login(page, srv.url, 'anna.k', PATIENT_PASSWORD);
      await setLanguage(page);
      await page.getByTestId('open-schedule').click();
      await page.getByTestId('this-week').waitFor();
      await check(page, 'patient schedule');
      await page.goBack();
      await page.getByTestId('open-meetings').click();
      await page.getByTestId('meetings-list').waitFor();
      await page.getByTestId('save-meeting').click();
      await page.getByTestId('meeting-kind').locator('.field-error:not([hidden])').waitFor();
      await check(page, 'meeting log with an error');
      assert.deepEqual(unexpectedErrors(errors), []);
      await context.close();
    }
    // The staff member's profile goes back to English for any later test.
    const call = await apiAs(srv.url, 'dr.nowak');
    await call('PATCH', '/me', { language: 'en' });
    assert.equal(seen.length, 5, `screens checked: ${seen.join(', ')}`);
  });
}
