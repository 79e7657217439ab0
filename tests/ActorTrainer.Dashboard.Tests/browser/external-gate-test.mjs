// The dashboard of an external run with an action gate: the external-episodes box and the gate agreement rate.
// usage: node external-gate-test.mjs URL SCREENSHOT.png RATE CHECKS
// RATE is the agreement the page must show (e.g. "73.5%", what /api/status says), CHECKS the gate's check count.
// Exits 0 when every step passed; otherwise prints which step failed and exits 1.
import fs from 'node:fs';
import path from 'node:path';
import { log, runInChromium } from './chromium.mjs';

const [url, screenshot, rate, checks] = process.argv.slice(2);
if (!url || !screenshot || !rate || !checks) {
  console.error('usage: node external-gate-test.mjs URL SCREENSHOT.png RATE CHECKS');
  process.exit(2);
}
const STEP_TIMEOUT = 20000;

await runInChromium(screenshot, async (page, state) => {
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`${m.text()} (${m.location().url})`); });

  state.step = 'open the dashboard';
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => document.getElementById('conn').textContent === 'live', null, { timeout: STEP_TIMEOUT });

  state.step = 'external episodes box';
  await page.waitForSelector('#external-stat', { state: 'visible', timeout: STEP_TIMEOUT });
  const open = await page.textContent('#external-open');
  if (!/^\d+ open$/.test(open)) throw new Error(`external box shows "${open}", expected "<n> open"`);
  log(`external episodes: ${open}, ${await page.textContent('#external-rate')}`);

  state.step = 'gate agreement rate';
  await page.waitForSelector('#gate-stat', { state: 'visible', timeout: STEP_TIMEOUT });
  await page.waitForFunction((want) => document.getElementById('gate-agreement').textContent === want, rate, { timeout: STEP_TIMEOUT })
    .catch(async () => { throw new Error(`gate agreement shows "${await page.textContent('#gate-agreement')}", status says ${rate}`); });
  const checked = await page.textContent('#gate-checks');
  if (checked !== `${checks} actions checked`) throw new Error(`gate box says "${checked}", status says ${checks} checks`);
  const label = await page.textContent('#gate-stat label');
  if (label !== 'gate agreement') throw new Error(`gate box is labelled "${label}"`);
  log(`gate agreement ${rate} over ${checks} checks`);

  state.step = 'screenshot';
  fs.mkdirSync(path.dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  log(`screenshot ${screenshot}`);

  if (pageErrors.length) throw new Error(`page errors: ${pageErrors.join(' | ')}`);
});
