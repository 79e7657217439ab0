// A page of another site attacks the dashboard in Debian's chromium (via playwright-core), then the dashboard's own
// page is used as a user would.
// usage: node cross-site-test.mjs DASHBOARD_URL [SCREENSHOT.png]
// The other site is a second server this script starts on another port, reached as http://localhost:PORT while the
// dashboard is http://127.0.0.1:PORT: another origin and another site, as far as the browser is concerned. Its page
// tries what any web page can do without the dashboard's consent: fetch POSTs (/api/pause with no body, /api/visual
// with a text/plain body, /api/resume with a JSON body, which needs a preflight), a form POST to /api/pause and a
// WebSocket to /ws. Each must be answered with 403 (or, for the JSON fetch, never sent); the WebSocket must get no
// data. Then the other site's name is made to resolve to 127.0.0.1 (DNS rebinding): the dashboard under that name
// must answer 421. The training must stay running with its step count growing. Then the dashboard's own page
// pauses and resumes the run through its buttons.
// Exits 0 when every step passed; otherwise prints which step failed and exits 1 (the exit closes the other site).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { log, runInChromium } from './chromium.mjs';

const dashboard = process.argv[2];
const screenshot = process.argv[3] || 'artifacts/dashboard-cross-site.png';
if (!dashboard) {
  console.error('usage: node cross-site-test.mjs DASHBOARD_URL [SCREENSHOT.png]');
  process.exit(2);
}
const STEP_TIMEOUT = 20000;

// The other site: one page with a form whose answer lands in an iframe, nothing else.
const attackerPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>some other site</title></head>
<body>
<h1>an ordinary page of another site</h1>
<form id="form" method="POST" action="${dashboard}api/pause" target="sink"><input type="hidden" name="command" value="pause"></form>
<iframe name="sink" title="sink"></iframe>
</body></html>`;
const attacker = http.createServer((req, res) => {
  if (req.url === '/' || req.url.startsWith('/?')) {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(attackerPage);
  } else {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((resolve) => attacker.listen(0, '127.0.0.1', resolve));
const attackerUrl = `http://localhost:${attacker.address().port}/`;

// The script's own view of the training, without any Origin: what ctl would see.
const status = async () => (await fetch(new URL('api/status', dashboard))).json();
async function waitForStatus(condition, what) {
  const deadline = Date.now() + STEP_TIMEOUT;
  for (;;) {
    const s = await status();
    if (condition(s)) return s;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}; last status ${s.state}, ${s.env_steps} env steps`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

await runInChromium(screenshot, async (page, state) => {
  state.step = 'the training runs before the attack';
  const before = await waitForStatus((s) => s.state === 'running' && s.env_steps > 0, 'the training to run');
  log(`running, ${before.env_steps} env steps`);

  state.step = 'open the other site';
  await page.goto(attackerUrl, { waitUntil: 'load' });
  const origin = await page.evaluate(() => location.origin);
  if (origin === new URL(dashboard).origin) throw new Error(`the other site has the dashboard's origin ${origin}`);
  log(`other site at ${origin}, dashboard at ${new URL(dashboard).origin}`);

  // How the dashboard answered a POST of the page, as the browser saw it: the status, or the reason the browser gave
  // for withholding an answer (an answer that passed the rules carries Cross-Origin-Resource-Policy: same-origin;
  // a refusal does not, so its 403 shows).
  const answered = (pathname, resourceType) => new Promise((resolve, reject) => {
    const mine = (req) => new URL(req.url()).pathname === pathname && req.method() === 'POST' && req.resourceType() === resourceType;
    const timer = setTimeout(() => reject(new Error(`no answer to POST ${pathname} within ${STEP_TIMEOUT} ms`)), STEP_TIMEOUT);
    const done = (v) => { clearTimeout(timer); page.off('response', onResponse); page.off('requestfailed', onFailed); resolve(v); };
    const onResponse = (r) => { if (mine(r.request())) done(`${r.status()}`); };
    const onFailed = (req) => { if (mine(req)) done(req.failure()?.errorText ?? 'failed'); };
    page.on('response', onResponse);
    page.on('requestfailed', onFailed);
  });
  const refused = (answer) => answer === '403';

  state.step = 'fetch POST /api/pause without a body';
  let seen = answered('/api/pause', 'fetch');
  const pauseFetch = await page.evaluate(async (url) => {
    try { return `a ${(await fetch(url, { method: 'POST', mode: 'no-cors' })).type} response`; } catch (e) { return `an error: ${e.message}`; }
  }, `${dashboard}api/pause`);
  let answer = await seen;
  if (!refused(answer)) throw new Error(`fetch POST /api/pause was answered ${answer}, expected 403`);
  log(`fetch POST /api/pause: ${answer} (the page got ${pauseFetch})`);

  state.step = 'fetch POST /api/visual with a text/plain body';
  seen = answered('/api/visual', 'fetch');
  await page.evaluate(async (url) => {
    try {
      await fetch(url, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: '{"runner": 1, "on": true, "fps": 30}' });
    } catch { /* the answer is checked through the browser's network events */ }
  }, `${dashboard}api/visual`);
  answer = await seen;
  if (!refused(answer)) throw new Error(`text/plain POST /api/visual was answered ${answer}, expected 403`);
  log(`fetch POST /api/visual (text/plain): ${answer}`);

  state.step = 'fetch POST /api/resume with a JSON body';
  // application/json is not a type a page may send elsewhere unasked: the browser asks first (a preflight), the
  // dashboard grants no CORS, so the POST is never sent and the fetch fails.
  const jsonFetch = await page.evaluate(async (url) => {
    try {
      const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      return `answered ${r.status}`;
    } catch (e) {
      return `refused: ${e.message}`;
    }
  }, `${dashboard}api/resume`);
  if (!jsonFetch.startsWith('refused')) throw new Error(`a cross-site JSON fetch was ${jsonFetch}`);
  log(`fetch POST /api/resume (JSON): ${jsonFetch}`);

  state.step = 'form POST /api/pause';
  seen = answered('/api/pause', 'document');
  await page.evaluate(() => document.getElementById('form').submit());
  answer = await seen;
  if (!refused(answer)) throw new Error(`the form POST was answered ${answer}, expected 403`);
  log(`form POST /api/pause: ${answer}`);

  state.step = 'WebSocket to /ws';
  const socket = await page.evaluate((url) => new Promise((resolve) => {
    const result = { opened: false, messages: 0 };
    const ws = new WebSocket(url);
    ws.onopen = () => { result.opened = true; };
    ws.onmessage = () => { result.messages++; };
    ws.onclose = (e) => resolve(Object.assign(result, { code: e.code }));
  }), dashboard.replace(/^http/, 'ws') + 'ws');
  if (socket.opened || socket.messages > 0) throw new Error(`the other site's WebSocket opened=${socket.opened} and got ${socket.messages} messages`);
  log(`WebSocket: never opened, 0 messages, closed with ${socket.code}`);

  state.step = 'DNS rebinding: the dashboard under the other site\'s name';
  // What a rebinding attack achieves: the other site's own name now resolves to the dashboard's address, so its
  // page talks to the dashboard as same-origin. Chromium is told to resolve rebind.test to 127.0.0.1.
  const rebound = await page.goto(`http://rebind.test:${new URL(dashboard).port}/`, { waitUntil: 'load' });
  if (rebound.status() !== 421) throw new Error(`the dashboard under the name rebind.test answered ${rebound.status()}, expected 421`);
  const read = await page.evaluate(async () => {
    const r = await fetch('/api/status');
    return { status: r.status, body: await r.text() };
  });
  if (read.status !== 421 || read.body.includes('run_id')) throw new Error(`a rebound page read /api/status: ${read.status} ${read.body.slice(0, 80)}`);
  log('rebound name rebind.test: the page and /api/status are 421, nothing read');

  state.step = 'the training still runs';
  const after = await status();
  if (after.state !== 'running') throw new Error(`after the attack the training is ${after.state}`);
  if (after.watched_runner !== null) throw new Error(`after the attack runner ${after.watched_runner} is watched`);
  // Runner counts reach the Controller every 0.5 s: two increases after the attack mean the runners kept stepping.
  const once = await waitForStatus((s) => s.env_steps > after.env_steps, 'env steps to grow after the attack');
  const twice = await waitForStatus((s) => s.env_steps > once.env_steps, 'env steps to keep growing');
  if (twice.state !== 'running') throw new Error(`the training is ${twice.state}`);
  log(`still running: ${after.env_steps} -> ${once.env_steps} -> ${twice.env_steps} env steps`);

  state.step = 'the dashboard\'s own page pauses';
  const stateIs = (s) => page.waitForFunction((want) => document.getElementById('state').dataset.state === want, s, { timeout: STEP_TIMEOUT });
  await page.goto(dashboard, { waitUntil: 'load' });
  await stateIs('running');
  await page.waitForFunction(() => document.getElementById('conn').textContent === 'live', null, { timeout: STEP_TIMEOUT });
  await page.click('#btn-pause');
  await stateIs('paused');
  const paused = await status();
  if (paused.state !== 'paused') throw new Error(`the page shows paused, /api/status says ${paused.state}`);
  log('own page: paused through its button');

  state.step = 'the dashboard\'s own page resumes';
  await page.click('#btn-resume');
  await stateIs('running');
  await waitForStatus((s) => s.state === 'running' && s.env_steps > paused.env_steps, 'env steps to grow after the resume');
  log('own page: resumed, env steps growing');

  state.step = 'screenshot';
  fs.mkdirSync(path.dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
}, ['--host-resolver-rules=MAP rebind.test 127.0.0.1']);
