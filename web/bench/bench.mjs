// `npm run bench` (after `npm run build`): starts the server like the browser tests (fresh
// database, --demo, simulated clock) and prints one JSON object on stdout:
//
// - js: gzipped JavaScript the first staff screen (Today) loads — the entry, plus the language
//   chunk for a Polish or German reader (target < 150 KB);
// - census: time from clicking "Census" to the table of ~200 patients being in the page, median
//   of several runs, and the part of it after the census answer arrived (target < 300 ms);
// - alert: time from a patient's high-risk check-in (its 201 received) to the alert shown on a
//   clinician's Today screen, median and max of ~10 runs (target < 1 s).
//
// Progress goes to stderr. POMOST_BINARY names the server (a POMOST_TESTING build), as for tests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { apiAs, distDir, launchBrowser, login, newPage, startServer } from '../tests/helpers.mjs';

const PATIENTS = Number(process.env.BENCH_PATIENTS ?? 200);
const CENSUS_RUNS = Number(process.env.BENCH_CENSUS_RUNS ?? 9);
const ALERT_RUNS = Number(process.env.BENCH_ALERT_RUNS ?? 10);

const log = (...a) => console.error('[bench]', ...a);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x) => Math.round(x * 10) / 10;
const gz = (p) => gzipSync(readFileSync(path.join(distDir, p)), { level: 9 }).length;

const srv = await startServer();
const browser = await launchBrowser();
try {
  const director = await apiAs(srv.url, 'dr.nowak');
  const programs = (await director('GET', '/programs')).body.items;
  const addiction = programs.find((p) => p.focus === 'substance_use');
  const staff = Object.fromEntries((await director('GET', '/staff?limit=200')).body.items.map((s) => [s.username, s.id]));

  // ---- 1. JavaScript of the first staff screen ----
  const js = {};
  for (const [who, lang] of [['m.zielinska', 'en'], ['dr.nowak', 'pl']]) {
    const call = await apiAs(srv.url, who);
    await call('PATCH', '/me', { language: lang });
    const { context, page } = await newPage(browser);
    const scripts = new Set();
    page.on('response', (r) => {
      if (r.request().resourceType() === 'script') scripts.add(new URL(r.url()).pathname);
    });
    await login(page, srv.url, who);
    await page.getByTestId('today-checkins').waitFor();
    const files = [...scripts].map((p) => p.replace(/^\//, ''));
    js[lang === 'en' ? 'english_bytes' : 'polish_bytes'] = files.reduce((n, f) => n + gz(f), 0);
    js[lang === 'en' ? 'english_files' : 'polish_files'] = files;
    await context.close();
  }
  await (await apiAs(srv.url, 'dr.nowak'))('PATCH', '/me', { language: 'en' });
  log('js', js);

  // ---- 2. A census of ~200 patients ----
  log(`creating ${PATIENTS} patients`);
  const created = [];
  for (let i = 0; i < PATIENTS; i++) {
    const p = await director('POST', '/patients', {
      given_name: 'Bench',
      family_name: `Patient${String(i).padStart(3, '0')}`,
      birth_date: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
      sex: ['female', 'male', 'diverse', 'unknown'][i % 4],
      preferred_language: ['en', 'pl', 'de'][i % 3],
    });
    if (p.status !== 201) throw new Error(`POST /patients: ${p.status} ${JSON.stringify(p.body)}`);
    const e = await director('POST', '/episodes', {
      patient_id: p.body.id,
      program_id: addiction.id,
      referral_source: 'detox',
      admitted_on: '2026-11-20',
      primary_therapist_id: staff['m.zielinska'],
      psychiatrist_id: staff['dr.bauer'],
    });
    if (e.status !== 201) throw new Error(`POST /episodes: ${e.status} ${JSON.stringify(e.body)}`);
    created.push(p.body.id);
  }
  // Today's worklist of that program over HTTP (it walks every patient's check-in, measures due
  // on the schedule, alerts and the day's sessions), against the no-op /healthz of the same run.
  const timed = async (call, n) => {
    const out = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const status = await call();
      if (status !== 200) throw new Error(`status ${status}`);
      out.push(performance.now() - t0);
    }
    return out;
  };
  const worklistRuns = await timed(async () => (await director('GET', `/worklist?program_id=${addiction.id}`)).status, 7);
  const healthRuns = await timed(async () => {
    const r = await fetch(`${srv.url}/healthz`);
    await r.arrayBuffer();
    return r.status;
  }, 7);
  log(`worklist: median ${median(worklistRuns).toFixed(1)} ms (healthz ${median(healthRuns).toFixed(1)} ms)`);

  const { context, page } = await newPage(browser, { width: 1400, height: 900 });
  await login(page, srv.url, 'dr.nowak');
  await page.getByTestId('today-checkins').waitFor();
  await page.getByTestId('program-scope').selectOption(addiction.id);
  const rowsExpected = (await director('GET', `/census?program_id=${addiction.id}`)).body.items.length;
  const runs = [];
  const renderOnly = [];
  for (let i = 0; i < CENSUS_RUNS; i++) {
    // From another screen, click Census; stop when the table with every row is in the page and
    // a frame has been drawn.
    await page.getByRole('navigation').getByRole('link', { name: 'Today', exact: true }).click();
    await page.getByTestId('today-checkins').waitFor();
    const r = await page.evaluate(async (expected) => {
      performance.clearResourceTimings();
      const link = [...document.querySelectorAll('nav a')].find((a) => a.textContent === 'Census');
      const t0 = performance.now();
      link.click();
      await new Promise((resolve) => {
        const check = () => {
          const t = document.querySelector('[data-testid="census-table"]');
          if (t && Number(t.dataset.rows) === expected) resolve();
          else requestAnimationFrame(check);
        };
        check();
      });
      const inDom = performance.now();
      await new Promise((r2) => requestAnimationFrame(() => setTimeout(r2, 0)));
      const painted = performance.now();
      const res = performance.getEntriesByType('resource').find((e) => e.name.includes('/api/v1/census'));
      return { total: painted - t0, inDom: inDom - t0, afterAnswer: res ? painted - res.responseEnd : null };
    }, rowsExpected);
    runs.push(r.total);
    if (r.afterAnswer !== null) renderOnly.push(r.afterAnswer);
    log(`census run ${i + 1}: ${r.total.toFixed(1)} ms (in the DOM at ${r.inDom.toFixed(1)} ms; after the answer ${r.afterAnswer?.toFixed(1)} ms)`);
  }
  await context.close();

  // ---- 3. From a patient's high-risk check-in to the clinician's Today ----
  log(`accounts for ${ALERT_RUNS} patients`);
  const tokens = [];
  for (let i = 0; i < ALERT_RUNS; i++) {
    const pid = created[i];
    const acc = await director('POST', `/patients/${pid}/account`, { username: `bench.p${i}` });
    if (acc.status !== 201) throw new Error(`account: ${acc.status} ${JSON.stringify(acc.body)}`);
    const act = await fetch(`${srv.url}/api/v1/auth/activate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ invite_code: acc.body.invite_code, password: 'bench patient passphrase' }),
    });
    if (act.status !== 200) throw new Error(`activate: ${act.status}`);
    const li = await fetch(`${srv.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: `bench.p${i}`, password: 'bench patient passphrase' }),
    });
    tokens.push({ pid, name: `Patient${String(i).padStart(3, '0')}, Bench`, token: (await li.json()).token });
  }
  const clin = await newPage(browser);
  await (await apiAs(srv.url, 'm.zielinska'))('PATCH', '/me', { language: 'en' });
  await login(clin.page, srv.url, 'm.zielinska');
  await clin.page.locator('.live-bar.live-live').waitFor();
  // The page notes (wall clock) when each patient's alert first appears on Today.
  await clin.page.evaluate(() => {
    window.__seen = {};
    new MutationObserver(() => {
      for (const li of document.querySelectorAll('[data-testid="today-alerts"] li')) {
        const name = li.querySelector('.alert-name')?.textContent;
        if (name && !(name in window.__seen)) window.__seen[name] = Date.now();
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
  const answers = { mood: 2, anxiety: 8, craving: 5, used: 0, sleep_hours: 4, medication: 1, self_harm_thoughts: 1, self_harm_intent: 1, meetings: 0 };
  const latencies = [];
  for (const p of tokens) {
    const res = await fetch(`${srv.url}/api/v1/patients/${p.pid}/checkins`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${p.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ answers }),
    });
    const t201 = Date.now();
    if (res.status !== 201) throw new Error(`check-in: ${res.status}`);
    await res.arrayBuffer();
    await clin.page.waitForFunction((n) => n in window.__seen, p.name, { timeout: 10_000, polling: 20 });
    const seen = await clin.page.evaluate((n) => window.__seen[n], p.name);
    latencies.push(seen - t201);
    log(`alert ${p.name}: ${seen - t201} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await clin.context.close();

  const out = {
    js_first_staff_screen_gzip: {
      english_bytes: js.english_bytes,
      with_language_chunk_bytes: js.polish_bytes,
      files_english: js.english_files,
      files_polish: js.polish_files,
      target_bytes: 150 * 1024,
    },
    census_render_ms: {
      patients: rowsExpected,
      runs: runs.map(round),
      median: round(median(runs)),
      median_after_answer: renderOnly.length ? round(median(renderOnly)) : null,
      target: 300,
    },
    worklist_ms: {
      patients: rowsExpected,
      median: round(median(worklistRuns)),
      healthz_median: round(median(healthRuns)),
    },
    alert_to_today_ms: {
      runs: latencies,
      median: median(latencies),
      max: Math.max(...latencies),
      target: 1000,
      note: "from the patient's 201 (received by the bench client) to the alert's row in the clinician's Today (MutationObserver, wall clock)",
    },
  };
  console.log(JSON.stringify(out, null, 2));
} finally {
  await browser.close();
  await srv.stop();
}
