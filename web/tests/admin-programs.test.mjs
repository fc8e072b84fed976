// Program administration: an admin creates and edits a program (a stale version refused and
// reloaded), adds a room and renames another; a clinical director edits the program's settings (a
// crisis line with Polish and German wording, a closure, a safety floor refused next to its field,
// a webhook whose secret is only ever shown as set), adds a track and a group, edits the group,
// changes a track's time from a date on (a session with attendance keeps its time) and moves a
// group to another track from a date. Markup typed into names comes out as text; axe on every new
// screen; Polish and German show no English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  PATIENT_PASSWORD,
  apiAs,
  checkA11y,
  login,
  newPage,
  screenshot,
  unexpectedErrors,
  openSuite,
  closeSuite,
} from './helpers.mjs';
import { catalog, untranslated } from './textcheck.mjs';

let srv;
let browser;
let admin;
let nowak;
before(async () => {
  ({ srv, browser } = await openSuite());
  admin = await apiAs(srv.url, 'admin');
  nowak = await apiAs(srv.url, 'dr.nowak');
  // English for the director in these tests (the profile says Polish); the language test switches.
  assert.equal((await nowak('PATCH', '/me', { language: 'en' })).status, 200);
});
after(() => closeSuite(srv, browser));

const TRICKY = `<img src=x onerror="window.__xss=1">Ośrodek "Dzień" <b>bold</b>`;
const GROUP = `<i>Mindful</i> & "calm"`;
const SECRET = 'quiet-lantern-river-2026-secret';
const card = (page, name) => page.getByTestId('program-card').filter({ has: page.getByRole('heading', { level: 2, name, exact: true }) });

async function noMarkup(page) {
  assert.equal(await page.locator('#main img, #main b, #main i').count(), 0, 'no element was made from typed text');
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'no script ran');
}

test('an admin creates and edits a program (a stale version is refused and reloaded) and adds a room', async () => {
  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'admin');
  assert.equal(new URL(page.url()).pathname, '/programs');
  await page.getByTestId('rooms-table').waitFor();
  await checkA11y(page, 'programs (admin)');

  // A new program: the server's field errors next to the fields.
  const scripts = [];
  page.on('request', (r) => r.resourceType() === 'script' && scripts.push(new URL(r.url()).pathname));
  const add = page.getByRole('button', { name: 'New program' });
  await add.click();
  const form = page.getByTestId('program-form');
  await form.waitFor();
  assert.equal(await add.getAttribute('aria-expanded'), 'true');
  assert.ok(scripts.some((s) => /\/assets\/padmin-.*\.js$/.test(s)), `the editors load as their own chunk: ${scripts}`);
  await form.getByLabel('Days a week').fill('9');
  await form.getByRole('button', { name: 'Create program' }).click();
  await form.getByRole('alert').waitFor();
  assert.ok((await form.getByRole('alert').innerText()).includes('Please correct the marked fields.'));
  assert.equal(await form.getByLabel('Program name').getAttribute('aria-invalid'), 'true');
  assert.equal(await form.getByLabel('Days a week').getAttribute('aria-invalid'), 'true');
  const errs = await form.locator('.field-error:not([hidden])').allTextContents();
  assert.ok(errs.includes('Required') && errs.includes('Between 1 and 7'), `field errors: ${errs}`);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-invalid')), 'true', 'focus on the first invalid field');
  await checkA11y(page, 'new program form with errors');
  await screenshot(page, 'admin-program-form');

  await form.getByLabel('Program name').fill(TRICKY);
  await form.getByLabel('Focus').selectOption('eating_disorder');
  await form.getByLabel('Population').selectOption('adolescent');
  await form.getByLabel('Days a week').fill('4');
  await form.getByLabel('Hours a day').fill('3');
  await form.getByLabel('Time zone').selectOption('Europe/Berlin');
  await form.getByLabel('Language', { exact: true }).selectOption('de');
  await form.getByRole('button', { name: 'Create program' }).click();
  await page.getByText(`The program ${TRICKY} was created.`).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.includes('was created')), true, 'focus on the confirmation');
  const created = (await admin('GET', '/programs')).body.items.find((p) => p.name === TRICKY);
  assert.ok(created, 'the program exists with the name as typed');
  assert.equal(created.focus, 'eating_disorder');
  assert.equal(created.population, 'adolescent');
  assert.equal(created.days_per_week, 4);
  assert.equal(created.time_zone, 'Europe/Berlin');
  assert.equal(created.language, 'de');
  assert.equal(created.min_hours_per_week, 6, 'the adolescent minimum of level 2.1');
  const mine = card(page, TRICKY);
  await mine.waitFor();
  await noMarkup(page);

  // Edit.
  const edit = mine.getByRole('button', { name: `Edit program ${TRICKY}` });
  await edit.click();
  let pf = mine.getByTestId('program-form');
  assert.equal(await pf.getByLabel('Program name').inputValue(), TRICKY);
  await pf.getByLabel('Hours a day').fill('2.5');
  await pf.getByRole('button', { name: 'Save' }).click();
  await page.getByText(`Changes to the program ${TRICKY} were saved.`).waitFor();
  assert.equal((await admin('GET', `/programs/${created.id}`)).body.hours_per_day, 2.5);
  assert.ok((await card(page, TRICKY).innerText()).includes('4 days a week, 2.5 hours a day'));

  // Someone else saves first: refused with a clear message, nothing overwritten, then reloaded.
  await card(page, TRICKY).getByRole('button', { name: `Edit program ${TRICKY}` }).click();
  pf = card(page, TRICKY).getByTestId('program-form');
  await pf.getByLabel('Program name').fill('Eating Disorders Teen IOP');
  const current = (await admin('GET', `/programs/${created.id}`)).body;
  assert.equal((await admin('PATCH', `/programs/${created.id}`, { version: current.version, days_per_week: 5 })).status, 200);
  await pf.getByRole('button', { name: 'Save' }).click();
  await pf.getByText('Someone else changed this record in the meantime.', { exact: false }).waitFor();
  assert.equal((await admin('GET', `/programs/${created.id}`)).body.name, TRICKY, 'the stale edit did not overwrite');
  await checkA11y(page, 'program form with a version conflict');
  await screenshot(page, 'admin-program-conflict');
  await pf.getByRole('button', { name: 'Load the latest version' }).click();
  const fresh = card(page, TRICKY).getByTestId('program-form');
  await fresh.getByRole('alert').waitFor({ state: 'detached' });
  assert.equal(await fresh.getByLabel('Days a week').inputValue(), '5', 'the form shows the other change');
  await fresh.getByLabel('Program name').fill('Eating Disorders Teen IOP');
  await fresh.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Changes to the program Eating Disorders Teen IOP were saved.').waitFor();
  const final = (await admin('GET', `/programs/${created.id}`)).body;
  assert.equal(final.name, 'Eating Disorders Teen IOP');
  assert.equal(final.days_per_week, 5);

  // A room: capacity out of range, then created.
  const rooms = page.getByTestId('rooms-card');
  await rooms.getByRole('button', { name: 'Add room' }).click();
  const rf = rooms.getByTestId('room-form');
  await rf.getByLabel('Room name').fill('<b>Sala</b> Bug');
  await rf.getByLabel('Places').fill('0');
  await rf.getByRole('button', { name: 'Create room' }).click();
  await rf.getByRole('alert').waitFor();
  assert.equal(await rf.getByLabel('Places').getAttribute('aria-invalid'), 'true');
  assert.ok((await rf.locator('.field-error:not([hidden])').allTextContents()).includes('Between 1 and 500'));
  await checkA11y(page, 'room form with an error');
  await rf.getByLabel('Places').fill('10');
  await rf.getByRole('button', { name: 'Create room' }).click();
  await page.getByText('The room <b>Sala</b> Bug was created.').waitFor();
  const roomRows = await page.getByTestId('rooms-table').locator('tbody tr').allInnerTexts();
  assert.ok(roomRows.some((r) => r.startsWith('<b>Sala</b> Bug') && r.includes('10')), `the new room is listed: ${roomRows}`);
  const room = (await admin('GET', '/rooms')).body.items.find((r) => r.name === '<b>Sala</b> Bug');
  assert.equal(room?.capacity, 10);
  await noMarkup(page);
  await screenshot(page, 'admin-programs');

  // Escape closes an editor and gives focus back to its button.
  const again = page.getByRole('button', { name: 'New program' });
  await again.click();
  await page.getByTestId('program-form').getByLabel('Program name').press('Escape');
  await page.getByTestId('program-form').waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'New program');

  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('an admin renames a room and changes its places; the groups in it show the new name', async () => {
  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'admin');
  const rooms = page.getByTestId('rooms-card');
  await rooms.getByTestId('rooms-table').waitFor();
  const before = (await admin('GET', '/rooms')).body.items.find((r) => r.name === 'Sala Wisła');
  assert.equal(before.capacity, 14);
  const edit = rooms.getByRole('button', { name: 'Edit room Sala Wisła' });
  await edit.click();
  assert.equal(await edit.getAttribute('aria-expanded'), 'true');
  const rf = rooms.getByTestId('room-form');
  assert.equal(await rf.getByRole('heading').innerText(), 'Edit room Sala Wisła');
  assert.equal(await rf.getByLabel('Room name').inputValue(), 'Sala Wisła', 'prefilled');
  assert.equal(await rf.getByLabel('Places').inputValue(), '14');
  await rf.getByLabel('Places').fill('501');
  await rf.getByRole('button', { name: 'Save' }).click();
  await rf.getByRole('alert').waitFor();
  assert.equal(await rf.getByLabel('Places').getAttribute('aria-invalid'), 'true');
  assert.ok((await rf.locator('.field-error:not([hidden])').allTextContents()).includes('Between 1 and 500'));
  await checkA11y(page, 'room edit form with an error');
  await rf.getByLabel('Room name').fill('Sala Wisła (duża)');
  await rf.getByLabel('Places').fill('16');
  await rf.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Changes to the room Sala Wisła (duża) were saved.').waitFor();
  const after = (await admin('GET', '/rooms')).body.items.find((r) => r.id === before.id);
  assert.deepEqual([after.name, after.capacity, after.version], ['Sala Wisła (duża)', 16, before.version + 1]);
  const row = await page.getByTestId('rooms-table').locator('tbody tr', { hasText: 'Sala Wisła (duża)' }).innerText();
  assert.ok(/^Sala Wisła \(duża\)\s+16\b/.test(row), row);
  const groupRow = await card(page, 'Evening Recovery IOP').getByTestId('groups-table').locator('tbody tr', { hasText: 'Relapse prevention' }).innerText();
  assert.ok(groupRow.includes('Sala Wisła (duża)'), `the group's room by its new name: ${groupRow}`);
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('a clinical director edits settings, adds a track and a group, and edits the group', async () => {
  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'dr.nowak');
  await page.getByRole('navigation').getByRole('link', { name: 'Programs', exact: true }).click();
  const prog = (await nowak('GET', '/programs')).body.items.find((p) => p.name === 'Evening Recovery IOP');
  const evening = card(page, 'Evening Recovery IOP');
  await evening.waitFor();
  assert.equal(await page.getByRole('button', { name: 'New program' }).count(), 0, 'only admins create programs');
  assert.equal(await evening.getByRole('button', { name: /^Edit program/ }).count(), 0, 'only admins edit a program');
  await checkA11y(page, 'programs (director)');

  // Settings.
  await evening.getByRole('button', { name: 'Edit the settings of Evening Recovery IOP' }).click();
  const sf = evening.getByTestId('settings-form');
  await sf.waitFor();
  const before = (await nowak('GET', `/programs/${prog.id}/settings`)).body;
  assert.equal(await sf.getByTestId('crisis-row').count(), before.crisis_resources.length, 'the existing crisis lines');
  await sf.getByRole('button', { name: 'Add crisis line' }).click();
  const line = sf.getByTestId('crisis-row').last();
  await line.getByRole('textbox', { name: 'Name', exact: true }).fill('Night <b>line</b>');
  await line.getByLabel('Phone number').fill('+48 22 123 45 67');
  await line.getByLabel('Description', { exact: true }).fill('Open every night, 20:00 to 06:00.');
  await line.locator('summary').click();
  await line.getByLabel('Name in Polish').fill('Telefon nocny');
  await line.getByLabel('Description in Polish').fill('Czynny co noc od 20:00 do 6:00.');
  await line.getByLabel('Name in German').fill('Nachttelefon');
  await line.getByLabel('Description in German').fill('Jede Nacht von 20 bis 6 Uhr erreichbar.');
  await sf.getByRole('button', { name: 'Add closure day' }).click();
  const closure = sf.getByTestId('closure-row').last();
  await closure.getByLabel('Date').fill('2026-12-24');
  await closure.getByLabel('Reason').fill('Christmas Eve');
  await sf.getByLabel('Imminent alerts (minutes)').fill('20');
  await sf.getByLabel('Daily check-in due by').fill('11:30');
  await sf.getByLabel('Co-signature for unlicensed staff').uncheck();
  await sf.getByRole('button', { name: 'Add webhook' }).click();
  const hook = sf.getByTestId('webhook-row').last();
  await hook.getByLabel('Address (URL)').fill('https://hooks.example.invalid/pomost');
  await hook.getByLabel('Secret').fill(SECRET);
  await sf.getByRole('button', { name: 'Save settings' }).click();
  // The safety floor: refused, the error next to the field.
  await sf.getByRole('alert').waitFor();
  const imminent = sf.getByLabel('Imminent alerts (minutes)');
  assert.equal(await imminent.getAttribute('aria-invalid'), 'true');
  const described = await imminent.getAttribute('aria-describedby');
  const msg = await page.evaluate((ids) => ids.split(' ').map((id) => document.getElementById(id)?.textContent).join(' | '), described);
  assert.ok(msg.includes('At most 15 minutes: a safety limit that cannot be raised'), `the floor is named at the field: ${msg}`);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-invalid')), 'true');
  assert.equal((await nowak('GET', `/programs/${prog.id}/settings`)).body.version, before.version, 'nothing was saved');
  await checkA11y(page, 'settings form with a safety-floor error');
  await screenshot(page, 'director-settings-error');
  await imminent.fill('10');
  await sf.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText('The settings of Evening Recovery IOP were saved.').waitFor();

  const after = (await nowak('GET', `/programs/${prog.id}/settings`)).body;
  const night = after.crisis_resources.find((r) => r.phone === '+48 22 123 45 67');
  assert.deepEqual(night, {
    name: 'Night <b>line</b>',
    phone: '+48 22 123 45 67',
    description: 'Open every night, 20:00 to 06:00.',
    translations: {
      pl: { name: 'Telefon nocny', description: 'Czynny co noc od 20:00 do 6:00.' },
      de: { name: 'Nachttelefon', description: 'Jede Nacht von 20 bis 6 Uhr erreichbar.' },
    },
  });
  assert.equal(after.crisis_resources.length, before.crisis_resources.length + 1, 'the earlier lines were kept');
  assert.deepEqual(after.closures, [{ date: '2026-12-24', reason: 'Christmas Eve' }]);
  assert.equal(after.ack_deadlines_minutes.imminent, 10);
  assert.equal(after.ack_deadlines_minutes.high, before.ack_deadlines_minutes.high);
  assert.equal(after.measurement_schedule.checkin_cutoff, '11:30');
  assert.equal(after.cosignature_required, false);
  assert.deepEqual(after.webhooks, [{ url: 'https://hooks.example.invalid/pomost', secret_set: true }]);
  // A Polish patient of the program reads the line in Polish.
  const anna = await apiAs(srv.url, 'anna.k', PATIENT_PASSWORD);
  const me = (await anna('GET', '/me')).body;
  assert.ok(me.crisis_resources.some((r) => r.name === 'Telefon nocny' && r.description === 'Czynny co noc od 20:00 do 6:00.'), 'the patient gets the Polish wording');

  // Shown: the closure in the locale's format, the webhook only as "Secret set", never the secret.
  const shown = await card(page, 'Evening Recovery IOP').innerText();
  assert.ok(shown.includes('24 Dec 2026 — Christmas Eve'), 'the closure');
  assert.ok((await card(page, 'Evening Recovery IOP').getByTestId('webhooks').innerText()).includes('Secret set'));
  assert.ok(shown.includes('Night <b>line</b>'), 'the name as typed');
  await noMarkup(page);
  await card(page, 'Evening Recovery IOP').getByRole('button', { name: 'Edit the settings of Evening Recovery IOP' }).click();
  const sf2 = card(page, 'Evening Recovery IOP').getByTestId('settings-form');
  const hook2 = sf2.getByTestId('webhook-row');
  await hook2.getByTestId('secret-set').waitFor();
  assert.equal(await hook2.getByLabel('New secret').inputValue(), '', 'the secret is never filled in');
  assert.equal(await hook2.getByLabel('New secret').getAttribute('type'), 'password');
  assert.ok(!(await page.content()).includes(SECRET), 'the secret is nowhere in the page');
  assert.equal(await sf2.getByLabel('Imminent alerts (minutes)').inputValue(), '10');
  assert.equal(await sf2.getByTestId('crisis-row').last().locator('details').getAttribute('open'), '', 'translations shown when present');
  await checkA11y(page, 'settings form');
  await screenshot(page, 'director-settings');
  // Saved again without a new secret: the stored one is kept.
  await sf2.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText('The settings of Evening Recovery IOP were saved.').waitFor();
  assert.deepEqual((await nowak('GET', `/programs/${prog.id}/settings`)).body.webhooks, [{ url: 'https://hooks.example.invalid/pomost', secret_set: true }]);

  // A track: errors first (no day, end before start), then created.
  await card(page, 'Evening Recovery IOP').getByRole('button', { name: 'Add a track to Evening Recovery IOP' }).click();
  const tf = card(page, 'Evening Recovery IOP').getByTestId('track-form');
  await tf.getByLabel('Track name').fill('Weekend track');
  await tf.getByLabel('Starts at').fill('13:00');
  await tf.getByLabel('Ends at').fill('10:00');
  await tf.getByRole('button', { name: 'Create track' }).click();
  await tf.getByRole('alert').waitFor();
  const trackErrs = await tf.locator('.field-error:not([hidden])').allTextContents();
  assert.ok(trackErrs.includes('Choose at least one day') && trackErrs.includes('Must be after the start'), `track errors: ${trackErrs}`);
  assert.equal(await tf.getByLabel('Ends at').getAttribute('aria-invalid'), 'true');
  await checkA11y(page, 'track form with errors');
  await screenshot(page, 'director-track-form');
  await tf.getByLabel('Saturday').check();
  await tf.getByLabel('Sunday').check();
  await tf.getByLabel('Starts at').fill('10:00');
  await tf.getByLabel('Ends at').fill('13:00');
  await tf.getByRole('button', { name: 'Create track' }).click();
  await page.getByText('The track Weekend track was created.').waitFor();
  const track = (await nowak('GET', `/programs/${prog.id}/tracks`)).body.items.find((x) => x.name === 'Weekend track');
  assert.deepEqual([track.weekdays, track.start, track.end], [['sat', 'sun'], '10:00', '13:00']);
  const trackRow = await card(page, 'Evening Recovery IOP').getByTestId('tracks-table').locator('tbody tr', { hasText: 'Weekend track' }).innerText();
  assert.ok(/Sat\W+Sun/.test(trackRow) && trackRow.includes('10:00–13:00'), trackRow);

  // A group with two members.
  await card(page, 'Evening Recovery IOP').getByRole('button', { name: 'Add a group to Evening Recovery IOP' }).click();
  const gf = card(page, 'Evening Recovery IOP').getByTestId('group-form');
  await gf.getByLabel('Group name').fill(GROUP);
  await gf.getByLabel('Track', { exact: true }).selectOption({ label: 'Weekend track' });
  await gf.getByLabel('Kind of group').selectOption('mindfulness');
  await gf.getByLabel('Leader', { exact: true }).selectOption({ label: 'Marta Zielińska (Therapist)' });
  await gf.getByLabel('Room', { exact: true }).selectOption({ label: 'Sala Odra (12 places)' });
  assert.equal(await gf.getByLabel('Capacity').inputValue(), '12', 'capacity 12 unless changed');
  const members = gf.getByTestId('group-members');
  await members.getByLabel('Kowalska, Anna').check();
  await members.getByLabel('Wiśniewski, Piotr').check();
  await checkA11y(page, 'new group form');
  await gf.getByRole('button', { name: 'Create group' }).click();
  await page.getByText(`The group ${GROUP} was created.`).waitFor();
  const staff = (await nowak('GET', '/staff?limit=200')).body.items;
  const sid = (u) => staff.find((s) => s.username === u).id;
  const listed = (await nowak('GET', `/groups?program_id=${prog.id}`)).body.items.find((g) => g.name === GROUP);
  let group = (await nowak('GET', `/groups/${listed.id}`)).body;
  const pid = async (family) => (await nowak('POST', '/patients/search', { name: family })).body.items.find((p) => p.family_name === family).id;
  const kowalska = await pid('Kowalska');
  const wisniewski = await pid('Wiśniewski');
  const wojcik = await pid('Wójcik');
  assert.equal(group.track_id, track.id);
  assert.equal(group.kind, 'mindfulness');
  assert.equal(group.leader_id, sid('m.zielinska'));
  assert.equal(group.capacity, 12);
  assert.deepEqual([...group.member_ids].sort(), [kowalska, wisniewski].sort());
  const groupRow = card(page, 'Evening Recovery IOP').getByTestId('groups-table').locator('tbody tr').filter({ hasText: 'Mindful' });
  assert.equal(await groupRow.locator('td').first().textContent(), GROUP, 'the name as typed');
  assert.ok((await groupRow.innerText()).includes('2 of 12'));
  await noMarkup(page);

  // Edit: leader, co-leader, no room, capacity below the members (refused), then members.
  await groupRow.getByRole('button', { name: `Edit group ${GROUP}` }).click();
  const ef = card(page, 'Evening Recovery IOP').getByTestId('group-form');
  assert.equal(await ef.getByTestId('group-members').getByLabel('Kowalska, Anna').isChecked(), true, 'the members are ticked');
  await ef.getByLabel('Leader', { exact: true }).selectOption({ label: 'Julia Hoffmann (Therapist)' });
  await ef.getByLabel('Co-leader').selectOption({ label: 'Tomasz Malinowski (Group leader)' });
  await ef.getByLabel('Room', { exact: true }).selectOption({ label: 'No room' });
  await ef.getByLabel('Capacity').fill('1');
  await ef.getByRole('button', { name: 'Save' }).click();
  await ef.getByRole('alert').waitFor();
  assert.equal(await ef.getByLabel('Capacity').getAttribute('aria-invalid'), 'true');
  assert.ok((await ef.locator('.field-error:not([hidden])').allTextContents()).includes('Below the number of members the group already has'));
  await checkA11y(page, 'group form with an error');
  await screenshot(page, 'director-group-form');
  await ef.getByLabel('Capacity').fill('3');
  await ef.getByLabel('Last day').fill('2027-03-31');
  await ef.getByTestId('group-members').getByLabel('Wiśniewski, Piotr').uncheck();
  await ef.getByTestId('group-members').getByLabel('Wójcik, Katarzyna').check();
  await ef.getByRole('button', { name: 'Save' }).click();
  await page.getByText(`Changes to the group ${GROUP} were saved.`).waitFor();
  group = (await nowak('GET', `/groups/${listed.id}`)).body;
  assert.equal(group.leader_id, sid('j.hoffmann'));
  assert.equal(group.co_leader_id, sid('t.malinowski'));
  assert.equal(group.room_id, null, 'the room was cleared');
  assert.equal(group.capacity, 3);
  assert.equal(group.ends_on, '2027-03-31', 'the group ends on its last day');
  assert.deepEqual([...group.member_ids].sort(), [kowalska, wojcik].sort());
  const row2 = await card(page, 'Evening Recovery IOP').getByTestId('groups-table').locator('tbody tr').filter({ hasText: 'Mindful' }).innerText();
  assert.ok(row2.includes('Julia Hoffmann') && row2.includes('Tomasz Malinowski') && row2.includes('2 of 3'), row2);
  await screenshot(page, 'director-programs');

  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('a therapist sees programs without editing controls', async () => {
  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 's.price');
  await page.getByRole('navigation').getByRole('link', { name: 'Programs', exact: true }).click();
  await page.getByTestId('rooms-table').waitFor();
  assert.equal(await page.locator('#main button').count(), 0, 'no editing controls');
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

for (const lang of ['pl', 'de']) {
  test(`the program administration screens in ${lang} show no English interface text`, async () => {
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
    const setLanguage = async (page) => {
      const select = page.locator('select.lang-select');
      if ((await select.inputValue()) !== lang) {
        await select.selectOption(lang);
        await page.waitForFunction((l) => document.documentElement.lang === l, lang);
      }
    };
    const openPrograms = async (page) => {
      await page.getByRole('navigation').getByRole('link', { name: t['nav.programs'], exact: true }).click();
      await page.getByTestId('rooms-table').waitFor();
    };
    const eveningCard = (page) => card(page, 'Evening Recovery IOP');
    {
      const { context, page, errors } = await newPage(browser, { locale });
      await login(page, srv.url, 'dr.nowak');
      await setLanguage(page);
      await openPrograms(page);
      await check(page, 'programs (director)');
      const fill = (s) => s.replace('{program}', 'Evening Recovery IOP');
      await eveningCard(page).getByRole('button', { name: fill(t['settings.edit_aria']) }).click();
      const sf = eveningCard(page).getByTestId('settings-form');
      await sf.getByLabel(t['settings.ack_high']).fill('90');
      await sf.getByRole('button', { name: t['settings.add_webhook'] }).click();
      await sf.getByTestId('webhook-row').last().getByLabel(t['settings.webhook_url']).fill('http://example.invalid/x');
      await sf.getByRole('button', { name: t['settings.save'] }).click();
      await sf.getByRole('alert').waitFor();
      await check(page, 'settings with errors');
      await checkA11y(page, `settings form (${lang})`);
      await sf.getByRole('button', { name: t['common.cancel'] }).click();
      await eveningCard(page).getByRole('button', { name: fill(t['tracks.add_aria']) }).click();
      const tf = eveningCard(page).getByTestId('track-form');
      await tf.getByRole('button', { name: t['tracks.create'] }).click();
      await tf.getByRole('alert').waitFor();
      await check(page, 'track form with errors');
      await tf.getByRole('button', { name: t['common.cancel'] }).click();
      // Editing a track: a date without a change of days or times is refused in words.
      await eveningCard(page).getByRole('button', { name: t['tracks.edit_aria'].replace('{name}', 'Evening track') }).click();
      const te = eveningCard(page).getByTestId('track-form');
      await te.getByLabel(t['padmin.effective_from']).fill('2026-11-30');
      await te.getByRole('button', { name: t['common.save'] }).click();
      await te.getByText(t['padmin.err_from_no_change']).first().waitFor();
      await check(page, 'track edit with an error');
      await checkA11y(page, `track edit form (${lang})`);
      await te.getByRole('button', { name: t['common.cancel'] }).click();
      await eveningCard(page).getByTestId('groups-table').getByRole('button').first().click();
      const gf = eveningCard(page).getByTestId('group-form');
      await gf.getByTestId('group-members').waitFor();
      await gf.getByLabel(t['groups.capacity']).fill('0');
      await gf.getByRole('button', { name: t['common.save'] }).click();
      await gf.getByRole('alert').waitFor();
      await check(page, 'group form with an error');
      await screenshot(page, `director-group-form-${lang}`);
      // Another track chosen: the date it applies from, with its hint.
      const trackSelect = gf.getByLabel(t['groups.track'], { exact: true });
      const current = await trackSelect.inputValue();
      const other = await trackSelect.locator('option').evaluateAll((os, cur) => os.map((o) => o.value).find((v) => v !== cur), current);
      await trackSelect.selectOption(other);
      await gf.getByLabel(t['padmin.effective_from']).waitFor();
      await check(page, 'group form moving to another track');
      assert.deepEqual(unexpectedErrors(errors), []);
      await context.close();
    }
    {
      const { context, page, errors } = await newPage(browser, { locale });
      await login(page, srv.url, 'admin');
      await setLanguage(page);
      await page.getByTestId('rooms-table').waitFor();
      await page.getByTestId('program-new').click();
      const pf = page.getByTestId('program-form');
      await pf.getByRole('button', { name: t['padmin.create'] }).click();
      await pf.getByRole('alert').waitFor();
      await check(page, 'new program with errors');
      await checkA11y(page, `program form (${lang})`);
      await pf.getByRole('button', { name: t['common.cancel'] }).click();
      await page.getByRole('button', { name: t['rooms.add'] }).click();
      const rf = page.getByTestId('room-form');
      await rf.getByRole('button', { name: t['rooms.create'] }).click();
      await rf.getByRole('alert').waitFor();
      await check(page, 'room form with errors');
      await rf.getByRole('button', { name: t['common.cancel'] }).click();
      await page.getByRole('button', { name: t['rooms.edit_aria'].replace('{name}', 'Sala Odra') }).click();
      const re = page.getByTestId('room-form');
      await re.getByLabel(t['rooms.capacity']).fill('0');
      await re.getByRole('button', { name: t['common.save'] }).click();
      await re.getByRole('alert').waitFor();
      await check(page, 'room edit with an error');
      assert.deepEqual(unexpectedErrors(errors), []);
      await context.close();
    }
    // Back to English for any later test.
    assert.equal((await nowak('PATCH', '/me', { language: 'en' })).status, 200);
    assert.equal((await admin('PATCH', '/me', { language: 'en' })).status, 200);
    assert.equal(seen.length, 9, `screens checked: ${seen.join(', ')}`);
  });
}

test('a director who lost a program meanwhile is told so, not shown a broken form', async () => {
  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'dr.nowak');
  await page.getByRole('navigation').getByRole('link', { name: 'Programs', exact: true }).click();
  await card(page, 'Morning Mood & Anxiety IOP').waitFor();
  // Behind the app's back, the admin takes the mood program away from the director.
  const staff = (await admin('GET', '/staff?limit=200')).body.items.find((s) => s.username === 'dr.nowak');
  const evening = (await admin('GET', '/programs')).body.items.find((p) => p.name === 'Evening Recovery IOP');
  const keep = staff.program_ids;
  assert.equal((await admin('PATCH', `/staff/${staff.id}`, { version: staff.version, program_ids: [evening.id] })).status, 200);
  try {
    await card(page, 'Morning Mood & Anxiety IOP').getByRole('button', { name: 'Edit the settings of Morning Mood & Anxiety IOP' }).click();
    const alert = page.locator('#main .notice-error');
    await alert.waitFor();
    const text = await alert.innerText();
    assert.ok(/Your role does not allow this\.|Not found, or not available to you\./.test(text), text);
    assert.equal(await page.getByTestId('settings-form').count(), 0, 'no form without the settings');
    assert.equal(
      await card(page, 'Morning Mood & Anxiety IOP').getByRole('button', { name: 'Edit the settings of Morning Mood & Anxiety IOP' }).getAttribute('aria-expanded'),
      'false',
    );
  } finally {
    const now = (await admin('GET', `/staff/${staff.id}`)).body;
    assert.equal((await admin('PATCH', `/staff/${staff.id}`, { version: now.version, program_ids: keep })).status, 200);
  }
  assert.deepEqual(unexpectedErrors(errors).filter((e) => !/status of (403|404)/.test(e)), []);
  await context.close();
});

test('settings changed by someone else meanwhile: refused, then edited on the latest version', async () => {
  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'dr.nowak');
  await page.getByRole('navigation').getByRole('link', { name: 'Programs', exact: true }).click();
  const evening = card(page, 'Evening Recovery IOP');
  await evening.getByRole('button', { name: 'Edit the settings of Evening Recovery IOP' }).click();
  const sf = evening.getByTestId('settings-form');
  await sf.getByLabel('Warnings (minutes)').fill('720');
  const prog = (await admin('GET', '/programs')).body.items.find((p) => p.name === 'Evening Recovery IOP');
  const cur = (await admin('GET', `/programs/${prog.id}/settings`)).body;
  assert.equal((await admin('PUT', `/programs/${prog.id}/settings`, { version: cur.version, ack_deadlines_minutes: { high: 45 } })).status, 200);
  await sf.getByRole('button', { name: 'Save settings' }).click();
  await sf.getByText('Someone else changed this record in the meantime.', { exact: false }).waitFor();
  assert.equal((await admin('GET', `/programs/${prog.id}/settings`)).body.ack_deadlines_minutes.warning, cur.ack_deadlines_minutes.warning);
  await sf.getByRole('button', { name: 'Load the latest version' }).click();
  const fresh = evening.getByTestId('settings-form');
  await fresh.getByRole('alert').waitFor({ state: 'detached' });
  assert.equal(await fresh.getByLabel('High alerts (minutes)').inputValue(), '45', 'the other change is shown');
  await fresh.getByLabel('Warnings (minutes)').fill('720');
  await fresh.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText('The settings of Evening Recovery IOP were saved.').waitFor();
  const after = (await admin('GET', `/programs/${prog.id}/settings`)).body.ack_deadlines_minutes;
  assert.deepEqual([after.high, after.warning], [45, 720]);
  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});

test('a director changes a track from a date on (a session with attendance keeps its time) and moves a group to another track from a date', async () => {
  // Monday 19:00 in Warsaw: the evening group meets, and attendance is taken.
  await srv.advanceClock(10 * 3600_000);
  // The API sessions of before() have expired meanwhile.
  nowak = await apiAs(srv.url, 'dr.nowak');
  const prog = (await nowak('GET', '/programs')).body.items.find((p) => p.name === 'Evening Recovery IOP');
  const tracks = (await nowak('GET', `/programs/${prog.id}/tracks`)).body.items;
  const evening = tracks.find((x) => x.name === 'Evening track');
  const weekend = tracks.find((x) => x.name === 'Weekend track');
  assert.deepEqual([evening.weekdays, evening.start, evening.end], [['mon', 'wed', 'thu'], '18:00', '21:00']);
  const groups = (await nowak('GET', `/groups?program_id=${prog.id}`)).body.items;
  const relapse = groups.find((g) => g.name === 'Relapse prevention');
  const anna = (await nowak('POST', '/patients/search', { name: 'Kowalska' })).body.items.find((p) => p.family_name === 'Kowalska').id;
  const krol = await apiAs(srv.url, 'a.krol');
  const held = `gs_${relapse.id}_20261123`;
  const put = await krol('PUT', `/sessions/${held}/attendance`, { entries: [{ patient_id: anna, status: 'present', minutes: 180 }] });
  assert.equal(put.status, 200, JSON.stringify(put.body));

  const { context, page, errors } = await newPage(browser);
  await login(page, srv.url, 'dr.nowak');
  await page.getByRole('navigation').getByRole('link', { name: 'Programs', exact: true }).click();
  const edit = card(page, 'Evening Recovery IOP').getByRole('button', { name: 'Edit track Evening track' });
  await edit.click();
  assert.equal(await edit.getAttribute('aria-expanded'), 'true');
  const tf = card(page, 'Evening Recovery IOP').getByTestId('track-form');
  assert.equal(await tf.getByRole('heading').innerText(), 'Edit track Evening track');
  assert.equal(await tf.getByLabel('Track name').inputValue(), 'Evening track', 'prefilled');
  assert.equal(await tf.getByLabel('Starts at').inputValue(), '18:00');
  assert.equal(await tf.getByLabel('Ends at').inputValue(), '21:00');
  assert.deepEqual(
    await Promise.all(['Monday', 'Tuesday', 'Wednesday', 'Thursday'].map((d) => tf.getByLabel(d).isChecked())),
    [true, false, true, true],
  );
  const from = tf.getByLabel('Takes effect from');
  const hint = await page.evaluate((ids) => ids.split(' ').map((id) => document.getElementById(id)?.textContent).join(' '), await from.getAttribute('aria-describedby'));
  assert.ok(hint.includes('the first day allowed') && hint.includes('Sessions already held keep their times.'), hint);

  // A date without a change of days or times is refused at the field.
  await from.fill('2026-11-30');
  await tf.getByRole('button', { name: 'Save' }).click();
  await tf.getByRole('alert').waitFor();
  assert.equal(await from.getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await tf.locator('.field-error:not([hidden])').allTextContents(), ['Only for a change of days, times or track: leave this empty']);
  // From today: attendance is on record today, so the first day allowed is tomorrow.
  await tf.getByLabel('Starts at').fill('17:00');
  await from.fill('2026-11-23');
  await tf.getByRole('button', { name: 'Save' }).click();
  await tf.locator('.field-error', { hasText: 'Not before 24 Nov 2026: attendance is already recorded up to the day before' }).waitFor();
  assert.equal(await from.getAttribute('aria-invalid'), 'true');
  assert.equal((await nowak('GET', `/programs/${prog.id}/tracks`)).body.items.find((x) => x.id === evening.id).start, '18:00', 'nothing saved');
  await checkA11y(page, 'track edit form with an error');
  await screenshot(page, 'director-track-edit');
  // Left empty: from the first day allowed, named in the saved message.
  await from.fill('');
  await tf.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Changes to the track Evening track were saved. The new days and times apply from 24 Nov 2026.').waitFor();
  const saved = (await nowak('GET', `/programs/${prog.id}/tracks`)).body.items.find((x) => x.id === evening.id);
  assert.deepEqual([saved.start, saved.end, saved.version], ['17:00', '21:00', evening.version + 1]);
  const trackRow = await card(page, 'Evening Recovery IOP').getByTestId('tracks-table').locator('tbody tr', { hasText: 'Evening track' }).innerText();
  assert.ok(trackRow.includes('17:00–21:00'), trackRow);
  // Today's session still runs at the old time, and the table says so.
  const untilThen = await card(page, 'Evening Recovery IOP').getByTestId('track-until-then').innerText();
  assert.ok(untilThen.startsWith('until 23 Nov 2026: ') && untilThen.endsWith(', 18:00–21:00'), untilThen);
  // The session with attendance keeps 18:00; from Tuesday on the group meets at 17:00.
  const sessions = (await nowak('GET', `/sessions?group_id=${relapse.id}&from=2026-11-23&to=2026-11-30`)).body.items;
  const at = (day) => sessions.find((x) => x.id === `gs_${relapse.id}_${day}`)?.starts;
  assert.equal(at('20261123'), '2026-11-23T18:00:00+01:00', 'the session held keeps its time');
  assert.equal(at('20261125'), '2026-11-25T17:00:00+01:00', 'Wednesday at the new time');
  assert.equal(at('20261130'), '2026-11-30T17:00:00+01:00', 'next Monday at the new time');

  // A group moves to another track: the date field shows only while another track is chosen.
  const mindful = groups.find((g) => g.name === GROUP);
  assert.equal(mindful.track_id, weekend.id);
  await card(page, 'Evening Recovery IOP').getByRole('button', { name: `Edit group ${GROUP}` }).click();
  const gf = card(page, 'Evening Recovery IOP').getByTestId('group-form');
  await gf.getByTestId('group-members').waitFor();
  const gfrom = gf.getByLabel('Takes effect from');
  assert.equal(await gfrom.isVisible(), false, 'hidden while the track stays');
  await gf.getByLabel('Track', { exact: true }).selectOption({ label: 'Evening track' });
  assert.equal(await gfrom.isVisible(), true, 'shown for another track');
  await gf.getByLabel('Track', { exact: true }).selectOption({ label: 'Weekend track' });
  assert.equal(await gfrom.isVisible(), false, 'hidden again');
  await gf.getByLabel('Track', { exact: true }).selectOption({ label: 'Evening track' });
  await gfrom.fill('2026-12-05');
  await checkA11y(page, 'group form moving to another track');
  await gf.getByRole('button', { name: 'Save' }).click();
  await page.getByText(`Changes to the group ${GROUP} were saved. It meets on the new track's days and times from 5 Dec 2026.`).waitFor();
  assert.equal((await nowak('GET', `/groups/${mindful.id}`)).body.track_id, evening.id);
  // Weekend sessions until 4 December, evening ones (at 17:00) from 5 December: none that weekend.
  const moved = (await nowak('GET', `/sessions?group_id=${mindful.id}&from=2026-11-28&to=2026-12-08`)).body.items.map((x) => x.starts).sort();
  assert.deepEqual(moved, ['2026-11-28T10:00:00+01:00', '2026-11-29T10:00:00+01:00', '2026-12-07T17:00:00+01:00']);

  assert.deepEqual(unexpectedErrors(errors), []);
  await context.close();
});
