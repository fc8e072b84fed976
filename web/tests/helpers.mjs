// Shared by the browser tests: start the real server on a free port with a fresh database,
// drive Debian's Chromium through playwright-core, check pages with axe-core.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const here = path.dirname(fileURLToPath(import.meta.url));
export const webDir = path.resolve(here, '..');
export const distDir = path.join(webDir, 'dist');
export const screenshotDir = path.resolve(webDir, '..', 'build', 'screenshots');

/** Words spelled the same in English and the other language; any other copy is untranslated. */
export const SAME_WORDS = { pl: ['E-mail', 'Program', 'Status', 'Administrator', 'Alert'], de: ['Name', 'Status', 'Plan'] };

export const STAFF_PASSWORD = 'demo-clinic-2026';
export const PATIENT_PASSWORD = 'demo-patient-2026';

function binaryPath() {
  const p = process.env.POMOST_BINARY || path.resolve(webDir, '../build/test/src/pomost');
  if (!existsSync(p)) throw new Error(`pomost binary not found at ${p} (set POMOST_BINARY)`);
  return p;
}

/** Starts `pomost serve --demo` on a free port; resolves once it listens. */
export async function startServer() {
  if (!existsSync(path.join(distDir, 'index.html'))) throw new Error('web/dist is missing: run `npm run build` first');
  const dir = mkdtempSync(path.join(tmpdir(), 'pomost-web-'));
  const child = spawn(
    binaryPath(),
    [
      'serve',
      '--demo',
      '--db', path.join(dir, 'pomost.db'),
      '--listen', '127.0.0.1:0',
      '--web-root', distDir,
      '--simulated-clock', '2026-11-23T08:00:00Z',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 20_000);
    const onData = (buf) => {
      log += buf.toString();
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (b) => (log += b.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${log}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    url,
    log: () => log,
    /** Moves the server's clock (test builds only). */
    async advanceClock(ms) {
      const res = await fetch(`${url}/api/v1/__test/clock`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ advance_ms: ms }),
      });
      assert.equal(res.status, 200, 'the test clock endpoint answers (a POMOST_TESTING build)');
      return res.json();
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A small API client (bearer token) for setting up scenarios behind the browser's back. */
export async function apiAs(baseUrl, username, password = STAFF_PASSWORD) {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  assert.equal(res.status, 200, `API login as ${username}`);
  const { token } = await res.json();
  const call = async (method, p, body) => {
    const r = await fetch(`${baseUrl}/api/v1${p}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
  return call;
}

/**
 * What every browser suite starts with: the server on a fresh database and Chromium; `english`
 * staff get English in their profiles (several demo staff prefer Polish or German), so the
 * tests read one language unless they switch.
 */
export async function openSuite(english = []) {
  const srv = await startServer();
  const browser = await launchBrowser();
  for (const u of english) {
    const r = await (await apiAs(srv.url, u))('PATCH', '/me', { language: 'en' });
    assert.equal(r.status, 200, `${u}: PATCH /me`);
  }
  return { srv, browser };
}

/** The end of a suite: the browser, then the server (either may not have started). */
export async function closeSuite(srv, browser) {
  await browser?.close();
  await srv?.stop();
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A fresh context and page. Collects console errors and page errors (a CSP violation shows up
 * as a console error), so tests can assert there were none.
 */
export async function newPage(browser, { width = 1280, height = 860, locale = 'en-GB' } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.setDefaultTimeout(10_000);
  return { context, page, errors };
}

/** Expected console noise: failed requests the app handles itself (401 before sign-in, 409 in a conflict test). */
export function unexpectedErrors(errors) {
  return errors.filter((e) => !/Failed to load resource: the server responded with a status of (401|409|422)/.test(e));
}

export async function login(page, baseUrl, username, password = STAFF_PASSWORD) {
  await page.goto(baseUrl + '/');
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('form button[type="submit"]').click();
  // The staff shell or the patient app replaces the sign-in page.
  await page.locator('.topbar, .p-app').first().waitFor();
  await page.locator('#main h1').first().waitFor();
}

/** axe-core with the WCAG 2.1 A/AA rules; fails on any serious or critical violation. */
export async function checkA11y(page, label) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`),
    [],
    `axe-core on ${label}`,
  );
  assert.ok(result.passes.length > 10, `axe-core ran its checks on ${label}`);
}

/** Saves build/screenshots/NAME.png (phones: the viewport, as a person sees it). */
export async function screenshot(page, name, { fullPage = true } = {}) {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage });
}

/** Navigates with the app's own navigation (no reload) and waits for the new heading. */
export async function openNav(page, name) {
  await page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
  await page.locator('#main h1', { hasText: '' }).first().waitFor();
}

/** Nothing about patients may live in web storage; the session cookie must be HttpOnly. */
export async function assertNoStorage(page, context) {
  const stored = await page.evaluate(() => ({
    local: localStorage.length,
    session: sessionStorage.length,
    cookie: document.cookie,
  }));
  assert.equal(stored.local, 0, 'localStorage is empty');
  assert.equal(stored.session, 0, 'sessionStorage is empty');
  assert.equal(stored.cookie, '', 'no cookie is readable from script');
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'pomost_session');
  assert.ok(session, 'the session cookie is set');
  assert.equal(session.httpOnly, true, 'the session cookie is HttpOnly');
  assert.equal(session.sameSite, 'Strict', 'the session cookie is SameSite=Strict');
}

/** Answers a question of a rendered check-in or measure (radio tiles and scales by value). */
export async function answer(page, item, value) {
  const q = page.locator(`fieldset[data-item="${item}"]`);
  if (typeof value === 'number' && (await q.locator('input[type="number"]').count())) {
    await q.locator('input[type="number"]').fill(String(value));
  } else {
    await q.locator(`input[value="${value}"] + label`).click();
  }
}

/** A calm answer for every question of the addiction program's check-in. */
export const CALM_CHECKIN = { mood: 6, anxiety: 3, craving: 2, used: 0, sleep_hours: 7, medication: 1, self_harm_thoughts: 0, meetings: 1 };

/** The id of a demo patient, found by family name (as someone who may see them). */
export async function patientId(call, familyName) {
  const r = await call('POST', '/patients/search', { name: familyName });
  assert.equal(r.status, 200, `search for ${familyName}`);
  const p = r.body.items.find((x) => x.family_name === familyName);
  assert.ok(p, `${familyName} is a demo patient`);
  return p.id;
}
