// Drives Debian's chromium (via playwright-core) through a dashboard whose server goes away and comes back.
// usage: node reconnect-test.mjs URL [SCREENSHOT.png]
// Talks to the test that runs it over stdout: after "[browser] DROP" the test closes the dashboard server (the page's
// WebSocket is closed from the server side), pauses the training while no page can see it, and starts a new server on
// the same port once the script prints "[browser] OFFLINE". The page must reconnect by itself, show "paused" from
// /api/status (it missed the change), and follow the training again.
// Exits 0 when every step passed; otherwise prints which step failed and exits 1.
import fs from 'node:fs';
import path from 'node:path';
import { log, runInChromium } from './chromium.mjs';

const url = process.argv[2];
const screenshot = process.argv[3] || 'artifacts/dashboard-reconnect.png';
if (!url) {
  console.error('usage: node reconnect-test.mjs URL [SCREENSHOT.png]');
  process.exit(2);
}
const STEP_TIMEOUT = 20000;
const OUTAGE_TIMEOUT = 60000; // the page retries with a growing delay (at most 10 s)

await runInChromium(screenshot, async (page, state) => {
  // While the server is away, failed connection attempts are logged as console errors: that is the outage, not a bug.
  let outage = false;
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !outage) pageErrors.push(`${m.text()} (${m.location().url})`); });

  const stateIs = (s, timeout = STEP_TIMEOUT) => page.waitForFunction((want) => document.getElementById('state').dataset.state === want, s, { timeout });
  const connIs = (c, timeout = STEP_TIMEOUT) => page.waitForFunction((want) => document.getElementById('conn').textContent === want, c, { timeout });
  const envSteps = async () => Number((await page.textContent('#env-steps')).replace(/,/g, ''));
  const metricsSeen = async () => Number(await page.evaluate(() => document.body.dataset.metrics || 0));
  const apiStatus = () => page.evaluate(async () => (await fetch('/api/status')).json());

  state.step = 'open the dashboard';
  await page.goto(url, { waitUntil: 'load' });
  await stateIs('running');
  await connIs('live');
  await page.waitForFunction(() => Number(document.body.dataset.metrics || 0) >= 3, null, { timeout: STEP_TIMEOUT });
  const before = await envSteps();
  log(`live and running, ${before} env steps`);

  state.step = 'server closes the socket';
  outage = true;
  log('DROP');
  await connIs('offline', OUTAGE_TIMEOUT);
  const shownDuringOutage = await page.evaluate(() => document.getElementById('state').dataset.state);
  if (shownDuringOutage !== 'running') throw new Error(`the page shows ${shownDuringOutage} while offline; it was last told running`);
  log(`OFFLINE (the page still shows ${shownDuringOutage}, the last state it was told)`);

  state.step = 'reconnect';
  await connIs('live', OUTAGE_TIMEOUT);
  outage = false;
  log('live again');

  state.step = 'resync from /api/status';
  // The training was paused while the page had no connection: only /api/status on reconnect can have told it.
  await stateIs('paused');
  // Runners report their counts every 0.5 s: after 1.5 s the last report before the pause has landed.
  await page.waitForTimeout(1500);
  const paused = await apiStatus();
  if (paused.state !== 'paused') throw new Error(`/api/status says ${paused.state}, expected paused`);
  await page.waitForFunction((n) => Number(document.getElementById('env-steps').textContent.replace(/,/g, '')) === n, paused.env_steps, { timeout: STEP_TIMEOUT });
  if (paused.env_steps < before) throw new Error(`env steps went back from ${before} to ${paused.env_steps}`);
  const charted = await page.evaluate(() => data['chart-speed'][0].length);
  if (charted < 3) throw new Error(`the charts hold ${charted} points after the reload of /api/metrics`);
  log(`paused at ${paused.env_steps} env steps, as /api/status says; ${charted} chart points reloaded`);

  state.step = 'counters continue after resume';
  const metricsAtResume = await metricsSeen();
  await page.click('#btn-resume');
  await stateIs('running');
  await page.waitForFunction((n) => Number(document.getElementById('env-steps').textContent.replace(/,/g, '')) > n, paused.env_steps, { timeout: STEP_TIMEOUT });
  await page.waitForFunction((n) => Number(document.body.dataset.metrics || 0) >= n + 2, metricsAtResume, { timeout: STEP_TIMEOUT });
  log(`running again: ${await envSteps()} env steps, ${(await metricsSeen()) - metricsAtResume} live metrics since the resume`);

  state.step = 'screenshot';
  fs.mkdirSync(path.dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });

  if (pageErrors.length) throw new Error(`page errors: ${pageErrors.join(' | ')}`);
});
