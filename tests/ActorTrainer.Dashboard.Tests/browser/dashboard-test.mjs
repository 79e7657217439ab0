// Drives Debian's chromium (via playwright-core) through the dashboard the way a user would.
// usage: node dashboard-test.mjs URL [SCREENSHOT.png] [TOKEN]
// With TOKEN the server requires it: the page must ask for it once, then work with it (HTTP and WebSocket).
// Exits 0 when every step passed; otherwise prints which step failed and exits 1.
import fs from 'node:fs';
import path from 'node:path';
import { log, runInChromium } from './chromium.mjs';

const url = process.argv[2];
const screenshot = process.argv[3] || 'artifacts/dashboard.png';
const token = process.argv[4] || '';
if (!url) {
  console.error('usage: node dashboard-test.mjs URL [SCREENSHOT.png]');
  process.exit(2);
}
const STEP_TIMEOUT = 20000;

await runInChromium(screenshot, async (page, state) => {
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`${m.text()} (${m.location().url})`); });

  const stateIs = (s) => page.waitForFunction((want) => document.getElementById('state').dataset.state === want, s, { timeout: STEP_TIMEOUT });
  const envSteps = async () => Number((await page.textContent('#env-steps')).replace(/,/g, ''));
  const apiStatus = () => page.evaluate(async () => {
    const t = sessionStorage.getItem('actortrainer.token');
    return (await fetch('/api/status', { headers: t ? { Authorization: 'Bearer ' + t } : {} })).json();
  });

  state.step = 'open the dashboard';
  await page.goto(url, { waitUntil: 'load' });
  if (token) {
    state.step = 'token prompt';
    await page.waitForSelector('#token-dialog[open]', { timeout: STEP_TIMEOUT });
    await page.fill('#token-input', token);
    await page.click('#token-form button[type=submit]');
    log('token prompt answered');
    state.step = 'open the dashboard with the token';
  }
  await stateIs('running');
  await page.waitForFunction(() => document.getElementById('conn').textContent === 'live', null, { timeout: STEP_TIMEOUT });
  // Before the token was entered, 401s are the expected way the page learns it needs one; from here on any
  // error counts.
  if (token) pageErrors.length = 0;
  log('state running');

  state.step = 'charts update';
  await page.waitForFunction(() => Number(document.body.dataset.metrics || 0) >= 3, null, { timeout: STEP_TIMEOUT });
  const charts = await page.evaluate(() => document.querySelectorAll('.uplot canvas').length);
  if (charts < 6) throw new Error(`expected 6 uPlot charts, found ${charts}`);
  const points = await page.evaluate(() => document.querySelectorAll('#chart-return .u-legend').length);
  if (points < 1) throw new Error('return chart has no legend: uPlot did not render');
  log(`${charts} charts drawing live metrics`);
  const members = await page.evaluate(() => document.getElementById('members-card').hidden);
  if (!members) throw new Error('a local training has no cluster members, yet the members table is shown');
  const externalBoxes = await page.evaluate(() => [document.getElementById('external-stat').hidden, document.getElementById('gate-stat').hidden]);
  if (!externalBoxes[0] || !externalBoxes[1]) throw new Error('a CartPole run has no external episodes nor a gate, yet their boxes are shown');

  state.step = 'evaluation chart';
  // A real run evaluates about once a second: the eval chart must show points and the best so far.
  await page.waitForFunction(() => data['chart-eval'][1].filter((v) => v !== null).length >= 2, null, { timeout: STEP_TIMEOUT });
  const evalInfo = await page.evaluate(() => ({ evals: data['chart-eval'][1].filter((v) => v !== null), best: data['chart-eval'][2].filter((v) => v !== null) }));
  if (evalInfo.best.length === 0) throw new Error('the eval chart has no best line');
  if (Math.max(...evalInfo.evals) !== evalInfo.best[evalInfo.best.length - 1]) throw new Error(`best ${evalInfo.best[evalInfo.best.length - 1]} is not the highest eval ${Math.max(...evalInfo.evals)}`);
  log(`${evalInfo.evals.length} evaluations charted, best ${evalInfo.best[evalInfo.best.length - 1]}`);

  state.step = 'pause';
  await page.click('#btn-pause');
  await stateIs('paused');
  const api0 = await apiStatus();
  if (api0.state !== 'paused') throw new Error(`page shows paused but /api/status says ${api0.state}`);
  // Runners report their counts every 0.5 s: after 1.5 s the last in-flight report has landed, and from then
  // on the counter must stand still (two status ticks later too).
  await page.waitForTimeout(1500);
  const api1 = await apiStatus();
  const pausedAt = api1.env_steps;
  await page.waitForTimeout(1200);
  const api2 = await apiStatus();
  if (api2.env_steps !== pausedAt) throw new Error(`env_steps advanced while paused: ${pausedAt} -> ${api2.env_steps}`);
  if (await envSteps() !== pausedAt) throw new Error(`page shows ${await envSteps()} env steps, status says ${pausedAt}`);
  log(`paused at ${pausedAt} env steps; still ${api2.env_steps}`);

  state.step = 'resume';
  await page.click('#btn-resume');
  await stateIs('running');
  await page.waitForFunction((n) => Number(document.getElementById('env-steps').textContent.replace(/,/g, '')) > n, pausedAt, { timeout: STEP_TIMEOUT });
  log(`running again, ${await envSteps()} env steps`);

  state.step = 'visual mode';
  await page.click('tr[data-runner="1"] .visual-toggle');
  await page.waitForFunction(() => Number(document.getElementById('frame-count').textContent) >= 10, null, { timeout: STEP_TIMEOUT });
  const inked = await page.evaluate(() => {
    const c = document.getElementById('frame');
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
    return n;
  });
  if (inked < 500) throw new Error(`frame canvas is nearly blank (${inked} drawn pixels)`);
  const runner = await page.textContent('#frame-runner');
  if (runner !== '1') throw new Error(`frames come from runner ${runner}, expected 1`);
  log(`${await page.textContent('#frame-count')} frames received, ${inked} pixels drawn`);

  state.step = 'screenshot';
  await page.waitForTimeout(800); // let a few more chart points land
  fs.mkdirSync(path.dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  log(`screenshot ${screenshot}`);

  state.step = 'stop with confirmation';
  let confirmed = '';
  page.once('dialog', async (d) => { confirmed = d.message(); await d.accept(); });
  await page.click('#btn-stop');
  await page.waitForFunction(() => ['stopping', 'stopped'].includes(document.getElementById('state').dataset.state), null, { timeout: STEP_TIMEOUT });
  if (!confirmed) throw new Error('stop did not ask for confirmation');
  await stateIs('stopped');
  log(`stopped after confirming "${confirmed}"`);

  if (pageErrors.length) throw new Error(`page errors: ${pageErrors.join(' | ')}`);
});
