import { startServer, launchBrowser, newPage, login } from './tests/helpers.mjs';
const srv = await startServer();
const browser = await launchBrowser();
try {
  const { page, context } = await newPage(browser, { width: 360, height: 740 });
  await login(page, srv.url, 'anna.k', 'demo-patient-2026');
  page.on('requestfailed', r => console.log('failed', r.url()));
  page.on('request', r => console.log('req', r.url()));
  await context.setOffline(true);
  await page.getByTestId('crisis-button').click();
  await page.waitForTimeout(1000);
} finally { await browser.close(); await srv.stop(); }
