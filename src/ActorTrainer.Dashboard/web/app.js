// ActorTrainer dashboard. Everything shown comes from the server: /api/status, /api/metrics and the /ws stream.
// The state badge and the buttons follow the status the Controller reports, never what a click hoped for.
'use strict';

const MAX_POINTS = 2000;
const MA_WINDOW = 20;
const TOKEN_KEY = 'actortrainer.token';
const $ = (id) => document.getElementById(id);

let token = sessionStorage.getItem(TOKEN_KEY);
let tokenAsked = false;
let status = null;
let ws = null;
let reconnectDelay = 500;
let metricsReceived = 0;
let framesReceived = 0;
let watching = null; // the runner the Controller says is watched, or null

// ---------- API ----------

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  const sentWith = token;
  if (sentWith) headers.Authorization = 'Bearer ' + sentWith;
  const res = await fetch(path, Object.assign({}, options, { headers }));
  if (res.status === 401) {
    // Only a refusal of the token in use asks again: a request sent before the user entered one can answer 401 after
    // the prompt was answered, and must not bring the prompt back over the page.
    if (token === sentWith) askToken();
    throw new Error('unauthorized: the control token is missing or wrong');
  }
  let body = null;
  try { body = await res.json(); } catch { /* empty body */ }
  return { status: res.status, body };
}

function askToken() {
  if (tokenAsked) return;
  tokenAsked = true;
  const dlg = $('token-dialog');
  dlg.showModal();
  $('token-form').onsubmit = () => {
    token = $('token-input').value.trim();
    sessionStorage.setItem(TOKEN_KEY, token);
    tokenAsked = false;
    resync();
    connect();
  };
}

async function command(path, body) {
  try {
    const res = await api(path, {
      method: 'POST',
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    if (res.status === 200) showMessage(`${path.replace('/api/', '')}: done, state ${res.body.state}`);
    else showMessage(`${path.replace('/api/', '')} refused (${res.status}): ${res.body && res.body.error}`, true);
    await refreshStatus();
  } catch (e) {
    showMessage(e.message, true);
  }
}

function showMessage(text, error = false) {
  const m = $('message');
  m.textContent = text;
  m.className = error ? 'message error' : 'message';
}

// ---------- status ----------

const fmt = (v, digits = 0) => (v === null || v === undefined || Number.isNaN(v)) ? '–'
  : Number(v).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function refreshStatus() {
  const res = await api('/api/status');
  if (res.status === 200) applyStatus(res.body);
}

function applyStatus(s) {
  status = s;
  const st = $('state');
  // A run waiting for its runners (min-runners) says how many are up.
  st.textContent = s.waiting_for ? `${s.state} · ${s.waiting_for}` : s.state;
  st.dataset.state = s.state;
  st.className = 'state state-' + s.state;
  $('env').textContent = s.env;
  $('run-id').textContent = s.run_id;
  $('env-steps').textContent = fmt(s.env_steps);
  $('env-sps').textContent = fmt(s.env_steps_per_second) + ' steps/s';
  $('updates').textContent = fmt(s.updates);
  $('ups').textContent = fmt(s.updates_per_second, 1) + ' updates/s';
  $('episodes').textContent = fmt(s.episodes);
  $('mean-return').textContent = 'mean return ' + fmt(s.recent_mean_return, 1);
  $('best-eval').textContent = fmt(s.best_eval_return, 1);
  $('last-eval').textContent = 'last ' + fmt(s.last_eval_return, 1) + (s.solved ? ' · solved' : '');
  $('weights-version').textContent = fmt(s.weights_version);
  const stale = s.runners.length ? Math.max(...s.runners.map(r => r.staleness)) : null;
  $('staleness').textContent = 'max staleness ' + fmt(stale);
  $('replay').textContent = fmt(s.replay_size);
  $('replay-fill').textContent = fmt(100 * s.replay_size / Math.max(1, s.replay_capacity), 1) + '% of ' + fmt(s.replay_capacity);
  $('loss').textContent = fmt(s.loss, 4);
  $('elapsed').textContent = fmt(s.elapsed_seconds) + ' s elapsed';
  applyExternal(s.external || null);

  const live = s.state === 'running' || s.state === 'paused';
  $('btn-pause').disabled = s.state !== 'running';
  $('btn-resume').disabled = s.state !== 'paused';
  $('btn-save').disabled = !live;
  $('btn-stop').disabled = !live;
  if (s.watched_runner !== null && s.watched_runner !== undefined && s.frame_fps > 0) {
    $('fps').value = Math.round(s.frame_fps);
    $('fps-value').textContent = Math.round(s.frame_fps);
  }
  applyWatching(s.watched_runner ?? null);
  renderRunners(s);
  renderMembers(s.members || []);
  if (s.error) showMessage('training error: ' + s.error, true);
}

// External runs only; the gate box only when the run has an action gate. A falling agreement rate shows the
// policy drifting from the game's rules.
function applyExternal(ext) {
  $('external-stat').hidden = !ext;
  $('gate-stat').hidden = !(ext && ext.gate);
  if (!ext) return;
  $('external-open').textContent = fmt(ext.open_episodes) + ' open';
  $('external-rate').textContent = fmt(ext.experience_per_second, 1) + ' transitions/s';
  if (!ext.gate) return;
  const rate = ext.gate_agreement_rate;
  $('gate-agreement').textContent = rate === null || rate === undefined ? '–' : fmt(100 * rate, 1) + '%';
  $('gate-checks').textContent = fmt(ext.gate_checks) + ' actions checked';
}

function renderRunners(s) {
  const body = $('runners').tBodies[0];
  body.replaceChildren(...s.runners.map(r => {
    const tr = document.createElement('tr');
    tr.dataset.runner = r.id;
    for (const v of [r.id, r.node, fmt(r.env_steps), fmt(r.episodes), fmt(r.weights_version), fmt(r.staleness), fmt(r.epsilon, 3), r.up ? 'yes' : 'no']) {
      const td = document.createElement('td');
      td.textContent = v;
      tr.appendChild(td);
    }
    if (!r.up) tr.cells[7].className = 'down';
    const td = document.createElement('td');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'visual-toggle' + (r.watched ? ' on' : '');
    b.textContent = r.watched ? 'watching' : 'watch';
    // A down runner (its node is gone) cannot be watched; one still marked watched can always be turned off.
    b.disabled = s.state === 'stopped' || (!r.up && !r.watched);
    b.onclick = () => command('/api/visual', { runner: r.id, on: !r.watched, fps: Number($('fps').value) });
    td.appendChild(b);
    tr.appendChild(td);
    return tr;
  }));
}

function renderMembers(members) {
  $('members-card').hidden = members.length === 0;
  $('members').tBodies[0].replaceChildren(...members.map(m => {
    const tr = document.createElement('tr');
    const age = (Date.now() - Date.parse(m.last_heartbeat)) / 1000;
    for (const v of [m.node, m.role, m.runners, fmt(age, 1) + ' s ago', m.up ? 'yes' : 'no']) {
      const td = document.createElement('td');
      td.textContent = v;
      tr.appendChild(td);
    }
    if (!m.up) tr.cells[4].className = 'down';
    return tr;
  }));
}

// ---------- charts ----------

const palette = { a: '#2f6fed', b: '#e07b00', c: '#1f9d55', d: '#9b51e0', e: '#d64545' };
const series = (label, stroke, extra = {}) => Object.assign({ label, stroke, width: 1.5, spanGaps: true }, extra);
const charts = {};
const data = {};

// Axis labels short enough for the gutter: 66k steps/s, 1.2M steps, 0.05 loss (uPlot's default cuts "66,000" to "6,000").
function short(v) {
  if (v === null || v === undefined) return '';
  const a = Math.abs(v);
  if (a >= 1e6) return +(v / 1e6).toPrecision(3) + 'M';
  if (a >= 1e4) return +(v / 1e3).toPrecision(3) + 'k';
  return String(+Number(v).toPrecision(3));
}
const yAxis = (extra = {}) => Object.assign({ size: 60, values: (u, vals) => vals.map(short) }, extra);

function makeChart(id, seriesList, axes) {
  const el = $(id);
  const opts = {
    width: Math.max(300, el.clientWidth), height: 200,
    scales: { x: { time: false } },
    series: [{ label: 's' }, ...seriesList],
    axes: axes || [{}, yAxis()],
    legend: { live: true },
    cursor: { drag: { x: true, y: false } },
  };
  data[id] = [[], ...seriesList.map(() => [])];
  charts[id] = new uPlot(opts, data[id], el);
}

function initCharts() {
  makeChart('chart-return', [series('return', '#9db7f0', { width: 1 }), series(`moving avg (${MA_WINDOW})`, palette.a, { width: 2 })]);
  makeChart('chart-eval', [
    series('eval return', palette.c, { points: { show: true, size: 6 } }),
    series('best', palette.e, { dash: [6, 4], points: { show: false } }), // a level line, so the eval points stay visible
  ]);
  makeChart('chart-loss', [series('loss', palette.d)]);
  makeChart('chart-speed', [series('env steps/s', palette.a, { scale: 'steps' }), series('updates/s', palette.b, { scale: 'upd' })],
    [{}, yAxis({ scale: 'steps' }), yAxis({ scale: 'upd', side: 1, grid: { show: false } })]);
  makeChart('chart-replay', [series('fill %', palette.c, { fill: 'rgba(31,157,85,.12)' })]);
  makeChart('chart-weights', [series('weights version', palette.a, { scale: 'v' }), series('mean staleness', palette.e, { scale: 'st' })],
    [{}, yAxis({ scale: 'v' }), yAxis({ scale: 'st', side: 1, grid: { show: false } })]);
  window.addEventListener('resize', () => {
    for (const [id, c] of Object.entries(charts)) c.setSize({ width: Math.max(300, $(id).clientWidth), height: 200 });
  });
}

const recentReturns = [];

function pushSample(m) {
  const t = m.time;
  if (m.kind === 'eval') {
    push('chart-eval', t, [m.eval_return, m.best_eval_return]);
    return;
  }
  if (m.episode_return !== null && m.episode_return !== undefined) {
    recentReturns.push(m.episode_return);
    if (recentReturns.length > MA_WINDOW) recentReturns.shift();
  }
  const ma = m.mean_return ?? (recentReturns.length ? recentReturns.reduce((a, b) => a + b, 0) / recentReturns.length : null);
  push('chart-return', t, [m.episode_return ?? null, ma]);
  push('chart-loss', t, [m.loss ?? null]);
  push('chart-speed', t, [m.env_steps_per_second, m.updates_per_second]);
  push('chart-replay', t, [100 * m.replay_fill]);
  push('chart-weights', t, [m.weights_version, m.mean_staleness]);
}

function push(id, t, values) {
  const d = data[id];
  d[0].push(t);
  values.forEach((v, i) => d[i + 1].push(v));
  if (d[0].length > MAX_POINTS) for (const arr of d) arr.shift();
}

function redraw() {
  for (const [id, c] of Object.entries(charts)) c.setData(data[id]);
}

async function reloadMetrics() {
  const res = await api('/api/metrics');
  if (res.status !== 200) return;
  for (const id of Object.keys(data)) for (const arr of data[id]) arr.length = 0;
  recentReturns.length = 0;
  for (const m of res.body) pushSample(m);
  redraw();
}

// ---------- live stream ----------

function connect() {
  if (ws && (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)) return;
  const url = new URL('ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  // Browsers cannot set headers on a WebSocket, and the server never reads a token from a URL: the token rides in a
  // subprotocol, base64url-encoded because a subprotocol only holds HTTP token characters.
  const protocols = token ? ['actortrainer', 'bearer64.' + base64Url(token)] : undefined;
  ws = new WebSocket(url, protocols);
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => {
    reconnectDelay = 500;
    setConn(true);
    resync();
  };
  ws.onmessage = (ev) => {
    if (typeof ev.data === 'string') {
      const msg = JSON.parse(ev.data);
      if (msg.type === 'status') applyStatus(msg.data);
      else if (msg.type === 'metrics') {
        metricsReceived++;
        document.body.dataset.metrics = metricsReceived;
        pushSample(msg.data);
        if (!document.hidden) redraw();
      }
    } else {
      drawFrame(decodeFrame(ev.data));
    }
  };
  ws.onclose = () => {
    setConn(false);
    ws = null;
    // A 401 on the upgrade looks like a plain close; the status call below brings up the token prompt.
    refreshStatus().catch(() => {});
    setTimeout(connect, reconnectDelay);
    reconnectDelay = Math.min(reconnectDelay * 2, 10000);
  };
}

function base64Url(text) {
  let bin = '';
  for (const b of new TextEncoder().encode(text)) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function setConn(up) {
  $('conn').textContent = up ? 'live' : 'offline';
  $('conn').className = 'conn ' + (up ? 'conn-up' : 'conn-down');
}

async function resync() {
  try {
    await refreshStatus();
    await reloadMetrics();
  } catch (e) {
    showMessage(e.message, true);
  }
}

document.addEventListener('visibilitychange', () => {
  if (!document.hidden) { resync(); connect(); }
});

// ---------- frames ----------
// Binary layout (little-endian), see FrameCodec.cs: "ATVF", u8 version, u8 kind (0 state, 1 cells), u16 env length,
// i32 runner, i64 sequence, u16 width, u16 height, i32 count, env UTF-8, payload (count float32 or count bytes).

function decodeFrame(buf) {
  const v = new DataView(buf);
  const magic = String.fromCharCode(v.getUint8(0), v.getUint8(1), v.getUint8(2), v.getUint8(3));
  if (magic !== 'ATVF' || v.getUint8(4) !== 1) throw new Error('not a version 1 visual frame');
  const kind = v.getUint8(5);
  const envLen = v.getUint16(6, true);
  const frame = {
    runner: v.getInt32(8, true),
    sequence: Number(v.getBigInt64(12, true)),
    width: v.getUint16(20, true),
    height: v.getUint16(22, true),
    env: new TextDecoder().decode(new Uint8Array(buf, 28, envLen)),
  };
  const count = v.getInt32(24, true);
  const start = 28 + envLen;
  if (kind === 0) {
    frame.state = [];
    for (let i = 0; i < count; i++) frame.state.push(v.getFloat32(start + 4 * i, true));
  } else {
    frame.cells = new Uint8Array(buf, start, count);
  }
  return frame;
}

const canvas = $('frame');
const ctx = canvas.getContext('2d');

// Visual mode as the Controller reports it. When it ends (turned off, or the watched runner's node died) the canvas says
// so instead of holding the last frame as if the stream were only slow.
function applyWatching(w) {
  $('frame-watched').textContent = w === null ? 'off' : w;
  if (w === null && watching !== null) {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = '#6b7385';
    ctx.font = '16px sans-serif';
    ctx.textAlign = 'center';
    ctx.fillText('visual mode off', canvas.width / 2, canvas.height / 2);
    ctx.textAlign = 'start';
  }
  watching = w;
}

function drawFrame(f) {
  // A frame that was in flight when visual mode moved on or ended.
  if (watching === null || f.runner !== watching) return;
  framesReceived++;
  $('frame-count').textContent = framesReceived;
  $('frame-seq').textContent = f.sequence;
  $('frame-runner').textContent = f.runner;
  const W = canvas.width, H = canvas.height;
  ctx.clearRect(0, 0, W, H);
  ctx.lineCap = 'round';
  const env = f.env.toLowerCase();
  if (f.cells) drawCells(f, W, H);
  else if (env.includes('cartpole')) drawCartPole(f.state, W, H);
  else if (env.includes('acrobot')) drawAcrobot(f.state, W, H);
  else if (env.includes('mountaincar')) drawMountainCar(f.state, W, H);
  else { ctx.fillStyle = '#6b7385'; ctx.fillText(`${f.env}: ${f.state.map(x => x.toFixed(3)).join(', ')}`, 10, 20); }
}

function drawCartPole([x, , theta], W, H) {
  const scale = W / 4.8; // track is x in [-2.4, 2.4]
  const ground = H * 0.7;
  ctx.strokeStyle = '#9aa3b5'; ctx.lineWidth = 2;
  ctx.beginPath(); ctx.moveTo(0, ground); ctx.lineTo(W, ground); ctx.stroke();
  const cx = W / 2 + x * scale, cw = 60, ch = 30;
  ctx.fillStyle = '#1d2330';
  ctx.fillRect(cx - cw / 2, ground - ch / 2, cw, ch);
  const len = scale * 1.0; // pole half-length 0.5 -> drawn full length 1.0
  ctx.strokeStyle = '#e07b00'; ctx.lineWidth = 8;
  ctx.beginPath(); ctx.moveTo(cx, ground - ch / 4);
  ctx.lineTo(cx + len * Math.sin(theta), ground - ch / 4 - len * Math.cos(theta)); ctx.stroke();
  ctx.fillStyle = '#2f6fed'; ctx.beginPath(); ctx.arc(cx, ground - ch / 4, 5, 0, 2 * Math.PI); ctx.fill();
}

function drawAcrobot([t1, t2], W, H) {
  const s = Math.min(W, H) / 4.6, px = W / 2, py = H / 2;
  // Angles from hanging straight down, as in Gymnasium's Acrobot.
  const x1 = px + s * Math.sin(t1), y1 = py + s * Math.cos(t1);
  const x2 = x1 + s * Math.sin(t1 + t2), y2 = y1 + s * Math.cos(t1 + t2);
  ctx.strokeStyle = '#c9ced8'; ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(0, py - s); ctx.lineTo(W, py - s); ctx.stroke(); // the goal height
  ctx.lineWidth = 10;
  ctx.strokeStyle = '#2f6fed'; ctx.beginPath(); ctx.moveTo(px, py); ctx.lineTo(x1, y1); ctx.stroke();
  ctx.strokeStyle = '#e07b00'; ctx.beginPath(); ctx.moveTo(x1, y1); ctx.lineTo(x2, y2); ctx.stroke();
  ctx.fillStyle = '#1d2330';
  for (const [x, y] of [[px, py], [x1, y1]]) { ctx.beginPath(); ctx.arc(x, y, 5, 0, 2 * Math.PI); ctx.fill(); }
}

function drawMountainCar([pos], W, H) {
  const minX = -1.2, maxX = 0.6;
  const sx = (x) => (x - minX) / (maxX - minX) * W;
  // Gymnasium's hill, height sin(3x)*0.45+0.55 in [0.1, 1.0]; the top 25% is left free for the goal flag.
  const sy = (x) => H * 0.95 - (Math.sin(3 * x) * 0.45 + 0.55) * H * 0.7;
  ctx.strokeStyle = '#1d2330'; ctx.lineWidth = 3;
  ctx.beginPath();
  for (let i = 0; i <= 100; i++) { const x = minX + (maxX - minX) * i / 100; i ? ctx.lineTo(sx(x), sy(x)) : ctx.moveTo(sx(x), sy(x)); }
  ctx.stroke();
  ctx.strokeStyle = '#1f9d55'; ctx.lineWidth = 2; // goal flag at 0.5
  ctx.beginPath(); ctx.moveTo(sx(0.5), sy(0.5)); ctx.lineTo(sx(0.5), sy(0.5) - 40); ctx.stroke();
  ctx.fillStyle = '#1f9d55'; ctx.fillRect(sx(0.5), sy(0.5) - 40, 18, 10);
  const angle = Math.atan(-Math.cos(3 * pos) * 3 * 0.45 * H * 0.7 / (W / (maxX - minX)));
  ctx.save(); ctx.translate(sx(pos), sy(pos)); ctx.rotate(angle);
  ctx.fillStyle = '#e07b00'; ctx.fillRect(-18, -16, 36, 14);
  ctx.restore();
}

const pieceColors = ['#fbfcfd', '#00b8d9', '#f2c94c', '#9b51e0', '#27ae60', '#eb5757', '#2f6fed', '#f2994a'];

function drawCells(f, W, H) {
  const size = Math.floor(Math.min(W / f.width, H / f.height));
  const ox = (W - size * f.width) / 2, oy = (H - size * f.height) / 2;
  ctx.strokeStyle = '#e2e5ea'; ctx.lineWidth = 1;
  for (let r = 0; r < f.height; r++) {
    for (let c = 0; c < f.width; c++) {
      const k = f.cells[r * f.width + c];
      ctx.fillStyle = pieceColors[k] || '#1d2330';
      ctx.fillRect(ox + c * size, oy + r * size, size, size);
      ctx.strokeRect(ox + c * size + 0.5, oy + r * size + 0.5, size - 1, size - 1);
    }
  }
}

// ---------- controls ----------

$('btn-pause').onclick = () => command('/api/pause');
$('btn-resume').onclick = () => command('/api/resume');
$('btn-save').onclick = () => command('/api/save');
$('btn-stop').onclick = () => {
  if (confirm('Stop the training? A final checkpoint is written and the run ends.')) command('/api/stop');
};
$('fps').oninput = () => { $('fps-value').textContent = $('fps').value; };
$('fps').onchange = () => {
  if (status && status.watched_runner !== null && status.watched_runner !== undefined) command('/api/speed', { fps: Number($('fps').value) });
};

initCharts();
resync();
connect();
