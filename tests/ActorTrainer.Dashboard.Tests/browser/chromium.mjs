// What every browser test script shares: Debian's chromium through playwright-core with the flags this machine's
// closed network needs, a throw-away profile, and one exit protocol (0 when every step passed; otherwise the failed
// step is printed, a failure screenshot saved, and the exit code is 1).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const log = (m) => console.log(`[browser] ${m}`);

// body(page, state) sets state.step before each step, so a failure names it. extraArgs are more chromium switches.
export async function runInChromium(screenshot, body, extraArgs = []) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'actortrainer-chromium-'));
  const state = { step: 'launch chromium' };
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1400, height: 1300 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', ...extraArgs],
    });
    const page = context.pages()[0] || await context.newPage();
    await body(page, state);
    log('all steps passed');
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
    process.exit(0);
  } catch (e) {
    console.error(`[browser] FAILED at step "${state.step}": ${e.message}`);
    try {
      const page = context && context.pages()[0];
      if (page) await page.screenshot({ path: screenshot.replace(/\.png$/, '-failure.png'), fullPage: true });
    } catch { /* best effort */ }
    if (context) await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
    process.exit(1);
  }
}
